/**
 * The built-in demo cluster: the API emulator serving a scenario, with the network lab as its
 * data plane when this process may build namespaces, recorded outputs otherwise.
 *
 *   node --import tsx testbed/demo-cluster.ts [--scenario demo] [--data-plane auto|lab|replay|none]
 *
 * Writes `<data dir>/<scenario>.kubeconfig` (data dir: PODPATH_DATA_DIR or ./data) and prints
 * one JSON line `{"ready":true,...}` on stdout once a client can use it. SIGTERM/SIGINT tear
 * everything down, the lab's namespaces included.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator, type Emulator } from './emulator/index';
import { labAvailable, startLab, type Lab } from './lab/index';
import { labNames } from './lab/names';
import { createReplayRuntime } from './lab/replay';
import { createNullRuntime } from './runtime/null-runtime';
import type { ContainerRuntime } from './runtime/types';
import { scenarios, type Scenario } from './scenarios/index';

export type DataPlane = 'lab' | 'replay' | 'none';

export interface DemoCluster {
  scenario: Scenario;
  emulator: Emulator;
  lab: Lab | null;
  dataPlane: DataPlane;
  kubeconfigPath: string;
  close(): Promise<void>;
}

/** `<data dir>/<scenario>.lab.json`: the lab's namespaces by node and host name. */
export interface DemoLabInfo {
  prefix: string;
  nodes: Record<string, string>;
  hosts: Record<string, string>;
}

export interface DemoClusterOptions {
  scenario?: string;
  dataPlane?: 'auto' | DataPlane;
  dataDir?: string;
  port?: number;
  /** Extra emulator options, e.g. forbid rules for RBAC tests. */
  forbid?: Parameters<typeof startEmulator>[0]['forbid'];
}

/**
 * What the demo cluster's RBAC refuses, as a careful admin would: nobody adds ephemeral
 * containers to kube-system's pods. podpath's `auto` strategy then uses a probe pod beside them,
 * and asking for the ephemeral strategy there shows how a refusal reads in the dashboard.
 */
export const DEMO_FORBID = [
  { verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'kube-system' },
  {
    verb: 'update',
    resource: 'pods',
    subresource: 'ephemeralcontainers',
    namespace: 'kube-system',
  },
];

/** Starts emulator and data plane and keeps the lab's service proxy in step with the API. */
export async function startDemoCluster(opts: DemoClusterOptions = {}): Promise<DemoCluster> {
  const scenario = scenarios[opts.scenario ?? 'demo'];
  if (!scenario) throw new Error(`unknown scenario ${opts.scenario}`);
  const dataDir = opts.dataDir ?? process.env.PODPATH_DATA_DIR ?? path.resolve('data');

  let lab: Lab | null = null;
  let runtime: ContainerRuntime;
  let dataPlane: DataPlane;
  const wanted = opts.dataPlane ?? 'auto';
  if (wanted === 'lab' || wanted === 'auto') {
    const available = await labAvailable();
    if (available.ok) {
      lab = await startLab(scenario);
    } else if (wanted === 'lab') {
      throw new Error(`the network lab cannot run here: ${available.reason}`);
    } else {
      process.stderr.write(
        `demo cluster: network lab unavailable (${available.reason}); replaying recorded outputs\n`,
      );
    }
  }
  if (lab) {
    runtime = lab.runtime;
    dataPlane = 'lab';
  } else if (wanted === 'none') {
    runtime = createNullRuntime();
    dataPlane = 'none';
  } else {
    runtime = createReplayRuntime(scenario);
    dataPlane = 'replay';
  }

  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      scenario,
      runtime,
      port: opts.port,
      forbid: opts.forbid ?? (scenario.name === 'demo' ? DEMO_FORBID : []),
    });
  } catch (err) {
    await lab?.close();
    throw err;
  }

  const stopSync = lab ? followServices(emulator, lab) : () => {};
  await lab?.syncServices(
    emulator.store.list('services'),
    emulator.store.list('endpointslices.discovery.k8s.io'),
  );

  await mkdir(dataDir, { recursive: true });
  const kubeconfigPath = path.join(dataDir, `${scenario.name}.kubeconfig`);
  await emulator.writeKubeconfig(kubeconfigPath);
  const labInfoPath = path.join(dataDir, `${scenario.name}.lab.json`);
  if (lab) {
    // Where each node's and host's network namespace is, so that an operator (or an end-to-end
    // test) can run an article's fix "on the node": `ip netns exec <ns> iptables ...`.
    const names = labNames(lab.prefix);
    const info: DemoLabInfo = {
      prefix: lab.prefix,
      nodes: Object.fromEntries(scenario.nodes.map((n, i) => [n.name, names.node(i)])),
      hosts: Object.fromEntries(scenario.hosts.map((h, i) => [h.name, names.host(i)])),
    };
    await writeFile(labInfoPath, JSON.stringify(info, null, 2) + '\n');
  } else {
    await rm(labInfoPath, { force: true });
  }

  let closed: Promise<void> | null = null;
  return {
    scenario,
    emulator,
    lab,
    dataPlane,
    kubeconfigPath,
    close() {
      closed ??= (async () => {
        stopSync();
        try {
          await emulator.close();
        } finally {
          await lab?.close();
        }
      })();
      return closed;
    },
  };
}

/**
 * Re-syncs the lab's service proxy whenever a Service or EndpointSlice changes. Changes come in
 * bursts (a pod start touches several slices), so syncs are coalesced and never overlap.
 */
function followServices(emulator: Emulator, lab: Lab): () => void {
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  const sync = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await lab.syncServices(
          emulator.store.list('services'),
          emulator.store.list('endpointslices.discovery.k8s.io'),
        );
      } while (again);
    } catch (err) {
      process.stderr.write(`demo cluster: service proxy sync failed: ${String(err)}\n`);
    } finally {
      running = false;
    }
  };
  const unsubscribe = emulator.store.subscribe((event) => {
    if (event.resource !== 'services' && event.resource !== 'endpointslices.discovery.k8s.io')
      return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void sync(), 20);
  });
  return () => {
    if (timer) clearTimeout(timer);
    unsubscribe();
  };
}

/** The scenario's routers and outside hosts in PODPATH_KNOWN_HOSTS form: `IP=NAME:KIND,...`. */
export function knownHosts(scenario: Scenario): string {
  return scenario.hosts
    .flatMap((h) => h.legs.map((leg) => `${leg.address.split('/')[0]}=${h.name}:${h.kind}`))
    .join(',');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'demo' },
      'data-plane': { type: 'string', default: process.env.PODPATH_DATA_PLANE ?? 'auto' },
      port: { type: 'string' },
      // Set by scripts/start.mjs, which holds our stdin open: its end means the parent died.
      'exit-with-stdin': { type: 'boolean', default: false },
    },
  });
  const dataPlane = values['data-plane'];
  if (!['auto', 'lab', 'replay', 'none'].includes(dataPlane)) {
    throw new Error(`--data-plane must be auto, lab, replay or none, not ${dataPlane}`);
  }
  const cluster = await startDemoCluster({
    scenario: values.scenario,
    dataPlane: dataPlane as DemoClusterOptions['dataPlane'],
    port: values.port ? Number(values.port) : undefined,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`demo cluster: ${signal}, tearing down\n`);
    cluster.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`demo cluster: teardown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (values['exit-with-stdin']) {
    // The parent closing our stdin means it is gone (even by SIGKILL): do not outlive it.
    process.stdin.on('end', () => stop('parent gone'));
    process.stdin.resume();
  }
  process.stdout.write(
    JSON.stringify({
      ready: true,
      url: cluster.emulator.url,
      context: cluster.scenario.name,
      kubeconfig: cluster.kubeconfigPath,
      dataPlane: cluster.dataPlane,
      labPrefix: cluster.lab?.prefix ?? null,
      knownHosts: knownHosts(cluster.scenario),
    }) + '\n',
  );
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('demo-cluster.ts')
) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `demo cluster failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
