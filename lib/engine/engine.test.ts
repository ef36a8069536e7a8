/**
 * The engine with the real pure stages (refs, topology, parser, resolve, merge, strategy
 * choice) over the demo cluster's object dump, and a scripted probe runner in place of pods.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { ClusterError } from '../cluster/errors';
import type { ClusterClient } from '../cluster/types';
import { snapshotFromObjects } from '../inventory/snapshot-from-objects';
import type { InventoryPod } from '../inventory/types';
import { chooseStrategy, deleteOrphanedProbes } from '../probes';
import type { ProbeEvent, ProbeOutcome, ProbeSpec } from '../probes';
import { createMemoryTraceStore } from '../store/memory';
import { openPostgresTraceStore } from '../store/postgres';
import type { TraceStore } from '../store/types';
import type { ConnectSummary } from '../trace/types';
import {
  CancelledError,
  createTraceEngine,
  DEFAULT_MAX_TRACE_MS,
  type TraceEngineTuning,
} from './engine';
import { TRACE_ID_BYTES } from './ids';
import type { ProbeRunner, TraceEngineDeps, TraceEvent } from './types';

const objects: unknown = JSON.parse(
  readFileSync(new URL('../topology/__fixtures__/demo-objects.json', import.meta.url), 'utf8'),
);
const snapshot = snapshotFromObjects(objects, 'demo').snapshot;

const S1_TRACE = [
  'traceroute to 10.244.1.3 (10.244.1.3), 20 hops max, 60 byte packets',
  ' 1  10.244.2.1  0.041 ms',
  ' 2  192.168.56.11  0.575 ms',
  ' 3  10.244.1.3  0.614 ms',
  '',
].join('\n');

const S5_TRACE = [
  'traceroute to 192.168.2.10 (192.168.2.10), 4 hops max, 60 byte packets',
  ' 1  10.244.2.1  0.050 ms',
  ' 2  *',
  ' 3  *',
  ' 4  *',
  '',
].join('\n');

/** What a scripted probe does: its output, exit and connects, or a wait for cancellation. */
interface Script {
  log?: string;
  exitCode?: number | null;
  reason?: string;
  connect?: ConnectSummary | null;
  privilege?: ProbeOutcome['privilege'];
  /** Never finishes on its own: resolves only when the signal aborts (then rejects). */
  hang?: boolean;
  throws?: unknown;
}

interface Recorder {
  calls: ProbeSpec[];
  order: string[];
}

function outcome(spec: ProbeSpec, s: Script): ProbeOutcome {
  return {
    exitCode: s.exitCode === undefined ? 0 : s.exitCode,
    reason: s.reason ?? 'Completed',
    log: s.log ?? '',
    privilegeError: !!s.privilege,
    privilege: s.privilege ?? null,
    strategy: spec.strategy,
    podName: `podpath-probe-${spec.kind}`,
    namespace: spec.namespace,
    container: 'probe',
    node: spec.source.node,
    image: spec.image,
    argv: [spec.kind],
    connect: s.connect ?? null,
    notes: [],
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

/** A probe runner that plays scripts per probe kind, with lib/probes' real strategy choice. */
function scriptedProbes(
  scripts: Partial<Record<ProbeSpec['kind'], Script>>,
  rec: Recorder,
  clientPods: InventoryPod[] = [],
): { probes: ProbeRunner; client: ClusterClient } {
  const client = {
    context: 'demo',
    async listPods() {
      rec.order.push('list-orphans');
      return clientPods;
    },
    async deletePod(ref: { namespace: string; name: string }) {
      rec.order.push(`delete ${ref.name}`);
      return true;
    },
  } as unknown as ClusterClient;
  const probes: ProbeRunner = {
    chooseStrategy,
    deleteOrphanedProbes,
    can: () => async () => true,
    namespace: () => 'default',
    image: () => 'ghcr.io/podpath/probe:0.1.0',
    async runProbe(_client, spec, opts = {}) {
      rec.calls.push(spec);
      rec.order.push(`probe ${spec.kind}`);
      const s = scripts[spec.kind] ?? {};
      const emit = (e: Record<string, unknown>) =>
        opts.onEvent?.({
          at: new Date().toISOString(),
          strategy: spec.strategy,
          ...e,
        } as ProbeEvent);
      const podName = `podpath-probe-${spec.kind}`;
      emit({ type: 'created', namespace: spec.namespace, podName, container: 'probe' });
      emit({ type: 'scheduled', podName, node: spec.source.node });
      emit({ type: 'pulling', podName, container: 'probe', reason: 'ContainerCreating' });
      emit({ type: 'running', podName, container: 'probe' });
      if (s.throws) throw s.throws;
      if (s.hang) {
        await new Promise<void>((resolve) => {
          if (opts.signal?.aborted) resolve();
          opts.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        rec.order.push(`deleted ${podName}`);
        emit({ type: 'deleted', namespace: spec.namespace, podName });
        throw opts.signal?.reason;
      }
      emit({ type: 'terminated', podName, container: 'probe', exitCode: 0, reason: 'Completed' });
      if (s.log) emit({ type: 'output', podName, container: 'probe', chunk: s.log });
      emit({ type: 'deleted', namespace: spec.namespace, podName });
      return outcome(spec, s);
    },
  };
  return { probes, client };
}

function engineWith(
  scripts: Partial<Record<ProbeSpec['kind'], Script>>,
  extra: Partial<TraceEngineDeps & TraceEngineTuning> = {},
  clientPods: InventoryPod[] = [],
) {
  const rec: Recorder = { calls: [], order: [] };
  const { probes, client } = scriptedProbes(scripts, rec, clientPods);
  const store = createMemoryTraceStore();
  let n = 0;
  const engine = createTraceEngine({
    cluster: () => ({ context: 'demo', client, snapshot: () => snapshot, ready: async () => {} }),
    store,
    probes,
    now: () => new Date('2026-11-21T22:34:06Z'),
    newId: () => `trace-id-${String(++n).padStart(15, '0')}`,
    log: () => {},
    ...extra,
  });
  return { engine, store, rec };
}

/** Collects a trace's events until `done`. */
async function events(
  engine: ReturnType<typeof createTraceEngine>,
  id: string,
): Promise<TraceEvent[]> {
  const seen: TraceEvent[] = [];
  await new Promise<void>((resolve) => {
    void engine.subscribe(id, ({ event }) => {
      seen.push(event);
      if (event.type === 'done') resolve();
    });
  });
  return seen;
}

const connects = (pattern: boolean[]): ConnectSummary => ({
  target: '10.96.212.203',
  port: 80,
  attempts: pattern.length,
  succeeded: pattern.filter(Boolean).length,
  results: pattern.map((ok) =>
    ok ? { ok, ms: 1.2 } : { ok, ms: null, error: 'Connection timed out' },
  ),
});

describe('trace engine', () => {
  it('S1: saves a running trace, then the reachable result with hops, path and links', async () => {
    const { engine, store, rec } = engineWith({ traceroute: { log: S1_TRACE } });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    expect(started).toMatchObject({ status: 'running', cluster: 'demo', strategy: null });
    expect((await store.get(started.id))?.status).toBe('running');

    const final = await engine.wait(started.id);
    expect(final).toMatchObject({
      status: 'reachable',
      strategy: 'pod',
      from: { ref: 'pod:default/web-client', kind: 'pod', ip: '10.244.2.3', node: 'node-2' },
      to: { ref: 'pod:default/httpd', kind: 'pod', ip: '10.244.1.3', node: 'node-1' },
      findings: [],
      error: null,
      raw: { traceroute: S1_TRACE },
    });
    expect(final?.hops.map((h) => [h.ttl, h.ip, h.entity?.kind, h.entity?.name])).toEqual([
      [1, '10.244.2.1', 'interface', 'cni0'],
      [2, '192.168.56.11', 'interface', 'eth1'],
      [3, '10.244.1.3', 'pod', 'httpd'],
    ]);
    expect(final?.path.map((p) => p.id)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'node-2/eth1',
      'node-1/eth1',
      'node-1/cni0',
      'pod:default/httpd',
    ]);
    expect(final?.links.map((l) => l.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(await store.get(started.id)).toEqual(final);
    // A pod target without a port: a traceroute only, from the source's node.
    expect(rec.calls.map((c) => [c.kind, c.strategy, c.source.node, c.target.ip])).toEqual([
      ['traceroute', 'pod', 'node-2', '10.244.1.3'],
    ]);
    expect(rec.calls[0]?.traceId).toBe(started.id);
  });

  it('sends progress events in order and ends with done carrying the final result', async () => {
    const { engine } = engineWith({ traceroute: { log: S1_TRACE } });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    const seen = await events(engine, started.id);
    expect(seen.map((e) => e.type)).toEqual([
      'scheduled',
      'pulling',
      'running',
      'hop',
      'hop',
      'hop',
      'done',
    ]);
    expect(seen[0]).toMatchObject({ probe: 'traceroute', node: 'node-2' });
    expect(seen.filter((e) => e.type === 'hop').map((e) => e.type === 'hop' && e.hop.ip)).toEqual([
      '10.244.2.1',
      '192.168.56.11',
      '10.244.1.3',
    ]);
    const done = seen.at(-1);
    expect(done?.type === 'done' && done.result.status).toBe('reachable');
    // A late subscriber gets the same events replayed, then done.
    const again = await events(engine, started.id);
    expect(again.map((e) => e.type)).toEqual(seen.map((e) => e.type));
  });

  it('refuses a malformed or unknown reference before saving or probing anything', async () => {
    const { engine, store, rec } = engineWith({ traceroute: { log: S1_TRACE } });
    await expect(
      engine.start({ from: 'pod:default', to: 'pod:default/httpd' }),
    ).rejects.toMatchObject({ name: 'RefError', status: 400 });
    await expect(
      engine.start({ from: 'pod:default/nope', to: 'pod:default/httpd' }),
    ).rejects.toMatchObject({ name: 'RefError', status: 404, code: 'not-found' });
    expect(await store.list()).toEqual([]);
    expect(rec.calls).toEqual([]);
    expect(rec.order).toEqual([]);
  });

  it('S2: connects with some failures make an intermittent trace with the ratio', async () => {
    const pattern = Array.from({ length: 20 }, (_, i) => i % 3 !== 0);
    const { engine, rec } = engineWith({ connect: { connect: connects(pattern), log: 'x\n' } });
    const started = await engine.start({
      from: 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql',
      to: 'service:default/k8s-go-demo-svc:80',
    });
    const seen = await events(engine, started.id);
    const final = await engine.wait(started.id);
    // The source is an endpoint of the Service: the probe must run as the pod itself.
    expect(rec.calls.map((c) => [c.kind, c.strategy, c.options.count, c.target])).toEqual([
      ['connect', 'ephemeral', 20, { ip: '10.96.212.203', port: 80 }],
    ]);
    expect(final?.status).toBe('intermittent');
    expect(final?.connect).toMatchObject({ attempts: 20, succeeded: 13 });
    const link = final?.links.find((l) => l.state === 'intermittent');
    expect(link?.successRatio).toEqual({ ok: 13, total: 20 });
    expect(final?.path.some((p) => p.kind === 'service')).toBe(true);
    const attempts = seen.filter((e) => e.type === 'connect');
    expect(attempts.map((e) => e.type === 'connect' && [e.attempt, e.ok])).toEqual(
      pattern.map((ok, i) => [i + 1, ok]),
    );
    expect(final?.notes?.some((n) => n.includes('inside the source pod'))).toBe(true);
  });

  it('honours a configured connect count', async () => {
    const { engine, rec } = engineWith(
      { connect: { connect: connects([true]) } },
      { connectCount: 5 },
    );
    const started = await engine.start({
      from: 'pod:default/web-client',
      to: 'service:default/k8s-go-demo-svc:80',
    });
    await engine.wait(started.id);
    expect(rec.calls.find((c) => c.kind === 'connect')?.options.count).toBe(5);
  });

  it('S5: silent hops after the first make an unreachable trace with a broken link', async () => {
    const { engine } = engineWith({ traceroute: { log: S5_TRACE, exitCode: 0 } });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    const final = await engine.wait(started.id);
    expect(final?.status).toBe('unreachable');
    expect(final?.hops.map((h) => h.ip)).toEqual(['10.244.2.1', null, null, null]);
    expect(final?.links.some((l) => l.state === 'broken')).toBe(true);
    expect(final?.error).toBeNull();
  });

  it('a probe without privilege is an error saying so, never a broken link', async () => {
    const { engine } = engineWith({
      traceroute: {
        log: 'traceroute: socket(AF_INET,3,1): Operation not permitted\n',
        exitCode: 1,
        reason: 'Error',
        privilege: {
          kind: 'capability',
          explanation:
            'The probe could not open the raw socket its tool needs (capability NET_RAW).',
          evidence: 'traceroute: socket(AF_INET,3,1): Operation not permitted',
        },
      },
    });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    const final = await engine.wait(started.id);
    expect(final?.status).toBe('error');
    expect(final?.error?.code).toBe('privilege');
    expect(final?.error?.message).toMatch(/NET_RAW/);
    expect(final?.links.every((l) => l.state === 'unknown')).toBe(true);
    expect(final?.raw.traceroute).toContain('Operation not permitted');
  });

  it('a probe that never ran is an error, not an unreachable path', async () => {
    const { engine } = engineWith({
      traceroute: { log: '', exitCode: null, reason: 'ImagePullBackOff' },
    });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    const final = await engine.wait(started.id);
    expect(final?.status).toBe('error');
    expect(final?.error).toMatchObject({ code: 'probe-failed' });
    expect(final?.error?.message).toContain('ImagePullBackOff');
  });

  it('a traceroute that printed no trace proves nothing: error alone, connects decide with them', async () => {
    const unknownHost = { log: 'traceroute: unknown host\n', exitCode: 1, reason: 'Error' };
    const alone = engineWith({ traceroute: unknownHost });
    const a = await alone.engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    const onlyTrace = await alone.engine.wait(a.id);
    expect(onlyTrace?.status).toBe('error');
    expect(onlyTrace?.error?.message).toMatch(/printed no trace.*unknown host/);
    expect(onlyTrace?.links.every((l) => l.state === 'unknown')).toBe(true);

    const withConnects = engineWith({
      traceroute: unknownHost,
      connect: { connect: { ...connects([false, false]), target: '192.168.56.240' } },
    });
    const b = await withConnects.engine.start({
      from: 'pod:default/web-client',
      to: 'ip:192.168.56.240:80',
    });
    const both = await withConnects.engine.wait(b.id);
    // The connects were refused: that is a network answer, the empty trace is not.
    expect(both?.status).toBe('unreachable');
    expect(both?.error).toBeNull();
    const lb = both?.path.findIndex((p) => p.kind === 'loadbalancer') ?? -1;
    expect(both?.links.filter((l) => l.state === 'broken').map((l) => l.to)).toEqual([lb]);
  });

  it('a cluster error during probing ends the trace in error with its code', async () => {
    const { engine } = engineWith({
      traceroute: { throws: new ClusterError('unreachable', 'cannot reach the API server', 0) },
    });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    const seen = await events(engine, started.id);
    expect(seen.slice(-2).map((e) => e.type)).toEqual(['error', 'done']);
    const final = await engine.wait(started.id);
    expect(final).toMatchObject({ status: 'error', error: { code: 'unreachable' } });
  });

  it('cancellation deletes the probe first and ends the trace as cancelled', async () => {
    const { engine, store, rec } = engineWith({ traceroute: { hang: true } });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    const seenP = events(engine, started.id);
    // Let the probe start.
    await new Promise((r) => setTimeout(r, 20));
    expect(rec.order).toContain('probe traceroute');
    const cancelled = await engine.cancel(started.id);
    expect(cancelled?.cancelled).toBe(true);
    expect(cancelled?.result).toMatchObject({ status: 'error', error: { code: 'cancelled' } });
    expect(rec.order.at(-1)).toBe('deleted podpath-probe-traceroute');
    const seen = await seenP;
    expect(seen.slice(-2).map((e) => e.type)).toEqual(['error', 'done']);
    expect((await store.get(started.id))?.error?.code).toBe('cancelled');
    // Cancelling a finished trace changes nothing.
    expect(await engine.cancel(started.id)).toMatchObject({ cancelled: false });
    expect(await engine.cancel('unknown')).toBeNull();
    expect(new CancelledError().code).toBe('cancelled');
  });

  it('close() cancels every running trace', async () => {
    const { engine } = engineWith({ traceroute: { hang: true } });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    await new Promise((r) => setTimeout(r, 10));
    await engine.close();
    expect((await engine.get(started.id))?.error?.code).toBe('cancelled');
    await expect(
      engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' }),
    ).rejects.toThrow(/shut down/);
  });

  it('sweeps leftover probe pods once, before the first probe of the process', async () => {
    const leftover = (name: string): InventoryPod =>
      ({
        namespace: 'default',
        name,
        labels: { 'app.kubernetes.io/managed-by': 'podpath' },
      }) as unknown as InventoryPod;
    const { engine, rec } = engineWith({ traceroute: { log: S1_TRACE } }, {}, [
      leftover('podpath-probe-old1'),
      leftover('podpath-probe-old2'),
    ]);
    const a = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    await engine.wait(a.id);
    const b = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    await engine.wait(b.id);
    expect(rec.order).toEqual([
      'list-orphans',
      'delete podpath-probe-old1',
      'delete podpath-probe-old2',
      'probe traceroute',
      'probe traceroute',
    ]);
  });

  it('ends traces a dead process left running in a lasting store, with the sweep', async () => {
    const store = createMemoryTraceStore();
    const { engine: first } = engineWith({ traceroute: { hang: true } }, { store });
    const orphan = await first.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    // The first process "dies": its trace stays running in the store.
    const { engine: second } = engineWith({ traceroute: { log: S1_TRACE } }, { store });
    await second.cleanupOrphans();
    expect(await store.get(orphan.id)).toMatchObject({
      status: 'error',
      error: { code: 'interrupted' },
    });
    await first.close();
  });

  it('ends a trace that outlives the longest a trace may take as a timeout', async () => {
    const { engine, rec } = engineWith({ traceroute: { hang: true } }, { maxTraceMs: 50 });
    const started = await engine.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    const final = await engine.wait(started.id);
    expect(final).toMatchObject({ status: 'error', error: { code: 'timeout' } });
    expect(final?.error?.message).toMatch(/longer than/);
    expect(rec.order.at(-1)).toBe('deleted podpath-probe-traceroute');
  });

  it('does not sweep when told not to (the CLI beside a server)', async () => {
    const { engine, rec } = engineWith({ traceroute: { log: S1_TRACE } }, { sweepOrphans: false });
    const a = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    await engine.wait(a.id);
    expect(rec.order).toEqual(['probe traceroute']);
  });

  it('runs the diagnosis rules after the merge, with the extra probes they ask for', async () => {
    const { engine, rec } = engineWith(
      { traceroute: { log: S5_TRACE } },
      {
        rules: [
          {
            name: 'no-route',
            applies: ({ result }) => result.status === 'unreachable',
            probes: () => [
              {
                key: 'node-2:trace',
                from: { kind: 'node', node: 'node-2' },
                kind: 'traceroute',
                target: { ip: '192.168.2.10' },
                why: 'node-versus-pod comparison',
              },
            ],
            evaluate: ({ result }, extra) => [
              {
                rule: 'no-route',
                severity: 'error',
                link: result.links.findIndex((l) => l.state === 'broken'),
                title: `status ${result.status}, extra ${extra.get('node-2:trace') ? 'ran' : 'missing'}`,
                explanation: 'test rule',
                evidence: [],
                fix: [],
              },
            ],
          },
          {
            name: 'hairpin',
            applies: () => true,
            evaluate: () => {
              throw new Error('rule exploded');
            },
          },
        ],
      },
    );
    const started = await engine.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    const final = await engine.wait(started.id);
    expect(rec.order).toContain('probe traceroute');
    expect(rec.order.filter((o) => o === 'probe traceroute')).toHaveLength(2);
    expect(final?.findings).toHaveLength(1);
    expect(final?.findings[0]).toMatchObject({
      rule: 'no-route',
      title: 'status unreachable, extra ran',
    });
    expect(final?.findings[0]?.link).toBeGreaterThanOrEqual(0);
    expect(final?.notes).toContain('rule hairpin failed: rule exploded');
    expect(final?.raw['extra:node-2:trace']).toBeDefined();
  });

  it('looks a dns: target up from the source first, then traces the answer', async () => {
    const nslookup = [
      'Server:\t\t10.96.0.10',
      'Address:\t10.96.0.10#53',
      '',
      'Name:\thttpd.default.svc.cluster.local',
      'Address: 10.96.100.10',
      '',
    ].join('\n');
    const { engine, rec } = engineWith({
      dns: { log: nslookup },
      connect: { connect: { ...connects([true, true]), target: '10.96.100.10' } },
      traceroute: { log: S1_TRACE },
    });
    const started = await engine.start({
      from: 'pod:default/web-client',
      to: 'dns:httpd.default.svc.cluster.local:80',
    });
    const final = await engine.wait(started.id);
    expect(rec.calls[0]).toMatchObject({
      kind: 'dns',
      target: { name: 'httpd.default.svc.cluster.local' },
    });
    expect(rec.calls.find((c) => c.kind === 'connect')?.target).toEqual({
      ip: '10.96.100.10',
      port: 80,
    });
    expect(final?.to).toMatchObject({ kind: 'dns', ip: '10.96.100.10' });
    expect(final?.raw.dns).toBe(nslookup);
    expect(final?.status).toBe('reachable');
  });

  it('runs the diagnosis on a dns: name that did not resolve', async () => {
    const nslookup = [
      'Server:\t\t10.96.0.10',
      'Address:\t10.96.0.10#53',
      '',
      "** server can't find legacy-db.default.svc.cluster.local: NXDOMAIN",
      '',
    ].join('\n');
    const { engine, rec } = engineWith(
      { dns: { log: nslookup, exitCode: 1 } },
      {
        rules: [
          {
            name: 'dns',
            applies: ({ result }) => result.to.kind === 'dns' && result.to.ip === null,
            evaluate: ({ result }) => [
              {
                rule: 'dns',
                severity: 'error',
                link: null,
                title: `${result.to.ref} did not resolve`,
                explanation: 'test rule',
                evidence: [result.raw.dns ?? ''],
                fix: [],
              },
            ],
          },
        ],
      },
    );
    const started = await engine.start({
      from: 'pod:default/web-client',
      to: 'dns:legacy-db.default.svc.cluster.local:5432',
    });
    const final = await engine.wait(started.id);
    expect(rec.calls.map((c) => c.kind)).toEqual(['dns']);
    expect(final?.status).toBe('unreachable');
    expect(final?.findings.map((f) => f.rule)).toEqual(['dns']);
    expect(final?.findings[0]?.evidence[0]).toContain('NXDOMAIN');
  });

  it('lists traces with filters through the store', async () => {
    const { engine } = engineWith({ traceroute: { log: S1_TRACE } });
    const a = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    await engine.wait(a.id);
    const b = await engine.start({ from: 'pod:default/nginx', to: 'pod:default/httpd' });
    await engine.wait(b.id);
    expect((await engine.list({ from: 'pod:default/nginx' })).map((t) => t.id)).toEqual([b.id]);
    expect((await engine.list({ status: 'reachable' })).length).toBe(2);
  });

  it('gives finished traces of an earlier process their done event at once', async () => {
    const store = createMemoryTraceStore();
    const { engine: first } = engineWith({ traceroute: { log: S1_TRACE } }, { store });
    const a = await first.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    const final = await first.wait(a.id);
    const { engine: second } = engineWith({}, { store });
    const seen = await events(second, a.id);
    expect(seen).toEqual([{ type: 'done', result: final }]);
    expect(await second.subscribe('missing', () => {})).toBeNull();
  });

  it('makes ids from 144 random bits', async () => {
    const { newTraceId } = await import('./ids');
    const ids = new Set(Array.from({ length: 200 }, () => newTraceId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(TRACE_ID_BYTES * 8).toBe(144);
  });
});

/** A memory store that says it is shared, as PostgreSQL does, and counts its reads. */
function sharedStore() {
  const inner = createMemoryTraceStore();
  const counts = { get: 0 };
  const store: TraceStore = {
    ...inner,
    shared: true,
    get: (id) => {
      counts.get++;
      return inner.get(id);
    },
  };
  return { store, counts };
}

const probePod = (name: string, traceId?: string): InventoryPod =>
  ({
    namespace: 'default',
    name,
    labels: {
      'app.kubernetes.io/managed-by': 'podpath',
      ...(traceId ? { 'podpath.dev/trace-id': traceId } : {}),
    },
  }) as unknown as InventoryPod;

describe('trace engines sharing a store (replicas)', () => {
  it('streams the done of a trace another replica runs once the store says it ended', async () => {
    const { store, counts } = sharedStore();
    const { engine: a } = engineWith({ traceroute: { hang: true } }, { store });
    const { engine: b } = engineWith({}, { store, storePollMs: 10 });
    const started = await a.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });

    // Replica B reads it from the store...
    expect((await b.get(started.id))?.status).toBe('running');
    const seen: TraceEvent[] = [];
    const doneP = new Promise<void>((resolve) => {
      void b.subscribe(started.id, ({ event }) => {
        seen.push(event);
        if (event.type === 'done') resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 60));
    // ...and its stream waits instead of ending with a running result.
    expect(seen).toEqual([]);
    expect(counts.get).toBeGreaterThan(2);

    await a.cancel(started.id);
    await doneP;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      type: 'done',
      result: { id: started.id, status: 'error', error: { code: 'cancelled' } },
    });
    await Promise.all([a.close(), b.close()]);
  });

  it('stops looking at the store when the subscriber goes away, or the engine closes', async () => {
    const { store, counts } = sharedStore();
    const { engine: a } = engineWith({ traceroute: { hang: true } }, { store });
    const { engine: b } = engineWith({}, { store, storePollMs: 10 });
    const started = await a.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    const listener = vi.fn();
    const sub = await b.subscribe(started.id, listener);
    await new Promise((r) => setTimeout(r, 35));
    sub?.unsubscribe();
    const after = counts.get;
    await new Promise((r) => setTimeout(r, 50));
    expect(counts.get).toBe(after);

    await b.subscribe(started.id, listener);
    await b.close();
    const closedAt = counts.get;
    await new Promise((r) => setTimeout(r, 50));
    expect(counts.get).toBe(closedAt);
    expect(listener).not.toHaveBeenCalled();
    await a.close();
  });

  it("sweeps only probe pods no live trace owns, and leaves another replica's trace running", async () => {
    const { store } = sharedStore();
    const { engine: a } = engineWith({ traceroute: { hang: true } }, { store });
    const live = await a.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    const pods = [
      probePod('podpath-probe-live', live.id),
      probePod('podpath-probe-gone', 'trace-nobody-knows'),
      probePod('podpath-probe-nolabel'),
    ];
    // Replica B starts while A probes.
    const { engine: b, rec } = engineWith({}, { store }, pods);
    await b.cleanupOrphans();
    expect(rec.order).toEqual([
      'list-orphans',
      'delete podpath-probe-gone',
      'delete podpath-probe-nolabel',
    ]);
    expect((await store.get(live.id))?.status).toBe('running');

    // Replica C starts long after: nothing runs that long, so A must have died.
    const late = new Date(Date.parse(live.createdAt) + DEFAULT_MAX_TRACE_MS + 5 * 60_000);
    const { engine: c, rec: recC } = engineWith({}, { store, now: () => late }, pods);
    await c.cleanupOrphans();
    expect(recC.order).toContain('delete podpath-probe-live');
    expect(await store.get(live.id)).toMatchObject({
      status: 'error',
      error: { code: 'interrupted' },
    });
    await a.close();
  });

  it('leaves every probe pod alone when the shared store cannot be read', async () => {
    const { store } = sharedStore();
    const broken: TraceStore = {
      ...store,
      list: async () => {
        throw new Error('connection refused');
      },
    };
    const logged: string[] = [];
    const { engine, rec } = engineWith({}, { store: broken, log: (m) => logged.push(m) }, [
      probePod('podpath-probe-x', 'some-trace'),
    ]);
    await engine.cleanupOrphans();
    expect(rec.order).toEqual([]);
    expect(logged.join('\n')).toMatch(/could not read running traces: connection refused/);
    expect(logged.join('\n')).toMatch(/left probe pods in demo alone/);
  });
});

// Two dashboard replicas on one real PostgreSQL (scripts/with-postgres.sh sets the URL; without
// it, lib/store/postgres.test.ts says why PostgreSQL tests did not run, or fails in CI).
const pgUrl = process.env.PODPATH_TEST_DATABASE_URL;

describe.runIf(!!pgUrl)('trace engines on one real PostgreSQL (replicas)', () => {
  it('replica B lists, reads and follows the trace replica A runs, to its end', async () => {
    const schema = `podpath_replicas_${randomBytes(6).toString('hex')}`;
    const storeA = await openPostgresTraceStore({ connectionString: pgUrl!, schema });
    const storeB = await openPostgresTraceStore({ connectionString: pgUrl!, schema });
    try {
      const { engine: a } = engineWith({ traceroute: { hang: true } }, { store: storeA });
      const { engine: b } = engineWith({}, { store: storeB, storePollMs: 20 });
      const started = await a.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });

      expect((await b.get(started.id))?.status).toBe('running');
      expect((await b.list({ status: 'running' })).map((t) => t.id)).toEqual([started.id]);
      const done = new Promise<TraceEvent>((resolve) => {
        void b.subscribe(started.id, ({ event }) => {
          if (event.type === 'done') resolve(event);
        });
      });
      await a.cancel(started.id);
      await expect(done).resolves.toMatchObject({
        type: 'done',
        result: { id: started.id, status: 'error', error: { code: 'cancelled' } },
      });
      expect((await b.get(started.id))?.status).toBe('error');
      await Promise.all([a.close(), b.close()]);
    } finally {
      await storeA.close?.();
      await storeB.close?.();
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
