import { describe, expect, it, vi } from 'vitest';
import { ClusterError } from './errors';
import { TokenBucket, withRetry } from './rate-limiter';
import type { Clock } from './rate-limiter';

/** A clock whose sleeps advance time instantly and are recorded. */
function fakeClock(): Clock & { sleeps: number[]; t: number } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

describe('TokenBucket', () => {
  it('lets a burst through, then spaces callers at 1/qps', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(20, 40, clock);
    const waits = Array.from({ length: 43 }, () => bucket.reserve());
    expect(waits.slice(0, 40).every((w) => w === 0)).toBe(true);
    // Callers 41, 42 and 43 are promised the next three 50 ms slots.
    expect(waits.slice(40)).toEqual([50, 100, 150]);
  });

  it('refills over time up to the burst size', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 2, clock);
    bucket.reserve();
    bucket.reserve();
    expect(bucket.reserve()).toBe(100);
    clock.t += 10_000;
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeGreaterThan(0);
  });

  it('take() sleeps for the reserved wait', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(5, 1, clock);
    await bucket.take();
    await bucket.take();
    expect(clock.sleeps).toEqual([200]);
  });
});

describe('withRetry', () => {
  const tooMany = (retryAfter: number | null) =>
    new ClusterError('too-many-requests', 'slow down', 429, retryAfter);

  it('retries 429 honouring Retry-After, bounded by maxDelayMs', async () => {
    const clock = fakeClock();
    const attempt = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(tooMany(2))
      .mockRejectedValueOnce(tooMany(600))
      .mockResolvedValue('ok');
    await expect(
      withRetry(attempt, { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 5_000, clock }),
    ).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([2_000, 5_000]);
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('backs off exponentially without Retry-After and gives up after maxRetries', async () => {
    const clock = fakeClock();
    const attempt = vi.fn<() => Promise<string>>().mockRejectedValue(tooMany(null));
    await expect(
      withRetry(attempt, { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10_000, clock }),
    ).rejects.toMatchObject({
      code: 'too-many-requests',
    });
    expect(clock.sleeps).toEqual([100, 200, 400]);
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  it.each(['unauthorized', 'forbidden', 'not-found', 'invalid', 'conflict'] as const)(
    'never retries %s',
    async (code) => {
      const clock = fakeClock();
      const attempt = vi
        .fn<() => Promise<string>>()
        .mockRejectedValue(new ClusterError(code, 'no'));
      await expect(
        withRetry(attempt, { maxRetries: 4, baseDelayMs: 1, maxDelayMs: 1, clock }),
      ).rejects.toMatchObject({
        code,
      });
      expect(attempt).toHaveBeenCalledTimes(1);
      expect(clock.sleeps).toEqual([]);
    },
  );
});
