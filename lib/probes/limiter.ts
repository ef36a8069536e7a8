/**
 * Limits on concurrent probes: a cluster should not get a burst of probe pods from one busy
 * dashboard, and one node should not run many at once (they would also share the node's ICMP
 * rate limits and skew each other's traceroutes).
 */

export interface ProbeLimits {
  /** Probes running at once in one cluster. */
  perCluster: number;
  /** Probes running at once on one node. */
  perNode: number;
}

export const DEFAULT_PROBE_LIMITS: Readonly<ProbeLimits> = { perCluster: 4, perNode: 2 };

interface Waiter {
  node: string;
  grant: (release: () => void) => void;
  detach: () => void;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Called once when the probe has to wait for a slot. */
  onQueued?: () => void;
}

/**
 * A FIFO of probes waiting for a slot. Waiters are granted in arrival order among those that
 * can run: one waiting for a full node does not hold up a later one for an idle node, and
 * waiters for the same node keep their order.
 */
export class ProbeLimiter {
  readonly limits: ProbeLimits;
  private active = 0;
  private readonly byNode = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(limits: Partial<ProbeLimits> = {}) {
    this.limits = { ...DEFAULT_PROBE_LIMITS, ...limits };
    for (const [key, value] of Object.entries(this.limits)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`probe limit ${key} must be a whole number of at least 1`);
      }
    }
  }

  /**
   * Resolves with a release function once a slot on `node` is free; rejects with the signal's
   * reason if aborted while waiting. Call the release function exactly when the probe is done
   * (calling it again does nothing).
   */
  acquire(node: string, options: AcquireOptions = {}): Promise<() => void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.canRun(node)) return Promise.resolve(this.take(node));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        node,
        grant: resolve,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      options.onQueued?.();
    });
  }

  /** Runs `task` inside a slot on `node`. */
  async run<T>(node: string, task: () => Promise<T>, options: AcquireOptions = {}): Promise<T> {
    const release = await this.acquire(node, options);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Running and waiting probes, for the UI and tests. */
  stats(): { active: number; queued: number; perNode: Record<string, number> } {
    return {
      active: this.active,
      queued: this.queue.length,
      perNode: Object.fromEntries(this.byNode),
    };
  }

  private canRun(node: string): boolean {
    return (
      this.active < this.limits.perCluster && (this.byNode.get(node) ?? 0) < this.limits.perNode
    );
  }

  private take(node: string): () => void {
    this.active += 1;
    this.byNode.set(node, (this.byNode.get(node) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      const left = (this.byNode.get(node) ?? 1) - 1;
      if (left > 0) this.byNode.set(node, left);
      else this.byNode.delete(node);
      this.pump();
    };
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length && this.active < this.limits.perCluster;) {
      const waiter = this.queue[i]!;
      if (!this.canRun(waiter.node)) {
        i += 1;
        continue;
      }
      this.queue.splice(i, 1);
      waiter.detach();
      waiter.grant(this.take(waiter.node));
    }
  }
}

const REGISTRY_KEY = Symbol.for('podpath.probe-limiters');

/**
 * The process-wide limiter of a cluster (by kubeconfig context), so that every trace against
 * it shares the limits. Kept on globalThis: Next.js dev reloads modules on every edit.
 */
export function probeLimiterFor(context: string, limits?: Partial<ProbeLimits>): ProbeLimiter {
  const g = globalThis as typeof globalThis & { [REGISTRY_KEY]?: Map<string, ProbeLimiter> };
  g[REGISTRY_KEY] ??= new Map();
  let limiter = g[REGISTRY_KEY].get(context);
  if (!limiter) {
    limiter = new ProbeLimiter(limits);
    g[REGISTRY_KEY].set(context, limiter);
  }
  return limiter;
}
