/**
 * A tiny client-go style work queue. Store listeners run inside the store's write call, so a
 * controller that wrote from a listener would deliver its own event to other watchers before
 * the event that triggered it; queueing the key and working on it a tick later keeps every
 * watcher's event order equal to the resourceVersion order.
 */
export interface WorkQueue {
  add(key: string): void;
  /** Resolves when nothing is queued or being worked on. */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * Dedupes keys that are queued but not yet being worked on; a key added while its work runs is
 * worked on again afterwards, so the last change is never lost.
 */
export function createWorkQueue(
  name: string,
  work: (key: string) => Promise<void> | void,
): WorkQueue {
  const queued = new Set<string>();
  const active = new Set<string>();
  const again = new Set<string>();
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const checkIdle = () => {
    if (queued.size === 0 && active.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const run = async (key: string) => {
    queued.delete(key);
    active.add(key);
    try {
      if (!stopped) await work(key);
    } catch (err) {
      process.stderr.write(
        `emulator ${name}: ${key}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    } finally {
      active.delete(key);
      if (again.delete(key) && !stopped) add(key);
      checkIdle();
    }
  };

  function add(key: string): void {
    if (stopped) return;
    if (active.has(key)) {
      again.add(key);
      return;
    }
    if (queued.has(key)) return;
    queued.add(key);
    setImmediate(() => void run(key));
  }

  return {
    add,
    idle() {
      if (queued.size === 0 && active.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      queued.clear();
      again.clear();
      checkIdle();
    },
  };
}
