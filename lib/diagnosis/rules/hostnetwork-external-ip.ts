/**
 * Rule `hostnetwork-external-ip` (S4): a host-network source (a node, or a pod with
 * hostNetwork: true) connects to a Service's LoadBalancer ingress IP or external IP and fails,
 * while an ordinary pod on the same node gets through. Where the service proxy only translates
 * those addresses for traffic arriving from pods or from outside, the node's own packets to
 * them leave untranslated and never reach a pod of the Service.
 */
import type { InventoryPod, InventoryService } from '@/lib/inventory/types';
import { loadBalancerId } from '@/lib/resolve/element-ids';
import type { ConnectSummary, Finding, FindingFix } from '@/lib/trace/types';
import {
  connectErrors,
  describeConnects,
  linkInto,
  podsOnNode,
  selectorMatches,
} from '../evidence';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult, Rule } from '../types';

/** The facts the rule needs, or null when it has nothing to say. */
interface Case {
  service: InventoryService;
  /** The LoadBalancer or external IP and the port the caller used. */
  ip: string;
  port: number;
  how: 'LoadBalancer ingress IP' | 'external IP';
  node: string;
  /** The host-network pod, when the source is one rather than a node. */
  pod: InventoryPod | null;
  connect: ConnectSummary;
}

function caseOf(input: DiagnosisInput): Case | null {
  const { from, expected, snapshot, result } = input;
  const hostPod = from.kind === 'pod' && from.pod?.hostNetwork === true ? from.pod : null;
  if (from.kind !== 'node' && !hostPod) return null;
  const lb = expected.via.loadBalancer;
  const target = expected.connectTarget;
  const node = expected.sourceNode;
  if (!lb || !target || !node || !expected.via.service) return null;
  // A Service with no ready endpoint fails from everywhere: the no-endpoints rule's case.
  if ((expected.via.readyEndpoints ?? 0) === 0) return null;
  const connect = result.connect;
  if (!connect || connect.attempts === 0 || connect.succeeded > 0) return null;
  const { namespace, name } = expected.via.service;
  const service = snapshot.services.find((s) => s.namespace === namespace && s.name === name);
  if (!service) return null;
  return {
    service,
    ip: lb.ip,
    port: target.port,
    how: service.loadBalancerIngress.includes(lb.ip) ? 'LoadBalancer ingress IP' : 'external IP',
    node,
    pod: hostPod ?? null,
    connect,
  };
}

/** The comparison: the same connect from an ordinary pod on the source's node. */
function comparison(
  input: DiagnosisInput,
  c: Case,
): { request: ExtraProbeRequest; pod: string } | null {
  const pods = podsOnNode(input.snapshot, c.node);
  const { selector, namespace } = c.service;
  // Beside a pod that is not itself behind the Service, so nobody wonders about a hairpin.
  const backs = (p: InventoryPod) =>
    p.namespace === namespace && selector !== null && selectorMatches(selector, p.labels);
  const pod = pods.find((p) => !backs(p)) ?? pods[0];
  if (!pod) return null;
  const id = `${pod.namespace}/${pod.name}`;
  return {
    request: {
      key: `connect:pod:${id}->${c.ip}:${c.port}`,
      from: { kind: 'pod', namespace: pod.namespace, name: pod.name },
      kind: 'connect',
      target: { ip: c.ip, port: c.port },
      why: `host-network-versus-pod comparison: ${c.ip}:${c.port} from an ordinary pod on ${c.node}`,
    },
    pod: id,
  };
}

const svcName = (s: InventoryService) => `${s.namespace}/${s.name}`;

function sourceName(c: Case): string {
  return c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.node;
}

/** How to give a host-network pod cluster DNS, for the pod or the controller that owns it. */
function dnsPolicyCommands(pod: InventoryPod): string[] {
  const patch = `'{"spec":{"template":{"spec":{"dnsPolicy":"ClusterFirstWithHostNet"}}}}'`;
  const ns = pod.namespace;
  switch (pod.owner?.kind) {
    case 'DaemonSet':
      return [`kubectl -n ${ns} patch daemonset ${pod.owner.name} -p ${patch}`];
    case 'StatefulSet':
      return [`kubectl -n ${ns} patch statefulset ${pod.owner.name} -p ${patch}`];
    case 'ReplicaSet':
      // The inventory knows the ReplicaSet; its Deployment is the one to change.
      return [
        `kubectl -n ${ns} patch deployment "$(kubectl -n ${ns} get replicaset ${pod.owner.name} -o jsonpath='{.metadata.ownerReferences[0].name}')" -p ${patch}`,
      ];
    default:
      // A Pod's dnsPolicy cannot change in place: the pod is re-created from its edited spec.
      return [
        `kubectl -n ${ns} get pod ${pod.name} -o yaml > ${pod.name}.yaml`,
        `kubectl replace --force -f ${pod.name}.yaml`,
      ];
  }
}

function fixes(c: Case): FindingFix[] {
  const { service } = c;
  const dnsName = `${service.name}.${service.namespace}.svc.cluster.local`;
  const out: FindingFix[] = [];
  if (c.pod) {
    const bare =
      !c.pod.owner || !['DaemonSet', 'StatefulSet', 'ReplicaSet'].includes(c.pod.owner.kind);
    out.push({
      title:
        `Call the Service by its DNS name, ${dnsName}:${c.port}, and give ${sourceName(c)} cluster DNS ` +
        `with dnsPolicy: ClusterFirstWithHostNet (a host-network pod otherwise uses the node's ` +
        `resolver, which does not know cluster names). The name resolves to the ClusterIP` +
        `${service.clusterIP ? ` ${service.clusterIP}` : ''}, which the service proxy does translate ` +
        `for the node's own traffic.` +
        (bare
          ? ` A Pod's dnsPolicy cannot change in place: save the pod, set spec.dnsPolicy as below in ${c.pod.name}.yaml, and re-create it.`
          : ` Set it in the pod template of ${c.pod.owner?.kind ?? 'its controller'} ${c.pod.owner?.name ?? ''}.`),
      commands: dnsPolicyCommands(c.pod),
      yaml: [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        `  name: ${c.pod.name}`,
        `  namespace: ${c.pod.namespace}`,
        'spec:',
        '  hostNetwork: true',
        '  dnsPolicy: ClusterFirstWithHostNet',
        `  # the rest of the spec unchanged; the application connects to ${dnsName}:${c.port}`,
        '',
      ].join('\n'),
    });
  } else if (service.clusterIP) {
    out.push({
      title:
        `From the node itself, connect to the Service's ClusterIP ${service.clusterIP}:${c.port} ` +
        `(${dnsName}) instead of ${c.ip}: the service proxy translates ClusterIPs for the node's own traffic.`,
      commands: [`npx podpath trace node:${c.node} ip:${service.clusterIP}:${c.port}`],
    });
  }
  if (service.clusterIP) {
    out.push({
      title:
        `On ${c.node}, DNAT the node's own traffic for ${c.ip} to the ClusterIP ${service.clusterIP} ` +
        `(the port stays ${c.port}, which the ClusterIP serves too). The rule is per node and not ` +
        `managed by kube-proxy: it is lost on reboot, so re-apply it (for example from a privileged ` +
        `hostNetwork DaemonSet) on every node whose host-network pods call ${c.ip}, and remove it ` +
        `with iptables -t nat -D OUTPUT and the same arguments if the Service's addresses change.`,
      commands: [
        `iptables -t nat -A OUTPUT -d ${c.ip} -j DNAT --to-destination ${service.clusterIP}`,
      ],
    });
  }
  return out;
}

function evaluate(input: DiagnosisInput, extra: ReadonlyMap<string, ExtraProbeResult>): Finding[] {
  const c = caseOf(input);
  if (!c) return [];
  const { result } = input;
  const { service } = c;

  const evidence: string[] = [
    c.pod
      ? `${sourceName(c)} has hostNetwork: true: it uses ${c.node}'s own network${c.pod.ip ? ` and address ${c.pod.ip}` : ''}`
      : `the trace starts in ${c.node}'s own network (its host network)`,
    `${c.ip} is the ${c.how} of ${svcName(service)}` +
      (service.clusterIP ? ` (ClusterIP ${service.clusterIP})` : '') +
      `, which has ${input.expected.via.readyEndpoints ?? 0} ready endpoint(s)`,
  ];
  const errors = connectErrors(c.connect).filter((e) => !/^\d+× failed$/.test(e));
  evidence.push(
    `from ${sourceName(c)} on ${c.node}: ${describeConnects(c.connect)}` +
      (errors.length > 0 ? ` (${errors.join(', ')})` : ''),
  );
  const traced = input.expected.traceTarget?.ip;
  if (traced && result.hops.some((h) => h.ip === traced)) {
    evidence.push(
      `the traceroute from ${c.node} to the endpoint ${traced} got there: the network to the Service's pods works`,
    );
  }

  const compare = comparison(input, c);
  const got = compare ? extra.get(compare.request.key) : undefined;
  const label = compare
    ? `a probe pod beside ${compare.pod}, an ordinary pod on ${c.node}`
    : `an ordinary pod on ${c.node}`;
  if (got) {
    evidence.push(
      got.ok && got.connect
        ? `from ${label}: ${describeConnects(got.connect)}`
        : `the comparison from ${label} could not run: ${got.error ?? 'no result'}`,
    );
  }
  const confirmed = got?.ok === true && got.connect !== null && got.connect.succeeded > 0;

  let explanation =
    `${c.pod ? `${sourceName(c)} runs with hostNetwork: true, so it shares ${c.node}'s own network` : `The trace starts on ${c.node} itself`}: ` +
    `its packets leave from the node, not from a pod network. The service proxy on ${c.node} ` +
    `translates ${c.ip} (the ${c.how} of ${svcName(service)}) to one of the Service's pods only ` +
    `for traffic that arrives from pods or from outside; the node's own packets to that address ` +
    `are sent out untranslated, and as the failed connects show, they never reach the Service.`;
  if (confirmed) {
    explanation += ` An ordinary pod on ${c.node} reaches the same address, because its packets pass through those rules.`;
  } else {
    const why = !compare
      ? `there is no ordinary pod on ${c.node} to compare with`
      : !got
        ? 'the comparison did not run'
        : !got.ok
          ? 'the comparison could not run'
          : `the ordinary pod failed as well, so the cause may lie beyond ${c.node}`;
    explanation += ` Not confirmed: ${why}. What would confirm it: a connect to ${c.ip}:${c.port} from ${label} that succeeds.`;
  }

  return [
    {
      rule: 'hostnetwork-external-ip',
      severity: confirmed ? 'error' : 'warning',
      link: linkInto(result, loadBalancerId(c.ip)),
      title: `hostNetwork to external IP: ${sourceName(c)} cannot reach ${c.ip}:${c.port} (${svcName(service)}) from ${c.node}'s own network`,
      explanation,
      evidence,
      fix: fixes(c),
    },
  ];
}

/** S4: a host-network caller to a LoadBalancer or external IP the service proxy leaves alone. */
export const hostNetworkExternalIpRule: Rule = {
  name: 'hostnetwork-external-ip',
  applies: (input) => caseOf(input) !== null,
  probes(input) {
    const c = caseOf(input);
    const compare = c ? comparison(input, c) : null;
    return compare ? [compare.request] : [];
  },
  evaluate,
};
