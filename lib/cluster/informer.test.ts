import { afterEach, describe, expect, it } from 'vitest';
import { ClusterError } from './errors';
import { SupervisedInformer } from './informer';
import type { InformerSink, ListWatchSource } from './informer';
import type { Clock } from './rate-limiter';
import type { ListResult, WatchEventHandler } from './transport';

interface FakeWatch {
  rv: string;
  emit: WatchEventHandler;
  end(err?: unknown): void;
  aborted: boolean;
}

/** A scripted API: lists answer from a queue, watches stay open until the test ends them. */
class FakeSource implements ListWatchSource {
  lists: (ListResult | Error)[] = [];
  watches: FakeWatch[] = [];
  listCalls = 0;

  async list(): Promise<ListResult> {
    this.listCalls += 1;
    const next = this.lists.shift();
    if (!next) throw new ClusterError('unreachable', 'no scripted list');
    if (next instanceof Error) throw next;
    return next;
  }

  async watch(rv: string, onEvent: WatchEventHandler, done: (err: unknown) => void) {
    let ended = false;
    const w: FakeWatch = {
      rv,
      emit: onEvent,
      aborted: false,
      end: (err = null) => {
        if (ended) return;
        ended = true;
        done(err);
      },
    };
    this.watches.push(w);
    return {
      abort: () => {
        w.aborted = true;
        w.end(new DOMException('aborted', 'AbortError'));
      },
    };
  }
}

class RecordingSink implements InformerSink {
  items = new Map<string, unknown>();
  replaces = 0;
  replace(objects: unknown[]) {
    this.replaces += 1;
    this.items = new Map(objects.map((o) => [nameOf(o), o]));
  }
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown) {
    if (type === 'DELETED') this.items.delete(nameOf(object));
    else this.items.set(nameOf(object), object);
  }
}

const nameOf = (o: unknown) => (o as { metadata: { name: string } }).metadata.name;
const obj = (name: string, rv: string) => ({ metadata: { name, resourceVersion: rv } });
const list = (rv: string, ...names: string[]): ListResult => ({
  items: names.map((n) => obj(n, rv)),
  resourceVersion: rv,
});

/** Sleeps are recorded and return on the next macrotask, so back-off never slows the test. */
function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        sleeps.push(ms);
        t += ms;
        if (signal?.aborted) reject(signal.reason);
        else setTimeout(resolve, 0);
      }),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const running: SupervisedInformer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop()));
});

function start(source: FakeSource, sink = new RecordingSink(), clock = fakeClock()) {
  const informer = new SupervisedInformer('pods', source, sink, {
    clock,
    random: () => 0, // lowest jitter: delay = half the exponential step
    backoff: { baseMs: 100, maxMs: 1_000, healthyAfterMs: 10_000 },
  });
  running.push(informer);
  informer.start();
  return { informer, sink, clock };
}

describe('SupervisedInformer', () => {
  it('lists, settles, then applies watch events from the list resourceVersion', async () => {
    const source = new FakeSource();
    source.lists.push(list('10', 'a', 'b'));
    const { informer, sink } = start(source);
    await informer.settled();
    await until(() => source.watches.length === 1, 'watch');
    expect(source.watches[0]?.rv).toBe('10');
    source.watches[0]?.emit('ADDED', obj('c', '11'));
    source.watches[0]?.emit('DELETED', obj('a', '12'));
    source.watches[0]?.emit('BOOKMARK', { metadata: { resourceVersion: '15' } });
    expect([...sink.items.keys()]).toEqual(['b', 'c']);
    expect(informer.status()).toMatchObject({
      synced: true,
      watching: true,
      restarts: 0,
      resourceVersion: '15',
    });
  });

  it('resumes from the last resourceVersion after a dropped stream, with back-off and no relist', async () => {
    const source = new FakeSource();
    source.lists.push(list('10', 'a'));
    const { informer, clock } = start(source);
    await until(() => source.watches.length === 1, 'first watch');
    source.watches[0]?.end(new ClusterError('unreachable', 'connection reset'));
    await until(() => source.watches.length === 2, 'second watch');
    source.watches[1]?.end(null);
    await until(() => source.watches.length === 3, 'third watch');
    expect(source.watches.map((w) => w.rv)).toEqual(['10', '10', '10']);
    expect(source.listCalls).toBe(1);
    // Jittered exponential: 100 * 2^n, halved by random()=0.
    expect(clock.sleeps).toEqual([50, 100]);
    expect(informer.status()).toMatchObject({
      restarts: 2,
      lastError: 'unreachable: connection reset',
    });
  });

  it('relists when the watch reports 410 in-band, and drops objects deleted meanwhile', async () => {
    const source = new FakeSource();
    source.lists.push(list('10', 'a', 'b'), list('50', 'b'));
    const { informer, sink } = start(source);
    await until(() => source.watches.length === 1, 'first watch');
    source.watches[0]?.emit('ERROR', {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old',
    });
    await until(() => source.watches.length === 2, 'watch after relist');
    expect(source.watches[0]?.aborted).toBe(true);
    expect(source.listCalls).toBe(2);
    expect(source.watches[1]?.rv).toBe('50');
    expect([...sink.items.keys()]).toEqual(['b']);
    expect(informer.status()).toMatchObject({ relists: 1, restarts: 1, lastErrorCode: 'gone' });
  });

  it('relists when the watch request itself is answered 410', async () => {
    const source = new FakeSource();
    source.lists.push(list('10', 'a'), list('60', 'a', 'z'));
    const { sink } = start(source);
    await until(() => source.watches.length === 1, 'first watch');
    source.watches[0]?.end(new ClusterError('gone', 'too old resource version', 410));
    await until(() => source.watches.length === 2, 'second watch');
    expect(source.watches[1]?.rv).toBe('60');
    expect([...sink.items.keys()]).toEqual(['a', 'z']);
  });

  it('retries a failing list with growing delays until it succeeds', async () => {
    const source = new FakeSource();
    const down = () => new ClusterError('unreachable', 'connection refused');
    source.lists.push(down(), down(), down(), list('7', 'a'));
    const { informer, clock } = start(source);
    await informer.settled();
    expect(clock.sleeps).toEqual([50, 100, 200]);
    expect(informer.status()).toMatchObject({ synced: true, restarts: 3 });
  });

  it('settles with a permanent failure on 403, keeps retrying slowly and recovers', async () => {
    const source = new FakeSource();
    source.lists.push(new ClusterError('forbidden', 'cannot list networkpolicies', 403), list('9'));
    const { informer, clock } = start(source);
    await informer.settled();
    expect(informer.status().synced).toBe(false);
    await until(() => informer.status().synced, 'recovery');
    expect(clock.sleeps).toEqual([1_000]);
    expect(informer.failure()).toBeNull();
  });

  it('reports the permanent failure while it lasts', async () => {
    const source = new FakeSource();
    source.lists.push(new ClusterError('unauthorized', 'bad token', 401));
    const { informer } = start(source);
    await informer.settled();
    expect(informer.failure()).toMatchObject({ code: 'unauthorized' });
  });

  it('reconnects at once after a client inactivity timeout without counting a restart', async () => {
    const source = new FakeSource();
    source.lists.push(list('10', 'a'));
    const { informer, clock } = start(source);
    await until(() => source.watches.length === 1, 'first watch');
    source.watches[0]?.end(
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    );
    await until(() => source.watches.length === 2, 'second watch');
    expect(clock.sleeps).toEqual([]);
    expect(informer.status().restarts).toBe(0);
  });

  it('stop() aborts the open watch and ends the loop', async () => {
    const source = new FakeSource();
    source.lists.push(list('10', 'a'));
    const { informer } = start(source);
    await until(() => source.watches.length === 1, 'watch');
    await informer.stop();
    expect(source.watches[0]?.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(source.watches).toHaveLength(1);
    expect(informer.status().watching).toBe(false);
  });
});
