import { describe, expect, it } from 'vitest';
import type { TraceEventWire } from '@/lib/api/traces';
import type { TraceResult } from '@/lib/trace/types';
import { applyTraceEvent, EMPTY_PROGRESS, progressSteps } from './trace-progress-state';

const hop = (ttl: number, ip: string) => ({ ttl, ip, rttMs: [0.4], entity: null });

function fold(events: TraceEventWire[]) {
  return events.reduce(applyTraceEvent, EMPTY_PROGRESS);
}

const stateOf = (events: TraceEventWire[]) =>
  Object.fromEntries(progressSteps(fold(events)).map((s) => [s.key, s.state]));

describe('trace progress', () => {
  it('walks the steps as the events of a trace arrive', () => {
    expect(stateOf([])).toEqual({
      schedule: 'active',
      pull: 'pending',
      traceroute: 'pending',
      connect: 'pending',
      diagnose: 'pending',
    });
    const scheduled: TraceEventWire[] = [
      { type: 'scheduled', probe: 'traceroute', pod: 'podpath-probe-x1', node: 'node-2' },
      {
        type: 'pulling',
        probe: 'traceroute',
        image: 'podpath/probe:1',
        reason: 'ContainerCreating',
      },
    ];
    expect(stateOf(scheduled)).toMatchObject({ schedule: 'done', pull: 'active' });
    const p = fold(scheduled);
    expect(progressSteps(p)[0]?.detail).toBe('podpath-probe-x1 on node-2');
    expect(progressSteps(p)[1]?.detail).toBe('ContainerCreating · podpath/probe:1');

    const hops: TraceEventWire[] = [
      ...scheduled,
      { type: 'running', probe: 'traceroute', pod: 'podpath-probe-x1' },
      { type: 'hop', hop: hop(2, '192.168.56.11') },
      { type: 'hop', hop: hop(1, '10.244.2.1') },
      { type: 'hop', hop: hop(1, '10.244.2.1') },
    ];
    const q = fold(hops);
    expect(q.hops.map((h) => h.ttl)).toEqual([1, 2]);
    expect(stateOf(hops)).toMatchObject({ pull: 'done', traceroute: 'active' });
    expect(progressSteps(q)[2]?.detail).toBe('2 hops');

    const connects: TraceEventWire[] = [
      ...hops,
      { type: 'connect', attempt: 1, ok: true, ms: 1.2 },
      { type: 'connect', attempt: 2, ok: false, ms: null, error: 'timeout' },
    ];
    expect(stateOf(connects)).toMatchObject({ traceroute: 'done', connect: 'active' });
    expect(progressSteps(fold(connects))[3]?.detail).toBe('1 of 2 succeeded');
  });

  it('ends with the result: its hops replace the streamed ones, findings are counted', () => {
    const result = {
      status: 'unreachable',
      hops: [hop(1, '10.244.1.1')],
      findings: [{ rule: 'hairpin' }],
    } as unknown as TraceResult;
    const p = fold([
      { type: 'hop', hop: hop(1, '10.244.9.9') },
      { type: 'done', result: result as never },
    ]);
    expect(p.hops).toEqual(result.hops);
    const steps = progressSteps(p);
    expect(steps.every((s) => s.state === 'done')).toBe(true);
    expect(steps[4]?.detail).toBe('1 finding');
  });

  it('marks a failed trace', () => {
    const result = { status: 'error', hops: [], findings: [] } as unknown as TraceResult;
    const p = fold([
      { type: 'error', code: 'forbidden', message: 'pods is forbidden' },
      { type: 'done', result: result as never },
    ]);
    expect(p.error).toEqual({ code: 'forbidden', message: 'pods is forbidden' });
    expect(progressSteps(p).map((s) => s.state)).toEqual([
      'done',
      'done',
      'failed',
      'done',
      'failed',
    ]);
  });
});
