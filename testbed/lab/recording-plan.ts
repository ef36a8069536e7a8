/**
 * Which probes `npm run lab:record` records for a scenario, and how it runs them. Sources are
 * a new pod and the host network of every node, plus the scenario pods the traces start from;
 * targets are every pod, node, Service frontend and outside address of the scenario, with short
 * forms (`traceroute -n -q 1 -w 1 -m 8 IP`, `nc -z -v -w 2 IP PORT`). On top of those, the exact
 * argv podpath's probes (lib/probes) run for the scenario traces S1 to S6 and k3s's, built by
 * the probes' own argv builder with its default options, so that the demo replays what the
 * product asks for; and the articles' own commands. A probe not listed here is not replayable.
 */
import { probeCommand } from '../../lib/probes/commands';
import { DEFAULT_PROBE_NAMESPACE } from '../../lib/probes/config';
import { DEFAULT_PROBE_OPTIONS, type ProbeKind, type ProbeTarget } from '../../lib/probes/types';
import type { Scenario } from '../scenarios/types';
import { addressOf, nthAddress } from './cidr';
import type { NetworkLab } from './lab';
import type { ImageKind } from './probe-command';
import { recordingKey, type RecordingEntry, type RecordingSource } from './recording';
import type { SandboxSpec } from '../runtime/types';

export interface PlannedProbe {
  node: string;
  source: RecordingSource;
  image: ImageKind;
  argv: string[];
  varies: boolean;
}

const IMAGES: Record<ImageKind, string> = {
  busybox: 'busybox',
  probe: 'ghcr.io/podpath/probe:latest',
};

/** Scenario pods used as trace sources (ephemeral containers beside them). */
const SOURCE_PODS: Record<string, string[]> = {
  demo: ['default/web-client', 'default/k8s-go-demo-deploy-66cdbcd8d9-fxrql'],
  k3s: ['default/client'],
};

/** The article's own commands, recorded exactly as printed there. */
const ARTICLE_PROBES: Record<string, PlannedProbe[]> = {
  demo: [
    {
      node: 'node-2',
      source: 'pod',
      image: 'busybox',
      argv: ['traceroute', '10.244.1.3'],
      varies: false,
    },
    {
      node: 'node-1',
      source: 'pod',
      image: 'busybox',
      argv: ['traceroute', '10.244.1.3'],
      varies: false,
    },
    {
      node: 'controlplane',
      source: 'hostNetwork',
      image: 'probe',
      argv: ['traceroute', '-n', '192.168.56.11'],
      varies: false,
    },
    {
      node: 'controlplane',
      source: 'hostNetwork',
      image: 'probe',
      argv: ['traceroute', '-n', '192.168.56.12'],
      varies: false,
    },
  ],
  k3s: [
    {
      node: 'k3s-agent-2',
      source: 'pod',
      image: 'busybox',
      argv: ['ping', '-c', '4', '192.168.2.10'],
      varies: false,
    },
  ],
};

/** One probe of a scenario trace, as lib/probes runs it. */
interface TraceProbe {
  trace: string;
  node: string;
  /** `pod`: a probe pod; `hostNetwork`: a hostNetwork probe pod; `pod:NS/NAME`: ephemeral. */
  source: RecordingSource;
  images: ImageKind[];
  kind: ProbeKind;
  target: ProbeTarget;
  /** The kernel's answer is random (S2: the caller is one of its Service's two endpoints). */
  varies?: boolean;
}

const FXRQL = 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql';

/**
 * The probes podpath's strategies run for each scenario trace (see shared/scenarios.md).
 * busybox traceroutes only for the article's own traces (S1, S1b, k3s cross-node): busybox
 * probes hop by hop, and a 20-hop trace into a black hole takes 40 s at -w 2. Connects use
 * podpath's image only (busybox's nc here lacks -z, unlike upstream busybox). No DNS lookups:
 * the recorder's lab serves no cluster DNS (kube-dns is the emulator's Service, not the
 * scenario's), so they would record a refusal no cluster gives.
 */
const TRACE_PROBES: Record<string, TraceProbe[]> = {
  demo: [
    // S1 web-client -> httpd: a probe pod on node-2, or an ephemeral container when asked.
    {
      trace: 'S1',
      node: 'node-2',
      source: 'pod',
      images: ['probe', 'busybox'],
      kind: 'traceroute',
      target: { ip: '10.244.1.3' },
    },
    {
      trace: 'S1',
      node: 'node-2',
      source: 'pod:default/web-client',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '10.244.1.3' },
    },
    {
      trace: 'S1',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '10.244.1.3', port: 80 },
    },
    // S1b nginx -> httpd, both on node-1.
    {
      trace: 'S1b',
      node: 'node-1',
      source: 'pod',
      images: ['probe', 'busybox'],
      kind: 'traceroute',
      target: { ip: '10.244.1.3' },
    },
    // S2 fxrql -> k8s-go-demo-svc:80: ephemeral in fxrql (identity matters), or a probe pod
    // beside it when ephemeral containers are not allowed.
    {
      trace: 'S2',
      node: 'node-1',
      source: FXRQL,
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '10.96.212.203' },
    },
    {
      trace: 'S2',
      node: 'node-1',
      source: FXRQL,
      images: ['probe'],
      kind: 'connect',
      target: { ip: '10.96.212.203', port: 80 },
      varies: true,
    },
    {
      trace: 'S2',
      node: 'node-1',
      source: 'pod',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '10.96.212.203' },
    },
    {
      trace: 'S2',
      node: 'node-1',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '10.96.212.203', port: 80 },
    },
    // S3 web-client (node-2) -> the Local-policy LB IP; from a pod on node-1 it works.
    {
      trace: 'S3',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '192.168.56.240' },
      // UDP to an LB IP nobody owns dies in ARP; where the !H shows depends on the neighbour
      // cache's state, so a rerun need not match hop for hop.
      varies: true,
    },
    {
      // What the engine traces for S3: the path to the endpoint behind the LB.
      trace: 'S3',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '10.244.1.5' },
    },
    {
      trace: 'S3',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.56.240', port: 80 },
    },
    {
      // The local-traffic-policy rule's check: a node that has a local endpoint.
      trace: 'S3',
      node: 'node-1',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.56.240', port: 80 },
    },
    {
      trace: 'S3',
      node: 'node-1',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.56.240', port: 80 },
    },
    // S4 my-pod (hostNetwork, node-2) -> the LB IP; a normal pod on node-2 reaches it.
    {
      trace: 'S4',
      node: 'node-2',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '192.168.56.241' },
      // UDP to an LB IP nobody owns dies in ARP; where the !H shows depends on the neighbour
      // cache's state, so a rerun need not match hop for hop.
      varies: true,
    },
    {
      // What the engine traces for S4: the path to the endpoint behind the LB.
      trace: 'S4',
      node: 'node-2',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '10.244.1.4' },
    },
    {
      trace: 'S4',
      node: 'node-2',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.56.241', port: 38001 },
    },
    {
      trace: 'S4',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.56.241', port: 38001 },
    },
    // S5 web-client -> legacy-db, and node-2's own trace as the evidence.
    {
      trace: 'S5',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '192.168.2.10' },
    },
    {
      trace: 'S5',
      node: 'node-2',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '192.168.2.10' },
    },
    {
      trace: 'S5',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.2.10', port: 5432 },
    },
    {
      trace: 'S5',
      node: 'node-2',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.2.10', port: 5432 },
    },
    // S6 web-client -> legacy-api:8080, a Service without endpoints.
    {
      trace: 'S6',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '10.96.77.7' },
    },
    {
      trace: 'S6',
      node: 'node-2',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '10.96.77.7', port: 8080 },
    },
  ],
  k3s: [
    // client (k3s-agent-2) -> web (k3s-agent-1) across flannel.1, by pod and by Service.
    {
      trace: 'cross-node',
      node: 'k3s-agent-2',
      source: 'pod',
      images: ['probe', 'busybox'],
      kind: 'traceroute',
      target: { ip: '10.42.1.5' },
    },
    {
      trace: 'cross-node',
      node: 'k3s-agent-2',
      source: 'pod:default/client',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '10.42.1.5' },
    },
    {
      trace: 'service',
      node: 'k3s-agent-2',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '10.43.20.80', port: 80 },
    },
    // S5 with 10.42.0.0/16: the pod's trace stops after cni0, the node's reaches the host.
    {
      trace: 'S5',
      node: 'k3s-agent-2',
      source: 'pod',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '192.168.2.10' },
    },
    {
      trace: 'S5',
      node: 'k3s-agent-2',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'traceroute',
      target: { ip: '192.168.2.10' },
    },
    {
      trace: 'S5',
      node: 'k3s-agent-2',
      source: 'pod',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.2.10', port: 80 },
    },
    {
      trace: 'S5',
      node: 'k3s-agent-2',
      source: 'hostNetwork',
      images: ['probe'],
      kind: 'connect',
      target: { ip: '192.168.2.10', port: 80 },
    },
  ],
};

/** podpath's probes for a scenario's traces, with the argv lib/probes builds for them. */
export function podpathProbes(scenario: Scenario): PlannedProbe[] {
  return (TRACE_PROBES[scenario.name] ?? []).flatMap((t) =>
    t.images.map((image) => ({
      node: t.node,
      source: t.source,
      image,
      argv: probeCommand(t.kind, IMAGES[image], t.target, { ...DEFAULT_PROBE_OPTIONS }).argv,
      varies: t.varies ?? false,
    })),
  );
}

function traceroute(ip: string): string[] {
  return ['traceroute', '-n', '-q', '1', '-w', '1', '-m', '8', ip];
}

function nc(ip: string, port: number): string[] {
  return ['nc', '-z', '-v', '-w', '2', ip, String(port)];
}

function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> = {},
) {
  return (
    !!selector &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v)
  );
}

/** The probes recorded for a scenario, in a stable order. */
export function recordingPlan(scenario: Scenario): PlannedProbe[] {
  const pods = scenario.pods.filter((p) => !p.hostNetwork && p.ip);
  const traceTargets = [
    ...pods.map((p) => p.ip!),
    ...scenario.nodes.map((n) => addressOf(n.eth1)),
    ...scenario.services.filter((s) => s.clusterIP !== 'None').map((s) => s.clusterIP),
    ...scenario.hosts.flatMap((h) => h.legs.map((l) => addressOf(l.address))),
  ];
  const connectTargets: { ip: string; port: number; endpoints: string[] }[] = [];
  for (const svc of scenario.services) {
    const endpoints = pods
      .filter((p) => p.namespace === svc.namespace && matches(svc.selector, p.labels))
      .map((p) => `${p.namespace}/${p.name}`);
    for (const port of svc.ports) {
      if (svc.clusterIP !== 'None')
        connectTargets.push({ ip: svc.clusterIP, port: port.port, endpoints });
      for (const ip of svc.loadBalancerIngress ?? [])
        connectTargets.push({ ip, port: port.port, endpoints });
    }
  }
  for (const pod of pods) {
    for (const port of pod.ports ?? [])
      connectTargets.push({ ip: pod.ip!, port: port.containerPort, endpoints: [] });
  }
  for (const host of scenario.hosts) {
    for (const port of host.listen ?? []) {
      for (const leg of host.legs)
        connectTargets.push({ ip: addressOf(leg.address), port, endpoints: [] });
    }
  }

  const sources: { node: string; source: RecordingSource }[] = [];
  for (const node of scenario.nodes) {
    sources.push({ node: node.name, source: 'pod' }, { node: node.name, source: 'hostNetwork' });
  }
  for (const key of SOURCE_PODS[scenario.name] ?? []) {
    const pod = scenario.pods.find((p) => `${p.namespace}/${p.name}` === key);
    if (pod) sources.push({ node: pod.node, source: `pod:${key}` });
  }

  const out: PlannedProbe[] = [...(ARTICLE_PROBES[scenario.name] ?? [])];
  for (const src of sources) {
    for (const ip of traceTargets) {
      // Ephemeral containers beside a scenario pod use podpath's probe image.
      const images = src.source.startsWith('pod:')
        ? (['probe'] as const)
        : (['busybox', 'probe'] as const);
      for (const image of images) {
        out.push({ ...src, image, argv: traceroute(ip), varies: false });
      }
    }
    for (const target of connectTargets) {
      // When the caller is itself an endpoint, the random endpoint choice decides (S2).
      const varies =
        src.source.startsWith('pod:') && target.endpoints.includes(src.source.slice(4));
      out.push({ ...src, image: 'probe', argv: nc(target.ip, target.port), varies });
    }
  }
  // podpath's own forms last. One entry per key: a target can be listed twice (an address
  // that is both a Service frontend and a pod port), and replay could serve only one of them.
  const seen = new Set<string>();
  return [...out, ...podpathProbes(scenario)].filter((probe) => {
    const key = recordingKey(probe.node, probe.source, probe.image, probe.argv);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The sandbox a probe runs in: a fresh pod or hostNetwork pod on its node, or a scenario pod. */
async function sourceSandbox(
  lab: NetworkLab,
  scenario: Scenario,
  probe: PlannedProbe,
  made: Map<string, SandboxSpec>,
): Promise<SandboxSpec> {
  if (probe.source.startsWith('pod:')) {
    const [namespace = '', name = ''] = probe.source.slice(4).split('/');
    const pod = lab.pod(namespace, name);
    if (!pod) throw new Error(`no scenario pod ${probe.source}`);
    return {
      namespace,
      name,
      uid: `rec-${name}`,
      nodeName: pod.node,
      hostNetwork: pod.hostNetwork,
      listenPorts: [],
    };
  }
  // A probe pod per image, as each trace gets its own pod; the host network is one namespace.
  const key = `${probe.node}/${probe.source}/${probe.source === 'pod' ? probe.image : ''}`;
  const known = made.get(key);
  if (known) return known;
  const nodeIndex = scenario.nodes.findIndex((n) => n.name === probe.node);
  const node = scenario.nodes[nodeIndex];
  if (!node) throw new Error(`unknown node ${probe.node}`);
  const hostNetwork = probe.source === 'hostNetwork';
  // Probe pods live in the probe namespace, whose name the pod's DNS search path carries.
  const spec: SandboxSpec = {
    namespace: DEFAULT_PROBE_NAMESPACE,
    name: `rec-${hostNetwork ? 'hn' : `pod-${probe.image}`}-${nodeIndex}`,
    uid: `rec-${key}`,
    nodeName: probe.node,
    hostNetwork,
    ...(hostNetwork
      ? {}
      : { podIP: nthAddress(node.podCIDR, probe.image === 'busybox' ? 200 : 201) }),
    listenPorts: [],
  };
  made.set(key, spec);
  await lab.runtime.createSandbox(spec);
  return spec;
}

/**
 * Runs probes through the lab's runtime, as the kubelet would start them, and returns what each
 * printed. busybox traceroute matches ICMP errors loosely (any UDP probe to its port range):
 * beside another traceroute in the same network namespace it takes the other's hops, as it would
 * in a real pod. So traceroutes run one at a time per namespace (a lane each, lanes in
 * parallel); connect probes run `concurrency` at a time.
 */
export async function runProbes(
  lab: NetworkLab,
  scenario: Scenario,
  probes: PlannedProbe[],
  concurrency = 12,
): Promise<RecordingEntry[]> {
  const made = new Map<string, SandboxSpec>();
  const sandboxes = new Map<PlannedProbe, SandboxSpec>();
  for (const probe of probes) sandboxes.set(probe, await sourceSandbox(lab, scenario, probe, made));
  const results: RecordingEntry[] = new Array(probes.length);

  const runOne = async (index: number) => {
    const probe = probes[index]!;
    const running = await lab.runtime.startContainer({
      sandbox: sandboxes.get(probe)!,
      name: 'probe',
      image: IMAGES[probe.image],
      argv: probe.argv,
      longRunning: false,
    });
    const output: RecordingEntry['output'] = [];
    running.onOutput((chunk, stream) => {
      const last = output[output.length - 1];
      if (last && last.stream === stream) last.text += chunk.toString();
      else output.push({ stream, text: chunk.toString() });
    });
    const exit = await running.exited;
    results[index] = {
      node: probe.node,
      source: probe.source,
      image: probe.image,
      argv: probe.argv,
      exitCode: exit.exitCode,
      output,
      ...(probe.varies ? { varies: true } : {}),
    };
  };

  const lanes = new Map<string, number[]>();
  const pool: number[] = [];
  probes.forEach((probe, index) => {
    if (probe.argv[0] !== 'traceroute') {
      pool.push(index);
      return;
    }
    const sb = sandboxes.get(probe)!;
    const lane = `${sb.namespace}/${sb.name}`;
    lanes.set(lane, [...(lanes.get(lane) ?? []), index]);
  });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pool.length; i = next++) await runOne(pool[i]!);
  };
  await Promise.all([
    ...[...lanes.values()].map(async (lane) => {
      for (const index of lane) await runOne(index);
    }),
    ...Array.from({ length: concurrency }, worker),
  ]);
  for (const spec of made.values()) await lab.runtime.removeSandbox(spec);
  return results;
}
