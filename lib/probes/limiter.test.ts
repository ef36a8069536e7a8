import { describe, expect, it } from 'vitest';
import { ProbeLimiter, probeLimiterFor } from './limiter';

const tick = () => new Promise((r) => setTimeout(r, 0));

/** Acquires and records the order in which slots were granted. */
function tracker(limiter: ProbeLimiter) {
  const granted: string[] = [];
  const releases = new Map<string, () => void>();
  const take = (id: string, node: string, signal?: AbortSignal) =>
    limiter.acquire(node, { signal }).then((release) => {
      granted.push(id);
      releases.set(id, release);
    });
  const release = (id: string) => releases.get(id)?.();
  return { granted, take, release };
}

describe('ProbeLimiter', () => {
  it('allows 2 per node and 4 per cluster by default', async () => {
    const limiter = new ProbeLimiter();
    const t = tracker(limiter);
    void t.take('a1', 'node-1');
    void t.take('a2', 'node-1');
    void t.take('a3', 'node-1');
    void t.take('b1', 'node-2');
    void t.take('b2', 'node-2');
    void t.take('c1', 'node-3');
    await tick();
    expect(t.granted).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(limiter.stats()).toEqual({
      active: 4,
      queued: 2,
      perNode: { 'node-1': 2, 'node-2': 2 },
    });
    // A node-2 slot frees: the cluster slot goes to the oldest waiter that can run (a3 cannot).
    t.release('b1');
    await tick();
    expect(t.granted).toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    t.release('a1');
    await tick();
    expect(t.granted.at(-1)).toBe('a3');
    expect(limiter.stats().queued).toBe(0);
  });

  it('keeps FIFO order among waiters for the same node', async () => {
    const limiter = new ProbeLimiter({ perCluster: 10, perNode: 1 });
    const t = tracker(limiter);
    for (const id of ['x1', 'x2', 'x3', 'x4']) void t.take(id, 'node-1');
    await tick();
    for (const id of ['x1', 'x2', 'x3']) {
      t.release(id);
      await tick();
    }
    expect(t.granted).toEqual(['x1', 'x2', 'x3', 'x4']);
  });

  it('drops an aborted waiter without taking a slot, and rejects with the reason', async () => {
    const limiter = new ProbeLimiter({ perCluster: 1, perNode: 1 });
    const t = tracker(limiter);
    await t.take('first', 'node-1');
    const controller = new AbortController();
    const waiting = t.take('cancelled', 'node-2', controller.signal);
    void t.take('next', 'node-3');
    controller.abort(new Error('trace cancelled'));
    await expect(waiting).rejects.toThrow('trace cancelled');
    t.release('first');
    await tick();
    expect(t.granted).toEqual(['first', 'next']);
    expect(limiter.stats()).toMatchObject({ active: 1, queued: 0 });
  });

  it('refuses an already aborted signal, releases once, and runs tasks in a slot', async () => {
    const limiter = new ProbeLimiter({ perCluster: 1, perNode: 1 });
    await expect(limiter.acquire('n', { signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
    const release = await limiter.acquire('n');
    release();
    release();
    expect(limiter.stats().active).toBe(0);
    let queued = 0;
    const first = limiter.run('n', () => new Promise((r) => setTimeout(() => r('one'), 20)));
    const second = limiter.run('n', async () => 'two', { onQueued: () => (queued += 1) });
    await expect(Promise.all([first, second])).resolves.toEqual(['one', 'two']);
    expect(queued).toBe(1);
    await expect(limiter.run('n', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.stats().active).toBe(0);
  });

  it('validates limits and shares one limiter per cluster', () => {
    expect(() => new ProbeLimiter({ perNode: 0 })).toThrow(RangeError);
    expect(probeLimiterFor('ctx-a')).toBe(probeLimiterFor('ctx-a'));
    expect(probeLimiterFor('ctx-a')).not.toBe(probeLimiterFor('ctx-b'));
  });
});
