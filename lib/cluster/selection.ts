import 'server-only';

import fs from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { ClusterError } from './errors';

/** Where the service account's credentials live inside a pod. */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The context name podpath shows for the in-cluster service account. */
export const IN_CLUSTER_CONTEXT = 'in-cluster';

export interface ClusterChoiceInput {
  env: Readonly<Record<string, string | undefined>>;
  argv: readonly string[];
  fileExists(file: string): boolean;
  readFile(file: string): string;
}

export type ClusterChoice =
  | {
      kind: 'kubeconfig';
      /** Kubeconfig files in KUBECONFIG order (missing ones dropped, as kubectl does). */
      files: string[];
      context: string;
      /** Every context the merged kubeconfig defines, for the UI's switcher. */
      contexts: string[];
      source: 'flag' | 'env' | 'current-context';
      /** PODPATH_DEMO=1: the kubeconfig is the demo cluster's, written by the start script. */
      demo: boolean;
    }
  | { kind: 'in-cluster'; context: typeof IN_CLUSTER_CONTEXT; contexts: string[]; demo: false }
  | { kind: 'demo'; reason: string };

/**
 * Picks the cluster exactly as the contract says: `--context` or PODPATH_CONTEXT, else the
 * kubeconfig's current context (KUBECONFIG or ~/.kube/config), else the in-cluster service
 * account, else the demo cluster. With PODPATH_DEMO=1 only KUBECONFIG counts, since the start
 * script points it at data/demo.kubeconfig once the demo runs; without it the demo is needed.
 * Pure: all I/O goes through `fileExists` and `readFile`. Throws ClusterError not-found when an
 * explicitly requested context does not exist, invalid when a kubeconfig cannot be parsed.
 */
export function resolveClusterChoice(input: ClusterChoiceInput): ClusterChoice {
  const { env } = input;
  const demo = env.PODPATH_DEMO === '1';
  const flagContext = contextFromArgv(input.argv);
  const requested =
    flagContext ?? (nonEmpty(env.PODPATH_CONTEXT) ? env.PODPATH_CONTEXT : undefined);
  const source = flagContext ? 'flag' : requested ? 'env' : 'current-context';

  const files = kubeconfigFiles(input, demo);
  const merged = files.length > 0 ? mergeKubeconfigs(files, input.readFile) : null;
  const contexts = merged ? merged.getContexts().map((c) => c.name) : [];

  if (requested) {
    if (!contexts.includes(requested)) {
      throw new ClusterError(
        'not-found',
        files.length === 0
          ? `context "${requested}" was requested but no kubeconfig was found`
          : `context "${requested}" is not in the kubeconfig (${files.join(', ')}); known: ${contexts.join(', ') || 'none'}`,
        404,
      );
    }
    return { kind: 'kubeconfig', files, context: requested, contexts, source, demo };
  }
  const current = merged?.getCurrentContext();
  if (current && contexts.includes(current)) {
    return {
      kind: 'kubeconfig',
      files,
      context: current,
      contexts,
      source: 'current-context',
      demo,
    };
  }
  if (demo) {
    return {
      kind: 'demo',
      reason: 'PODPATH_DEMO=1 and KUBECONFIG does not name a usable demo kubeconfig yet',
    };
  }
  if (inClusterAvailable(input)) {
    return {
      kind: 'in-cluster',
      context: IN_CLUSTER_CONTEXT,
      contexts: [IN_CLUSTER_CONTEXT],
      demo: false,
    };
  }
  return {
    kind: 'demo',
    reason:
      files.length === 0
        ? 'no kubeconfig (KUBECONFIG or ~/.kube/config) and no in-cluster service account'
        : `the kubeconfig (${files.join(', ')}) has no current context`,
  };
}

/**
 * Loads the client's configuration for a choice, set to the chosen context. Only this module
 * and the rest of lib/cluster ever hold a KubeConfig.
 */
export function kubeConfigFor(
  choice: Exclude<ClusterChoice, { kind: 'demo' }>,
  readFile: (file: string) => string,
): KubeConfig {
  if (choice.kind === 'in-cluster') {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  const kc = mergeKubeconfigs(choice.files, readFile);
  kc.setCurrentContext(choice.context);
  if (!kc.getCurrentCluster()) {
    throw new ClusterError(
      'invalid',
      `context "${choice.context}" names a cluster the kubeconfig does not define`,
    );
  }
  return kc;
}

/** The real process's environment, arguments and file system, for `resolveClusterChoice`. */
export function processChoiceInput(): ClusterChoiceInput {
  return {
    env: process.env,
    argv: process.argv.slice(2),
    fileExists: (file) => {
      try {
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    },
    readFile: (file) => fs.readFileSync(file, 'utf8'),
  };
}

/**
 * Context names of the kubeconfig podpath would use (KUBECONFIG or ~/.kube/config), for the
 * UI's switcher; `['in-cluster']` inside a pod, `[]` when there is nothing to choose from.
 */
export function listContexts(input: ClusterChoiceInput = processChoiceInput()): string[] {
  const files = kubeconfigFiles(input, input.env.PODPATH_DEMO === '1');
  if (files.length > 0)
    return mergeKubeconfigs(files, input.readFile)
      .getContexts()
      .map((c) => c.name);
  return inClusterAvailable(input) ? [IN_CLUSTER_CONTEXT] : [];
}

function contextFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--context') {
      const next = argv[i + 1];
      return next && !next.startsWith('--') ? next : undefined;
    }
    if (arg?.startsWith('--context=')) {
      const value = arg.slice('--context='.length);
      return nonEmpty(value) ? value : undefined;
    }
  }
  return undefined;
}

function kubeconfigFiles(input: ClusterChoiceInput, demo: boolean): string[] {
  const { env } = input;
  if (nonEmpty(env.KUBECONFIG)) {
    // kubectl skips KUBECONFIG entries that do not exist rather than failing.
    return env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '' && input.fileExists(f));
  }
  if (demo) return [];
  const home = env.HOME ?? env.USERPROFILE;
  if (!home) return [];
  const file = path.join(home, '.kube', 'config');
  return input.fileExists(file) ? [file] : [];
}

/**
 * Merges kubeconfig files with kubectl's rules: the first file to define a cluster, user or
 * context name wins, and so does the first current-context. client-node's own merge lets the
 * last one win and throws on duplicates, which differs from what kubectl users expect.
 */
function mergeKubeconfigs(
  files: readonly string[],
  readFile: (file: string) => string,
): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    let text: string;
    try {
      text = readFile(file);
    } catch (err) {
      throw new ClusterError(
        'invalid',
        `cannot read kubeconfig ${file}: ${(err as Error).message}`,
      );
    }
    if (text.trim() === '') continue;
    const kc = new KubeConfig();
    try {
      // Invalid entries are dropped, not fatal: one broken user must not hide every context.
      kc.loadFromString(text, { onInvalidEntry: 'filter' });
    } catch (err) {
      throw new ClusterError(
        'invalid',
        `cannot parse kubeconfig ${file}: ${(err as Error).message}`,
      );
    }
    // Relative certificate paths are relative to the file that names them.
    kc.makePathsAbsolute(path.dirname(file));
    for (const c of kc.getClusters() ?? [])
      if (!clusters.has(c.name)) clusters.set(c.name, plainHttpAllowed(c));
    for (const u of kc.getUsers() ?? []) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts() ?? []) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && kc.getCurrentContext()) currentContext = kc.getCurrentContext();
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}

/**
 * kubectl talks to plain-http servers (kubectl proxy, local test API servers) as they are;
 * client-node refuses them unless the cluster says insecure-skip-tls-verify. An http
 * connection has no certificate to verify, so setting the flag changes nothing but that refusal.
 */
function plainHttpAllowed(cluster: Cluster): Cluster {
  return cluster.server.startsWith('http://') && !cluster.skipTLSVerify
    ? { ...cluster, skipTLSVerify: true }
    : cluster;
}

function inClusterAvailable(input: ClusterChoiceInput): boolean {
  return (
    nonEmpty(input.env.KUBERNETES_SERVICE_HOST) &&
    nonEmpty(input.env.KUBERNETES_SERVICE_PORT) &&
    input.fileExists(SERVICE_ACCOUNT_TOKEN)
  );
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
