#!/usr/bin/env node
/**
 * `npm start` (and `npm run dev` with --dev): serves podpath on http://HOST:PORT
 * (127.0.0.1:3000 by default), against the cluster the contract picks:
 *
 *   1. --context NAME or PODPATH_CONTEXT
 *   2. the current context of the kubeconfig (KUBECONFIG, else ~/.kube/config)
 *   3. the in-cluster service account
 *   4. otherwise, or with PODPATH_DEMO=1, the built-in demo cluster, started here as a child
 *      process (testbed/demo-cluster.ts) whose kubeconfig Next then uses like any other.
 *
 * Builds first when there is no production build. Signals are forwarded; the demo cluster is
 * always stopped (and waited for: it tears its network lab down) before this process exits.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const nextBin = require.resolve('next/dist/bin/next', { paths: [root] });

const DEMO_READY_TIMEOUT_MS = 180_000;
const CHILD_STOP_TIMEOUT_MS = 30_000;
const HEALTH_TIMEOUT_MS = 180_000;

const log = (msg) => process.stderr.write(`podpath: ${msg}\n`);

function parseArgs(argv) {
  const out = { dev: false, context: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dev') out.dev = true;
    else if (arg === '--context') out.context = argv[++i];
    else if (arg.startsWith('--context=')) out.context = arg.slice('--context='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: npm start [-- --context NAME] [-- --dev]\n' +
          'env: PORT (3000), HOST (127.0.0.1), PODPATH_CONTEXT, KUBECONFIG, PODPATH_DEMO=1,\n' +
          '     PODPATH_DATA_DIR (./data), PODPATH_DATA_PLANE (auto|lab|replay|none, demo only)\n',
      );
      process.exit(0);
    } else {
      log(`unknown argument ${arg} (try --help)`);
      process.exit(2);
    }
  }
  if (out.context !== undefined && out.context.trim() === '') {
    log('--context needs a context name');
    process.exit(2);
  }
  return out;
}

/** Kubeconfig files as kubectl reads them: KUBECONFIG's existing entries, else ~/.kube/config. */
function kubeconfigFiles(env) {
  if (env.KUBECONFIG && env.KUBECONFIG.trim() !== '') {
    return env.KUBECONFIG.split(path.delimiter).filter((f) => f && existsSync(f));
  }
  const file = path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  return existsSync(file) ? [file] : [];
}

/**
 * The first current-context among the files (kubectl's merge rule). A top-level scalar, found
 * without a YAML parser so this script needs nothing beyond Node; JSON kubeconfigs work too.
 */
function currentContext(files) {
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const m =
      /^current-context:[ \t]*(?:"([^"]*)"|'([^']*)'|([^\s#]+))/m.exec(text) ??
      /"current-context"\s*:\s*"([^"]*)"/.exec(text);
    const name = m && (m[1] ?? m[2] ?? m[3]);
    if (name) return name;
  }
  return null;
}

function inClusterAvailable(env) {
  return (
    Boolean(env.KUBERNETES_SERVICE_HOST) &&
    Boolean(env.KUBERNETES_SERVICE_PORT) &&
    existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')
  );
}

/** Which cluster to serve, as the contract orders the choices. */
function chooseCluster(args, env) {
  if (env.PODPATH_DEMO === '1') return { kind: 'demo', why: 'PODPATH_DEMO=1' };
  const requested = args.context ?? (env.PODPATH_CONTEXT?.trim() || undefined);
  if (requested)
    return {
      kind: 'context',
      context: requested,
      why: args.context ? '--context' : 'PODPATH_CONTEXT',
    };
  const files = kubeconfigFiles(env);
  const current = currentContext(files);
  if (current)
    return { kind: 'context', context: current, why: `current context of ${files.join(', ')}` };
  if (inClusterAvailable(env)) return { kind: 'in-cluster', why: 'in-cluster service account' };
  return {
    kind: 'demo',
    why: files.length
      ? `no current context in ${files.join(', ')}`
      : 'no kubeconfig and no in-cluster service account',
  };
}

const children = new Set();

/** Spawns a child and remembers it so that every exit path stops it. */
function start(cmd, argv, opts) {
  const child = spawn(cmd, argv, { cwd: root, ...opts });
  children.add(child);
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      children.delete(child);
      log(`${cmd} ${argv.join(' ')}: ${err.message}`);
      resolve({ code: 1, signal: null });
    });
  });
  return child;
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the child is gone. */
async function stop(child, name) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    log(`${name} did not stop in ${CHILD_STOP_TIMEOUT_MS / 1000}s; killing it`);
    child.kill('SIGKILL');
  }, CHILD_STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

async function run(cmd, argv, opts) {
  const child = start(cmd, argv, { stdio: 'inherit', ...opts });
  const { code, signal } = await child.exited;
  return signal ? 1 : (code ?? 1);
}

/** Starts testbed/demo-cluster.ts and resolves with its ready line. */
function startDemoCluster(env) {
  const child = start(
    process.execPath,
    ['--import', 'tsx', 'testbed/demo-cluster.ts', '--exit-with-stdin'],
    {
      env,
      // Our end of stdin stays open for the child's life: if this process dies without a chance
      // to signal it (SIGKILL), the pipe closes and the demo cluster tears itself down.
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`the demo cluster was not ready after ${DEMO_READY_TIMEOUT_MS / 1000}s`)),
      DEMO_READY_TIMEOUT_MS,
    );
    const lines = createInterface({ input: child.stdout });
    let done = false;
    lines.on('line', (line) => {
      if (!done && line.startsWith('{')) {
        try {
          const msg = JSON.parse(line);
          if (msg.ready === true && typeof msg.kubeconfig === 'string') {
            done = true;
            clearTimeout(timer);
            resolve(msg);
            return;
          }
        } catch {
          // Not the ready line; shown below like any other output.
        }
      }
      process.stdout.write(`[demo-cluster] ${line}\n`);
    });
    void child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (!done)
        reject(
          new Error(`the demo cluster exited (${signal ?? `code ${code}`}) before it was ready`),
        );
    });
  });
  return { child, ready };
}

async function waitForHealth(url, nextChild) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline && nextChild.exitCode === null) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = await res.json().catch(() => ({}));
      if (res.ok && body.ok) return body;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const host = process.env.HOST || '127.0.0.1';
  const port = process.env.PORT || '3000';
  const env = { ...process.env, HOST: host, PORT: port, NEXT_TELEMETRY_DISABLED: '1' };

  let shuttingDown = false;
  let exitCode = 0;
  const shutdown = async (code, why) => {
    if (shuttingDown) return;
    shuttingDown = true;
    exitCode = code;
    if (why) log(why);
    // Next first, so nothing uses the cluster while the demo tears it down.
    const list = [...children];
    const demo = list.filter((c) => c.isDemo);
    await Promise.all(list.filter((c) => !c.isDemo).map((c) => stop(c, 'next')));
    await Promise.all(demo.map((c) => stop(c, 'the demo cluster')));
    process.exit(exitCode);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => void shutdown(sig === 'SIGINT' ? 130 : 143, `${sig}: stopping`));
  }

  if (!args.dev && !existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    log('no production build yet: running next build');
    const code = await run(process.execPath, [nextBin, 'build'], { env });
    if (shuttingDown) return;
    if (code !== 0) return shutdown(code, `next build failed (exit ${code})`);
  }

  const choice = chooseCluster(args, env);
  if (choice.kind === 'demo') {
    env.PODPATH_DATA_DIR = path.resolve(root, env.PODPATH_DATA_DIR || 'data');
    log(`starting the demo cluster (${choice.why}); data in ${env.PODPATH_DATA_DIR}`);
    const demo = startDemoCluster(env);
    demo.child.isDemo = true;
    let ready;
    try {
      ready = await demo.ready;
    } catch (err) {
      return shutdown(1, err.message);
    }
    if (shuttingDown) return;
    log(
      `demo cluster ready: API ${ready.url}, data plane ${ready.dataPlane}, kubeconfig ${ready.kubeconfig}`,
    );
    Object.assign(env, {
      KUBECONFIG: ready.kubeconfig,
      PODPATH_CONTEXT: ready.context || 'demo',
      PODPATH_DEMO: '1',
      PODPATH_DATA_PLANE: ready.dataPlane ?? 'none',
    });
    // The demo's routers and outside hosts, named as an operator would name their own network's
    // in PODPATH_KNOWN_HOSTS; a value set by the user wins.
    if (!env.PODPATH_KNOWN_HOSTS && ready.knownHosts) env.PODPATH_KNOWN_HOSTS = ready.knownHosts;
    void demo.child.exited.then(({ code, signal }) => {
      if (!shuttingDown)
        void shutdown(1, `the demo cluster stopped unexpectedly (${signal ?? `code ${code}`})`);
    });
  } else if (choice.kind === 'context') {
    env.PODPATH_CONTEXT = choice.context;
    log(`using context ${choice.context} (${choice.why})`);
  } else {
    log(`using the ${choice.why}`);
  }

  const next = start(
    process.execPath,
    [nextBin, args.dev ? 'dev' : 'start', '-H', host, '-p', port],
    { env, stdio: 'inherit' },
  );
  void next.exited.then(({ code, signal }) => {
    if (!shuttingDown)
      void shutdown(signal ? 1 : (code ?? 1), `next exited (${signal ?? `code ${code}`})`);
  });

  const probeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const base = `http://${probeHost.includes(':') ? `[${probeHost}]` : probeHost}:${port}`;
  const health = await waitForHealth(`${base}/api/health`, next);
  if (health && !shuttingDown) {
    log(`ready on ${base} (cluster ${health.cluster}${health.demo ? ', demo' : ''})`);
  } else if (!shuttingDown) {
    log(`${base}/api/health is not ok yet; the dashboard shows what is missing`);
  }
}

main().catch((err) => {
  log(err?.stack ?? String(err));
  for (const c of children) c.kill('SIGTERM');
  process.exit(1);
});
