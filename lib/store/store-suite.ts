/**
 * The behaviour every TraceStore engine shares, as one vitest suite each engine's test file runs
 * against its own engine (memory.test.ts, sqlite.test.ts, postgres.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceResult, TraceStatus } from '../trace/types';
import type { TraceStore } from './types';

/** How the suite gets stores of one engine. */
export interface StoreHarness {
  /**
   * Fresh, empty storage for one test. Returns how to open a store on it; each call is like
   * another process (or replica) opening the same storage.
   */
  fresh(): Promise<() => Promise<TraceStore>>;
  /** True when what a store saved outlives it (a file, a database), so reopening finds it. */
  persistent: boolean;
  /** Called after each test, once its stores are closed (drop the schema, delete the file). */
  cleanup?(): Promise<void>;
}

/** A minimal trace; tests override what they look at. */
export function sampleTrace(
  id: string,
  createdAt: string,
  status: TraceStatus = 'reachable',
  from = 'pod:default/web-client',
  to = 'pod:default/httpd',
): TraceResult {
  return {
    id,
    createdAt,
    cluster: 'demo',
    from: { ref: from, kind: 'pod', ip: null, node: null },
    to: { ref: to, kind: 'pod', ip: null, node: null },
    strategy: 'pod',
    status,
    hops: [],
    path: [],
    links: [],
    findings: [],
    raw: {},
  };
}

/** Registers the shared TraceStore suite under `name`. */
export function describeTraceStore(name: string, harness: StoreHarness): void {
  describe(`${name} trace store`, () => {
    let openStore: () => Promise<TraceStore>;
    const opened: TraceStore[] = [];

    /** Opens a store on this test's storage; closed after the test. */
    async function open(): Promise<TraceStore> {
      const store = await openStore();
      opened.push(store);
      return store;
    }

    beforeEach(async () => {
      openStore = await harness.fresh();
    });

    afterEach(async () => {
      const stores = opened.splice(0);
      await Promise.all(stores.map((s) => s.close?.()));
      await harness.cleanup?.();
    });

    it('saves and gets copies, never the caller object', async () => {
      const store = await open();
      const t = sampleTrace('a', '2026-01-01T00:00:00Z');
      await store.save(t);
      t.status = 'error';
      const got = await store.get('a');
      expect(got?.status).toBe('reachable');
      got!.status = 'unreachable';
      expect((await store.get('a'))?.status).toBe('reachable');
      expect(await store.get('missing')).toBeNull();
    });

    it('keeps every field as saved, any text included', async () => {
      const store = await open();
      const t: TraceResult = {
        ...sampleTrace('full', '2026-01-01T00:00:00.123Z', 'intermittent'),
        finishedAt: '2026-01-01T00:00:01.000Z',
        hops: [{ n: 1, ip: '10.244.2.1', rttMs: 0.041, entity: null } as never],
        notes: ['näive “quotes”', 'emoji 🛰️'],
        connect: null,
        error: null,
        raw: { traceroute: 'line 1\nline\u0000with NUL\t\\ and "quotes"' },
      };
      await store.save(t);
      expect(await store.get('full')).toEqual(t);
    });

    it('lists newest first, with filters and a limit', async () => {
      const store = await open();
      await store.save(sampleTrace('old', '2026-01-01T00:00:00Z', 'reachable'));
      await store.save(
        sampleTrace('mid', '2026-01-02T00:00:00Z', 'unreachable', 'pod:default/nginx'),
      );
      await store.save(sampleTrace('new', '2026-01-03T00:00:00Z', 'unreachable'));
      await store.save(
        sampleTrace('same', '2026-01-03T00:00:00Z', 'running', undefined, 'ip:1.2.3.4'),
      );

      const ids = async (filter?: Parameters<TraceStore['list']>[0]) =>
        (await store.list(filter)).map((t) => t.id);
      expect(await ids()).toEqual(['same', 'new', 'mid', 'old']);
      expect(await ids({ status: 'unreachable' })).toEqual(['new', 'mid']);
      expect(await ids({ from: 'pod:default/nginx' })).toEqual(['mid']);
      expect(await ids({ to: 'ip:1.2.3.4' })).toEqual(['same']);
      expect(await ids({ from: 'pod:default/web-client', status: 'unreachable' })).toEqual(['new']);
      expect(await ids({ limit: 2 })).toEqual(['same', 'new']);
      expect(await ids({ limit: 0 })).toEqual(['same']);
      expect(await ids({ limit: 2.9 })).toEqual(['same', 'new']);
      expect(await ids({ status: 'error' })).toEqual([]);
      // Listed traces are copies too.
      const [first] = await store.list();
      first!.status = 'error';
      expect((await store.get('same'))?.status).toBe('running');
    });

    it('replaces a trace saved again under its id, which keeps its place', async () => {
      const store = await open();
      await store.save(sampleTrace('a', '2026-01-01T00:00:00Z', 'running'));
      await store.save(sampleTrace('b', '2026-01-01T00:00:00Z', 'running'));
      await store.save(sampleTrace('a', '2026-01-01T00:00:00Z', 'unreachable'));
      expect((await store.list()).map((t) => [t.id, t.status])).toEqual([
        ['b', 'running'],
        ['a', 'unreachable'],
      ]);
      expect((await store.list({ status: 'running' })).map((t) => t.id)).toEqual(['b']);
    });

    it('updates a stored trace and keeps its id and creation time', async () => {
      const store = await open();
      await store.save(sampleTrace('a', '2026-01-01T00:00:00Z', 'running'));
      const patch = {
        status: 'reachable' as const,
        finishedAt: '2026-01-01T00:00:05Z',
        notes: ['done'],
        // A patch cannot move these.
        id: 'other',
        createdAt: '2030-01-01T00:00:00Z',
      };
      const updated = await store.update('a', patch);
      expect(updated).toMatchObject({
        id: 'a',
        status: 'reachable',
        createdAt: '2026-01-01T00:00:00Z',
      });
      patch.notes.push('changed by the caller afterwards');
      expect(await store.get('a')).toMatchObject({
        finishedAt: '2026-01-01T00:00:05Z',
        notes: ['done'],
      });
      expect(await store.get('other')).toBeNull();
      // The indexed columns follow the patch.
      expect((await store.list({ status: 'reachable' })).map((t) => t.id)).toEqual(['a']);
      expect(await store.list({ status: 'running' })).toEqual([]);
      expect(await store.update('missing', { status: 'error' })).toBeNull();
      expect(await store.get('missing')).toBeNull();
    });

    it('does not lose fields when updates race, from one store or two', async () => {
      const a = await open();
      const b = harness.persistent ? await open() : a;
      await a.save(sampleTrace('t', '2026-01-01T00:00:00Z', 'running'));
      const patches = [
        { finishedAt: '2026-01-01T00:00:09Z' },
        { error: { code: 'x', message: 'y' } },
        { notes: ['n'] },
        { strategy: 'ephemeral' as const },
        { connect: null },
        { raw: { traceroute: 'out' } },
        { timings: { totalMs: 5, probes: [] } },
        { status: 'unreachable' as const },
      ];
      await Promise.all(patches.map((p, i) => (i % 2 ? b : a).update('t', p)));
      expect(await b.get('t')).toMatchObject(Object.assign({}, ...patches));
    });

    it.runIf(harness.persistent)('finds what it saved after a reopen', async () => {
      const first = await open();
      await first.save(sampleTrace('kept', '2026-01-01T00:00:00Z', 'running'));
      // A second process (replica) sees it while the first still has it open, and vice versa.
      const second = await open();
      expect((await second.get('kept'))?.status).toBe('running');
      await second.update('kept', { status: 'reachable' });
      expect((await first.get('kept'))?.status).toBe('reachable');
      await first.close?.();
      await second.close?.();
      const third = await open();
      expect(await third.get('kept')).toMatchObject({ id: 'kept', status: 'reachable' });
      expect((await third.list()).map((t) => t.id)).toEqual(['kept']);
    });

    it.runIf(harness.persistent)(
      'migrates once: opening the same storage again, even at the same time, changes nothing',
      async () => {
        const [x, y] = await Promise.all([open(), open()]);
        await x!.save(sampleTrace('m', '2026-01-01T00:00:00Z'));
        const z = await open();
        expect((await z.list()).map((t) => t.id)).toEqual(['m']);
        expect(await y!.get('m')).toMatchObject({ id: 'm' });
      },
    );
  });
}
