/**
 * Which probes `npm run lab:record` records for a scenario, and how it runs them. Sources are
 * a new pod and the host network of every node, plus the scenario pods the traces start from;
 * targets are every pod, node, Service frontend and outside address of the scenario. The argv
 * forms are the short ones podpath's probes use (`traceroute -n -q 1 -w 1 -m 8 IP`, `nc -z -v
 * -w 2 IP PORT`) and the articles' own commands. A probe not listed here is not replayable.
 */
import type { Scenario } from '../scenarios/types';
import { addressOf, nthAddress } from './cidr';
import type { NetworkLab } from './lab';
import type { ImageKind } from './probe-command';
import type { RecordingEntry, RecordingSource } from './recording';
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
  return out;
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
  const spec: SandboxSpec = {
    namespace: 'podpath',
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
