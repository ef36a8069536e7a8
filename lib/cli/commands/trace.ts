import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isClusterError } from '../../cluster/errors';
import {
  processChoiceInput,
  resolveClusterChoice,
  type ClusterChoice,
  type ClusterChoiceInput,
} from '../../cluster/selection';
import { rules } from '../../diagnosis/rules';
import { connectCountFromEnv } from '../../engine/config';
import { createTraceEngine } from '../../engine/engine';
import type { RequestedStrategy, TraceEvent } from '../../engine/types';
import { parseKnownHosts } from '../../resolve';
import { createClusterRuntime } from '../../server/cluster-runtime';
import { createMemoryTraceStore } from '../../store/memory';
import { parseCommandArgs, UsageError, type CliIo } from './args';
import { EXIT, exitCodeForStatus, formatTraceText } from './format';

export const TRACE_USAGE = `usage: podpath trace FROM TO [--json] [--strategy auto|pod|ephemeral|hostNetwork] [--context NAME]

Traces from FROM to TO in a cluster and prints the path (or the TraceResult with --json).
References: pod:NAMESPACE/NAME, node:NAME, service:NAMESPACE/NAME[:PORT], ip:ADDRESS[:PORT],
dns:NAME[:PORT]. The cluster: --context or PODPATH_CONTEXT, else the kubeconfig's current
context (KUBECONFIG or ~/.kube/config), else the in-cluster service account, else the demo
cluster's kubeconfig when one is running (data/demo.kubeconfig).
Exit status: 0 reachable, 1 unreachable or intermittent, 2 bad input or error.
`;

const STRATEGIES: RequestedStrategy[] = ['auto', 'pod', 'ephemeral', 'hostNetwork'];

/** How long the inventory may take to load before the trace gives up. */
const READY_TIMEOUT_MS = 30_000;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The cluster the contract's selection order picks. When it ends at "the demo cluster", the
 * CLI cannot start one (that needs the test cluster, which the product never imports), so it
 * uses the kubeconfig a running demo wrote, if there is one.
 */
export function chooseCliCluster(
  context: string | undefined,
  input: ClusterChoiceInput,
): Exclude<ClusterChoice, { kind: 'demo' }> {
  const argv = context ? ['--context', context] : [];
  const choice = resolveClusterChoice({ ...input, argv });
  if (choice.kind !== 'demo') return choice;
  const dataDir = input.env.PODPATH_DATA_DIR || path.join(root, 'data');
  const demoConfig = path.join(dataDir, 'demo.kubeconfig');
  if (input.fileExists(demoConfig)) {
    const demo = resolveClusterChoice({
      ...input,
      argv,
      env: { ...input.env, KUBECONFIG: demoConfig, PODPATH_DEMO: '1' },
    });
    if (demo.kind !== 'demo') return demo;
  }
  throw new UsageError(
    `no cluster to trace in: ${choice.reason}. Give --context, set KUBECONFIG, or start the demo cluster with "npm start"`,
  );
}

function progressLine(event: TraceEvent): string | null {
  switch (event.type) {
    case 'scheduled':
      return `${event.probe}: probe ${event.pod ?? ''} scheduled on ${event.node ?? '?'}`;
    case 'pulling':
      return `${event.probe}: ${event.reason ?? 'waiting'} (${event.image})`;
    case 'running':
      return `${event.probe}: running`;
    case 'hop':
      return `hop ${event.hop.ttl}: ${event.hop.ip ?? '*'}`;
    case 'connect':
      return `connect ${event.attempt}: ${event.ok ? 'ok' : `failed${event.error ? ` (${event.error})` : ''}`}`;
    default:
      return null;
  }
}

/** `podpath trace FROM TO`: the engine in this process against the chosen cluster. */
export async function traceCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    strategy: { type: 'string' },
    context: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout(TRACE_USAGE);
    return EXIT.ok;
  }
  const [from, to, ...extra] = positionals;
  if (!from || !to || extra.length > 0) throw new UsageError('trace needs exactly FROM and TO');
  const strategy = (values.strategy ?? 'auto') as RequestedStrategy;
  if (!STRATEGIES.includes(strategy)) {
    throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}`);
  }
  const env = io.env ?? process.env;
  const context = values.context ?? (env.PODPATH_CONTEXT?.trim() || undefined);
  const input = { ...processChoiceInput(), env };
  const choice = chooseCliCluster(context, input);
  const runtime = createClusterRuntime(choice, { readFile: input.readFile });
  const engine = createTraceEngine({
    cluster: () => ({
      context: runtime.context,
      client: runtime.cluster,
      snapshot: () => runtime.snapshot(),
      ready: () => runtime.ready(),
    }),
    store: createMemoryTraceStore(),
    knownHosts: parseKnownHosts(env.PODPATH_KNOWN_HOSTS),
    connectCount: connectCountFromEnv(env),
    // The same diagnosis as the dashboard's: findings, with the extra probes they ask for.
    rules,
    readyTimeoutMs: READY_TIMEOUT_MS,
    // A server may be probing the same cluster: its probe pods are not ours to sweep.
    sweepOrphans: false,
    log: (m) => io.stderr(`podpath: ${m}\n`),
  });
  const onAbort = () => void engine.close();
  try {
    const started = await engine.start({ from, to, strategy });
    io.signal?.addEventListener('abort', onAbort, { once: true });
    if (!values.json) {
      io.stderr(
        `podpath: tracing ${started.from.ref} -> ${started.to.ref} in ${runtime.context}\n`,
      );
      await engine.subscribe(started.id, ({ event }) => {
        const line = progressLine(event);
        if (line) io.stderr(`  ${line}\n`);
      });
    }
    const final = await engine.wait(started.id);
    if (!final) throw new Error(`trace ${started.id} vanished`);
    io.stdout(values.json ? `${JSON.stringify(final, null, 2)}\n` : formatTraceText(final));
    return exitCodeForStatus(final.status);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as { name?: string; code?: string; message?: string };
    if (e?.name === 'RefError' || isClusterError(err)) {
      io.stderr(`podpath: ${e.message} (${e.code})\n`);
      return EXIT.error;
    }
    throw err;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    await engine.close();
    await runtime.close();
  }
}

/** Reads a file given on the command line, relative to the caller's directory. */
export function readInputFile(file: string, what: string): string {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${what} ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
