/**
 * Rule `local-traffic-policy` (S3): a LoadBalancer IP or NodePort of a Service with
 * externalTrafficPolicy Local, entered on a node that runs no ready endpoint of it. kube-proxy
 * there only forwards to local endpoints, has none, and drops the traffic.
 */
import type { InventoryService, InventoryServicePort } from '@/lib/inventory/types';
import { loadBalancerId, serviceId } from '@/lib/resolve/element-ids';
import { serviceEndpoints, type ServiceEndpoint } from '@/lib/topology/endpoints';
import type { Finding, FindingFix } from '@/lib/trace/types';
import { connectErrors, describeConnects, linkInto, podsOnNode } from '../evidence';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult, Rule } from '../types';

/** Where the traffic meets the Local policy, from the inventory and the expected path. */
interface Entry {
  service: InventoryService;
  servicePort: InventoryServicePort | null;
  frontend: 'LoadBalancer' | 'NodePort';
  /** The LoadBalancer IP, or the node address of the NodePort. */
  address: string;
  /** The port the caller used (LoadBalancer port or NodePort). */
  port: number | null;
  /** The node whose kube-proxy decides: where the traffic enters. */
  node: string;
  /** The path element the traffic enters the Service through. */
  elementId: string;
  ready: ServiceEndpoint[];
}

const name = (s: InventoryService) => `${s.namespace}/${s.name}`;

function hostSource(input: DiagnosisInput): boolean {
  return input.from.kind === 'node' || input.from.hostNetwork === true;
}

function entryOf(input: DiagnosisInput): Entry | null {
  const { expected, snapshot } = input;
  const via = expected.via;
  if (!via.service) return null;
  const { namespace, name: svcName, port } = via.service;
  const service = snapshot.services.find((s) => s.namespace === namespace && s.name === svcName);
  if (!service || service.externalTrafficPolicy !== 'Local') return null;
  const servicePort = service.ports.find((p) => p.port === port) ?? null;

  let entry: Omit<Entry, 'ready'>;
  if (via.loadBalancer && expected.sourceNode) {
    // kube-proxy sends the node's own traffic for an external IP to any endpoint (it is not
    // "external"), so from the host network the Local policy never bites.
    if (hostSource(input)) return null;
    entry = {
      service,
      servicePort,
      frontend: 'LoadBalancer',
      address: via.loadBalancer.ip,
      port: expected.connectTarget?.port ?? null,
      // A pod's packets to the LoadBalancer IP are caught by kube-proxy on the pod's own node.
      node: expected.sourceNode,
      elementId: loadBalancerId(via.loadBalancer.ip),
    };
  } else if (via.nodePort) {
    // The same short-cut holds for the node's own traffic to its own NodePort.
    if (hostSource(input) && via.nodePort.node === expected.sourceNode) return null;
    entry = {
      service,
      servicePort,
      frontend: 'NodePort',
      address: via.nodePort.ip,
      port: via.nodePort.port,
      node: via.nodePort.node,
      elementId: serviceId(service.namespace, service.name),
    };
  } else {
    return null;
  }
  const ready = serviceEndpoints(service, snapshot, servicePort).filter((e) => e.ready);
  // No ready endpoint anywhere is the no-endpoints rule's case, not a policy matter.
  if (ready.length === 0 || ready.some((e) => e.node === entry.node)) return null;
  return { ...entry, ready };
}

/** Nodes with a ready endpoint, by name. */
function endpointNodes(entry: Entry): string[] {
  return [...new Set(entry.ready.flatMap((e) => (e.node ? [e.node] : [])))].sort();
}

/** The comparison probe and how the evidence names where it ran. */
interface Comparison {
  request: ExtraProbeRequest;
  /** "a probe pod beside default/httpd on node-1, which has a local endpoint" */
  label: string;
}

/**
 * The comparison that tells the policy from a broken network: the same frontend reached where
 * an endpoint is local. For a LoadBalancer IP, a probe pod on a node with an endpoint (a pod,
 * not that node's host network: kube-proxy sends the node's own traffic to any endpoint, so a
 * host-network connect succeeds on every node and proves nothing). For a NodePort, the same
 * caller to the NodePort of a node that has an endpoint.
 */
function comparison(input: DiagnosisInput, entry: Entry): Comparison | null {
  if (entry.port === null) return null;
  const port = entry.port;
  const nodes = endpointNodes(entry);
  if (entry.frontend === 'LoadBalancer') {
    const endpointPods = new Set(
      entry.ready.flatMap((e) => (e.pod ? [`${e.pod.namespace}/${e.pod.name}`] : [])),
    );
    for (const node of nodes) {
      const pods = podsOnNode(input.snapshot, node);
      // Beside a pod that is not itself an endpoint, so nobody wonders about a hairpin.
      const pod = pods.find((p) => !endpointPods.has(`${p.namespace}/${p.name}`)) ?? pods[0];
      if (!pod) continue;
      return {
        request: {
          key: `connect:pod:${pod.namespace}/${pod.name}->${entry.address}:${port}`,
          from: { kind: 'pod', namespace: pod.namespace, name: pod.name },
          kind: 'connect',
          target: { ip: entry.address, port },
          why: `Local-policy comparison: ${entry.address}:${port} from ${node}, which has a local endpoint`,
        },
        label: `a probe pod beside ${pod.namespace}/${pod.name} on ${node}, which has a local endpoint`,
      };
    }
    return null;
  }
  const from = input.from;
  const probeFrom: ExtraProbeRequest['from'] | null =
    from.kind === 'pod' && from.namespace && from.name
      ? { kind: 'pod', namespace: from.namespace, name: from.name }
      : from.kind === 'node' && from.node
        ? { kind: 'node', node: from.node }
        : null;
  if (!probeFrom) return null;
  const who =
    probeFrom.kind === 'pod'
      ? `pod:${probeFrom.namespace}/${probeFrom.name}`
      : `node:${probeFrom.node}`;
  const source = input.expected.sourceNode;
  const ordered = [...nodes.filter((n) => n !== source), ...nodes.filter((n) => n === source)];
  for (const node of ordered) {
    const ip = input.snapshot.nodes.find((n) => n.name === node)?.internalIP;
    if (!ip) continue;
    return {
      request: {
        key: `connect:${who}->${ip}:${port}`,
        from: probeFrom,
        kind: 'connect',
        target: { ip, port },
        why: `Local-policy comparison: NodePort ${port} of ${node}, which has a local endpoint`,
      },
      label: `${who.replace(/^(pod|node):/, '')}, to NodePort ${port} of ${node} (${ip}), which has a local endpoint`,
    };
  }
  return null;
}

function fixes(input: DiagnosisInput, entry: Entry): FindingFix[] {
  const { service } = entry;
  const out: FindingFix[] = [
    {
      title:
        `Set externalTrafficPolicy to Cluster, so that every node forwards ${entry.frontend} traffic ` +
        `to any ready endpoint. The cost: traffic forwarded to another node is SNATed by kube-proxy, ` +
        `so the pods of ${name(service)} no longer see the client's source IP, and it may take one ` +
        `more hop between nodes.`,
      commands: [
        `kubectl -n ${service.namespace} patch service ${service.name} -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'`,
      ],
    },
  ];
  const port = entry.servicePort?.port ?? null;
  // ClusterIP traffic follows internalTrafficPolicy instead; with Local there too it would fail alike.
  if (service.clusterIP && port !== null && service.internalTrafficPolicy !== 'Local') {
    const dnsName = `${service.name}.${service.namespace}.svc.cluster.local`;
    const target = hostSource(input) ? `ip:${service.clusterIP}:${port}` : `dns:${dnsName}:${port}`;
    out.push({
      title:
        `Inside the cluster, call ${dnsName}:${port} (ClusterIP ${service.clusterIP}:${port}) ` +
        `instead of ${entry.address}:${entry.port ?? port}: the ClusterIP is balanced over every ` +
        `ready endpoint on any node, whatever the external traffic policy.` +
        (hostSource(input)
          ? ' From the host network, use the ClusterIP (the node resolves names without cluster DNS).'
          : ''),
      commands: [`npx podpath trace ${input.result.from.ref} ${target}`],
    });
  }
  return out;
}

function evaluate(input: DiagnosisInput, extra: ReadonlyMap<string, ExtraProbeResult>): Finding[] {
  const entry = entryOf(input);
  if (!entry) return [];
  const { result } = input;
  const connect = result.connect ?? null;
  // Traffic got through: whatever the policy, this path is not dropped.
  if (connect && connect.succeeded > 0) return [];

  const { service } = entry;
  const nodes = endpointNodes(entry);
  const what =
    entry.frontend === 'LoadBalancer'
      ? `the LoadBalancer IP ${entry.address}`
      : `NodePort ${entry.port ?? '?'} on ${entry.node} (${entry.address})`;
  const source = result.from.ref.replace(/^(pod|node):/, '');

  const evidence: string[] = [
    `${name(service)}: type ${service.type}, externalTrafficPolicy Local` +
      (service.loadBalancerIngress.length > 0
        ? `, LoadBalancer ingress ${service.loadBalancerIngress.join(', ')}`
        : ''),
    `ready endpoints: ${entry.ready
      .map(
        (e) =>
          `${e.ip}${e.pod ? ` (${e.pod.namespace}/${e.pod.name})` : ''} on ${e.node ?? 'an unknown node'}`,
      )
      .join(', ')}; none on ${entry.node}, where the traffic enters`,
  ];
  if (connect) {
    const errors = connectErrors(connect).filter((e) => !/^\d+× failed$/.test(e));
    evidence.push(
      `from ${source} on ${input.expected.sourceNode ?? '?'}: ${describeConnects(connect)}` +
        (errors.length > 0 ? ` (${errors.join(', ')})` : ''),
    );
  }
  const traced = input.expected.traceTarget?.ip;
  if (traced && result.hops.some((h) => h.ip === traced)) {
    evidence.push(
      `the traceroute reached the endpoint ${traced} itself: the network to it works, the traffic is dropped where kube-proxy applies the policy`,
    );
  }

  const compare = comparison(input, entry);
  const got = compare ? extra.get(compare.request.key) : undefined;
  if (compare && got) {
    evidence.push(
      got.ok && got.connect
        ? `from ${compare.label}: ${describeConnects(got.connect)}`
        : `the comparison from ${compare.label} could not run: ${got.error ?? 'no result'}`,
    );
  }
  const confirmed =
    connect !== null && got?.ok === true && got.connect !== null && got.connect.succeeded > 0;

  const where = nodes.join(', ');
  let explanation =
    `${name(service)} has externalTrafficPolicy: Local. With that policy kube-proxy on each node ` +
    `forwards traffic for ${entry.frontend === 'LoadBalancer' ? 'its LoadBalancer IP' : 'its NodePort'} ` +
    `only to pods of the Service running on that same node, so that the pods see the client's ` +
    `real source address. ` +
    (entry.frontend === 'LoadBalancer'
      ? `Traffic from ${source} to ${entry.address} is caught by kube-proxy on ${entry.node}, the caller's own node, `
      : `Traffic to ${what} is handled by kube-proxy on ${entry.node}, `) +
    `and ${entry.node} runs no ready pod of the Service (they run on ${where}), so the traffic is ` +
    `dropped instead of being sent on to ${where}.`;
  if (!confirmed) {
    const compareText = compare
      ? `a connect to ${compare.request.target.ip}:${compare.request.target.port} from ${compare.label}, that succeeds`
      : `a connect to ${what} from a pod on ${where}, which has an endpoint, that succeeds`;
    const why = !connect
      ? 'no connect ran (the target has no port)'
      : !compare
        ? 'there was no pod to compare from'
        : !got
          ? 'the comparison did not run'
          : !got.ok
            ? 'the comparison could not run'
            : 'the comparison failed as well, so something else may be in the way too';
    explanation += ` Not confirmed: ${why}. What would confirm it: ${compareText}.`;
  }

  return [
    {
      rule: 'local-traffic-policy',
      severity: confirmed ? 'error' : 'warning',
      link: linkInto(result, entry.elementId),
      title:
        entry.frontend === 'LoadBalancer'
          ? `Local-policy LoadBalancer ${entry.address}: ${entry.node} has no endpoint of ${name(service)}`
          : `Local-policy NodePort ${entry.port ?? ''} on ${entry.node}: no endpoint of ${name(service)} there`,
      explanation,
      evidence,
      fix: fixes(input, entry),
    },
  ];
}

/** S3: externalTrafficPolicy Local entered on a node without a local endpoint. */
export const localTrafficPolicyRule: Rule = {
  name: 'local-traffic-policy',
  applies: (input) => entryOf(input) !== null,
  probes(input) {
    const entry = entryOf(input);
    const connect = input.result.connect;
    // Only a failed connect needs explaining; the comparison costs a probe pod.
    if (!entry || !connect || connect.succeeded > 0) return [];
    const compare = comparison(input, entry);
    return compare ? [compare.request] : [];
  },
  evaluate,
};
