/**
 * Client-side rate limiting and 429 handling. client-node has neither (client-go has both), and
 * an inventory that relists six resources after every reconnect, plus probes polling pods, can
 * otherwise trip API Priority and Fairness on a busy cluster.
 */
import { isClusterError } from './errors';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A token bucket: `burst` requests may go at once, then `qps` per second. Waiters are served in
 * arrival order, each reserving its token up front, so a crowd of callers spaces out evenly.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (qps <= 0 || burst < 1) throw new RangeError('qps must be > 0 and burst >= 1');
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Milliseconds the next caller would wait; 0 when a token is free now. */
  reserve(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    // Tokens may go negative: that is the queue of callers already promised a later slot.
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Waits for a token. */
  async take(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.clock.sleep(wait, signal);
  }
}

export interface RetryOptions {
  /** Retries after the first attempt; 429 only. */
  maxRetries: number;
  /** Wait when the server gives no Retry-After, doubled each time. */
  baseDelayMs: number;
  /** Upper bound on any single wait, Retry-After included, so a call never hangs for minutes. */
  maxDelayMs: number;
  clock?: Clock;
  signal?: AbortSignal;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 10_000 };

/**
 * Runs `attempt`, retrying only when the API server answers 429 Too Many Requests: it waits
 * for Retry-After (bounded) or an exponential delay. Everything else, 401/403/404/409/422
 * above all, is final and thrown at once.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  const clock = options.clock ?? realClock;
  for (let retry = 0; ; retry += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (!isClusterError(err) || err.code !== 'too-many-requests' || retry >= options.maxRetries)
        throw err;
      const asked = err.retryAfterSeconds !== null ? err.retryAfterSeconds * 1000 : null;
      const delay = Math.min(asked ?? options.baseDelayMs * 2 ** retry, options.maxDelayMs);
      await clock.sleep(delay, options.signal);
    }
  }
}
