import { describe, expect, it } from 'vitest';
import { formatDuration, relativeTime, traceDurationMs } from './format';

const NOW = Date.parse('2026-11-21T22:40:00Z');

describe('relativeTime', () => {
  it.each([
    ['2026-11-21T22:40:03Z', 'just now'],
    ['2026-11-21T22:39:58Z', 'just now'],
    ['2026-11-21T22:39:18Z', '42 s ago'],
    ['2026-11-21T22:35:00Z', '5 min ago'],
    ['2026-11-21T19:40:00Z', '3 h ago'],
    ['2026-11-18T22:40:00Z', '3 d ago'],
    ['not a date', 'not a date'],
  ])('%s -> %s', (iso, want) => {
    expect(relativeTime(iso, NOW)).toBe(want);
  });
});

describe('traceDurationMs and formatDuration', () => {
  it('prefers the timings, then finishedAt - createdAt', () => {
    const base = { createdAt: '2026-11-21T22:40:00Z', finishedAt: '2026-11-21T22:40:01.5Z' };
    expect(traceDurationMs({ ...base, timings: { totalMs: 220, probes: [] } })).toBe(220);
    expect(traceDurationMs(base)).toBe(1500);
    expect(traceDurationMs({ ...base, finishedAt: null })).toBeNull();
  });

  it.each([
    [220.4, '220 ms'],
    [1800, '1.8 s'],
    [42_000, '42 s'],
    [185_000, '3 min 5 s'],
  ])('%d ms -> %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
});
