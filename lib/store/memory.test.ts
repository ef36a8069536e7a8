import { describe, expect, it } from 'vitest';
import { clampListLimit, createMemoryTraceStore } from './memory';
import { describeTraceStore, sampleTrace } from './store-suite';
import { MAX_LIST_LIMIT } from './types';

describeTraceStore('memory', {
  persistent: false,
  async fresh() {
    const store = createMemoryTraceStore();
    return async () => store;
  },
});

describe('memory trace store', () => {
  it('drops the oldest finished traces beyond its size, never a running one', async () => {
    const store = createMemoryTraceStore({ maxEntries: 2 });
    await store.save(sampleTrace('running', '2026-01-01T00:00:00Z', 'running'));
    await store.save(sampleTrace('done1', '2026-01-02T00:00:00Z'));
    await store.save(sampleTrace('done2', '2026-01-03T00:00:00Z'));
    expect((await store.list()).map((t) => t.id)).toEqual(['done2', 'running']);
  });

  it('clamps list limits', () => {
    expect(clampListLimit(undefined)).toBe(50);
    expect(clampListLimit(0)).toBe(1);
    expect(clampListLimit(10_000)).toBe(MAX_LIST_LIMIT);
    expect(clampListLimit(7.9)).toBe(7);
  });
});
