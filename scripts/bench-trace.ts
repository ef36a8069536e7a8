/**
 * `npm run bench:trace [-- --runs N] [-- --url URL --kubeconfig FILE]`: S1 (web-client to
 * httpd) on the demo cluster, timed two ways, several runs each, median and max:
 *
 *   podpath  POST /api/traces, then the event stream until the final result; and of that, the
 *            time outside the probe program itself (pod start and removal, API calls,
 *            parsing, resolution, merge, HTTP).
 *   kubectl  the articles' steps by hand: run a busybox traceroute pod pinned to node-2, wait
 *            for it to finish, read its logs, delete it.
 *
 * Without --url it starts its own demo cluster and server (`npm start` in demo mode on a free
 * port, with the network lab when this process may build one) and stops them afterwards.
 * Prints figures only; nothing here passes or fails on time.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const exec = promisify(execFile);

const S1 = { from: 'pod:default/web-client', to: 'pod:default/httpd' };

interface TraceTimingsWire {
  totalMs: number;
  probes: { kind: string; ms: number; runMs: number | null }[];
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 'no runs';
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 0 ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
  return `median ${median.toFixed(0).padStart(5)} ms, max ${sorted.at(-1)!.toFixed(0).padStart(5)} ms`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `npm start` in demo mode: the product as users start it, on a port of its own. */
async function startDemoServer(): Promise<{
  url: string;
  kubeconfig: string;
  stop: () => Promise<void>;
}> {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    throw new Error('no production build: run `npm run build` first');
  }
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'podpath-bench-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PODPATH_DEMO: '1',
      PODPATH_DATA_DIR: dataDir,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode})`);
    try {
      const health = (await (await fetch(`${url}/api/health`)).json()) as { ok?: boolean };
      if (health.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('the demo server did not become healthy');
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    kubeconfig: path.join(dataDir, 'demo.kubeconfig'),
    async stop() {
      // SIGTERM: the start script stops Next, then the demo cluster tears its lab down.
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One S1 trace over HTTP: POST, then the SSE stream until its `done` event. */
async function podpathRun(
  url: string,
): Promise<{ totalMs: number; probeRunMs: number | null; status: string }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Podpath-Request': '1' },
    body: JSON.stringify(S1),
  });
  if (res.status !== 201) throw new Error(`POST /api/traces answered ${res.status}`);
  const { id } = (await res.json()) as { id: string };
  const stream = await fetch(`${url}/api/traces/${id}/events`);
  const body = await stream.text();
  const totalMs = performance.now() - t0;
  const frames = body.split('\n\n').filter((f) => f.includes('event: done'));
  const data = frames
    .at(-1)
    ?.split('\n')
    .find((l) => l.startsWith('data: '));
  if (!data) throw new Error(`trace ${id}: the stream ended without a result`);
  const { result } = JSON.parse(data.slice('data: '.length)) as {
    result: { status: string; timings?: TraceTimingsWire | null };
  };
  const runs = (result.timings?.probes ?? []).map((p) => p.runMs);
  const probeRunMs = runs.every((r) => r !== null)
    ? runs.reduce<number>((a, b) => a + (b ?? 0), 0)
    : null;
  return { totalMs, probeRunMs, status: result.status };
}

/** The article's steps with kubectl, each timed. */
async function kubectlRun(kubeconfig: string, n: number): Promise<Record<string, number>> {
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const kubectl = (...args: string[]) => exec('kubectl', args, { env });
  const name = `bench-traceroute-${process.pid}-${n}`;
  const times: Record<string, number> = {};
  const step = async (label: string, f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    times[label] = performance.now() - t;
  };
  const t0 = performance.now();
  // restartPolicy Never (the article leaves the default) so that "finished" is a phase to wait for.
  await step('run', () =>
    kubectl(
      'run',
      name,
      '--image=busybox',
      '--restart=Never',
      '--overrides={"spec": {"nodeSelector": {"kubernetes.io/hostname": "node-2"}}}',
      '--',
      'traceroute',
      '10.244.1.3',
    ),
  );
  await step('wait', () =>
    kubectl('wait', `pod/${name}`, '--for=jsonpath={.status.phase}=Succeeded', '--timeout=90s'),
  );
  await step('logs', async () => {
    const { stdout } = await kubectl('logs', name);
    if (!stdout.includes('10.244.1.3')) throw new Error(`unexpected traceroute log: ${stdout}`);
  });
  await step('delete', () => kubectl('delete', 'pod', name, '--wait=true'));
  times.total = performance.now() - t0;
  return times;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      url: { type: 'string' },
      kubeconfig: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number >= 1');
  if (values.url && !values.kubeconfig) {
    throw new Error('--url needs --kubeconfig (the same cluster, for the kubectl runs)');
  }
  const server = values.url
    ? { url: values.url, kubeconfig: values.kubeconfig!, stop: async () => {} }
    : await startDemoServer();
  try {
    // One untimed trace each way first: module loading, the orphan sweep and image "pulls"
    // happen once per server, not per trace.
    await podpathRun(server.url);
    await kubectlRun(server.kubeconfig, 0);

    const total: number[] = [];
    const outside: number[] = [];
    const probe: number[] = [];
    const statuses = new Set<string>();
    for (let i = 0; i < runs; i++) {
      const r = await podpathRun(server.url);
      statuses.add(r.status);
      total.push(r.totalMs);
      if (r.probeRunMs !== null) {
        probe.push(r.probeRunMs);
        outside.push(r.totalMs - r.probeRunMs);
      }
    }
    const manual: Record<string, number[]> = {};
    for (let i = 1; i <= runs; i++) {
      for (const [k, v] of Object.entries(await kubectlRun(server.kubeconfig, i))) {
        (manual[k] ??= []).push(v);
      }
    }

    const out = process.stdout;
    out.write(`S1 ${S1.from} -> ${S1.to}, ${runs} runs each, against ${server.url}\n\n`);
    out.write(
      `podpath (POST /api/traces to final result over SSE; status ${[...statuses].join(', ')})\n`,
    );
    out.write(`  total:             ${stats(total)}\n`);
    out.write(
      `  probe program:     ${stats(probe)}  (container running to terminated, as watched)\n`,
    );
    out.write(`  outside the probe: ${stats(outside)}\n\n`);
    out.write('kubectl (run busybox traceroute on node-2, wait, logs, delete)\n');
    for (const k of ['run', 'wait', 'logs', 'delete', 'total']) {
      out.write(`  ${`${k}:`.padEnd(19)}${stats(manual[k] ?? [])}\n`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:trace: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
