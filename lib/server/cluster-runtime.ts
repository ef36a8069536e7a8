import 'server-only';

import { connectCluster } from '../cluster/connection';
import type { ClusterConnection, ConnectOptions } from '../cluster/connection';
import { ClusterError } from '../cluster/errors';
import type { InformerStatus } from '../cluster/informer';
import { processChoiceInput, resolveClusterChoice } from '../cluster/selection';
import type { ClusterChoice, ClusterChoiceInput } from '../cluster/selection';
import type { ClusterClient } from '../cluster/types';
import type { InventorySnapshot } from '../inventory/types';

/** The process-wide view of the cluster that route handlers and the trace engine share. */
export interface ClusterRuntime {
  /** kubeconfig context name ('demo' for the demo cluster). */
  readonly context: string;
  /** PODPATH_DEMO=1: the cluster is the built-in demo. */
  readonly demo: boolean;
  /** Contexts of the kubeconfig, for the UI's switcher. */
  readonly contexts: string[];
  /** Resolves once every informer has synced once; see ClusterConnection.ready. */
  ready(): Promise<void>;
  isReady(): boolean;
  snapshot(): InventorySnapshot;
  onChange(listener: (s: InventorySnapshot) => void): () => void;
  status(): { informers: InformerStatus[] };
  /** The lib/cluster API (pods, logs, ephemeral containers, SSAR) for the trace engine. */
  cluster: ClusterClient;
  close(): Promise<void>;
}

interface Holder {
  runtime: ClusterRuntime | null;
  /** Serialises switches so two quick clicks cannot leave two runtimes running. */
  switching: Promise<unknown>;
}

// Next.js dev reloads modules on every edit; keeping the runtime on globalThis stops each
// reload from opening another six watches against the cluster.
const HOLDER_KEY = Symbol.for('podpath.cluster-runtime');

function holder(): Holder {
  const g = globalThis as typeof globalThis & { [HOLDER_KEY]?: Holder };
  g[HOLDER_KEY] ??= { runtime: null, switching: Promise.resolve() };
  return g[HOLDER_KEY];
}

/** Wraps a connection in the runtime interface. Exported for tests and the CLI. */
export function createClusterRuntime(
  choice: ClusterChoice,
  options: Partial<ConnectOptions> = {},
): ClusterRuntime {
  if (choice.kind === 'demo') {
    throw new ClusterError(
      'unreachable',
      `No cluster to connect to: ${choice.reason}. Start podpath with "npm start", which runs the demo cluster when there is no other.`,
      503,
    );
  }
  const connection: ClusterConnection = connectCluster(choice, {
    ...options,
    readFile: options.readFile ?? processChoiceInput().readFile,
  });
  return {
    context: connection.context,
    demo: connection.demo,
    contexts: connection.contexts,
    ready: () => connection.ready(),
    isReady: () => connection.isReady(),
    snapshot: () => connection.store.snapshot(),
    onChange: (listener) => connection.store.onChange(listener),
    status: () => connection.status(),
    cluster: connection.client,
    close: () => connection.close(),
  };
}

/**
 * The runtime for the cluster chosen at start-up (see resolveClusterChoice), created on first
 * use. Throws ClusterError unreachable when there is no cluster at all (the start script runs
 * the demo in that case, so only a bare `next start` gets here).
 */
export function getClusterRuntime(): ClusterRuntime {
  const h = holder();
  h.runtime ??= createClusterRuntime(resolveClusterChoice(processChoiceInput()));
  return h.runtime;
}

/**
 * Closes the current runtime and starts one for another context of the same kubeconfig.
 * Unknown name: ClusterError not-found, and the current runtime keeps running.
 */
export async function switchContext(
  name: string,
  input: ClusterChoiceInput = processChoiceInput(),
): Promise<ClusterRuntime> {
  const h = holder();
  const next = h.switching.then(async () => {
    if (h.runtime && h.runtime.context === name) return h.runtime;
    // Resolve first: an unknown context must fail before the working runtime is closed.
    const choice = resolveClusterChoice({ ...input, argv: ['--context', name] });
    const old = h.runtime;
    h.runtime = null;
    await old?.close();
    h.runtime = createClusterRuntime(choice, { readFile: input.readFile });
    return h.runtime;
  });
  h.switching = next.catch(() => undefined);
  return next;
}

/** Closes the runtime (server shutdown, tests); the next getClusterRuntime() starts afresh. */
export async function closeClusterRuntime(): Promise<void> {
  const h = holder();
  await h.switching;
  const old = h.runtime;
  h.runtime = null;
  await old?.close();
}
