import { describe, expect, it } from 'vitest';
import type { TraceResult, TraceStatus } from '../trace/types';
import { clampListLimit, createMemoryTraceStore } from './memory';
import { MAX_LIST_LIMIT } from './types';

function trace(
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

describe('memory trace store', () => {
  it('saves and gets copies, never the caller object', async () => {
    const store = createMemoryTraceStore();
    const t = trace('a', '2026-01-01T00:00:00Z');
    await store.save(t);
    t.status = 'error';
    const got = await store.get('a');
    expect(got?.status).toBe('reachable');
    got!.status = 'unreachable';
    expect((await store.get('a'))?.status).toBe('reachable');
    expect(await store.get('missing')).toBeNull();
  });

  it('lists newest first, with filters and a limit', async () => {
    const store = createMemoryTraceStore();
    await store.save(trace('old', '2026-01-01T00:00:00Z', 'reachable'));
    await store.save(trace('mid', '2026-01-02T00:00:00Z', 'unreachable', 'pod:default/nginx'));
    await store.save(trace('new', '2026-01-03T00:00:00Z', 'unreachable'));
    await store.save(trace('same', '2026-01-03T00:00:00Z', 'running', undefined, 'ip:1.2.3.4'));

    expect((await store.list()).map((t) => t.id)).toEqual(['same', 'new', 'mid', 'old']);
    expect((await store.list({ status: 'unreachable' })).map((t) => t.id)).toEqual(['new', 'mid']);
    expect((await store.list({ from: 'pod:default/nginx' })).map((t) => t.id)).toEqual(['mid']);
    expect((await store.list({ to: 'ip:1.2.3.4' })).map((t) => t.id)).toEqual(['same']);
    expect(
      (await store.list({ from: 'pod:default/web-client', status: 'unreachable' })).map(
        (t) => t.id,
      ),
    ).toEqual(['new']);
    expect((await store.list({ limit: 2 })).map((t) => t.id)).toEqual(['same', 'new']);
  });

  it('updates a stored trace and keeps its id and creation time', async () => {
    const store = createMemoryTraceStore();
    await store.save(trace('a', '2026-01-01T00:00:00Z', 'running'));
    const updated = await store.update('a', {
      status: 'reachable',
      finishedAt: '2026-01-01T00:00:05Z',
    });
    expect(updated).toMatchObject({
      id: 'a',
      status: 'reachable',
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(await store.get('a')).toMatchObject({ finishedAt: '2026-01-01T00:00:05Z' });
    expect(await store.update('missing', { status: 'error' })).toBeNull();
  });

  it('drops the oldest finished traces beyond its size, never a running one', async () => {
    const store = createMemoryTraceStore({ maxEntries: 2 });
    await store.save(trace('running', '2026-01-01T00:00:00Z', 'running'));
    await store.save(trace('done1', '2026-01-02T00:00:00Z'));
    await store.save(trace('done2', '2026-01-03T00:00:00Z'));
    expect((await store.list()).map((t) => t.id)).toEqual(['done2', 'running']);
  });

  it('clamps list limits', () => {
    expect(clampListLimit(undefined)).toBe(50);
    expect(clampListLimit(0)).toBe(1);
    expect(clampListLimit(10_000)).toBe(MAX_LIST_LIMIT);
    expect(clampListLimit(7.9)).toBe(7);
  });
});
