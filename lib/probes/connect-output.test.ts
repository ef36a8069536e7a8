import { describe, expect, it } from 'vitest';
import { parseConnectOutput, singleConnectSummary } from './connect-output';

describe('parseConnectOutput', () => {
  it('reads attempts, times, causes and the summary', () => {
    const text = [
      'attempt 1 ok 1.27ms',
      'attempt 2 fail Connection refused',
      'attempt 3 ok',
      'attempt 4 fail timed out',
      'connected 2/4',
      '',
    ].join('\n');
    expect(parseConnectOutput(text, '10.96.212.203', 80)).toEqual({
      target: '10.96.212.203',
      port: 80,
      attempts: 4,
      succeeded: 2,
      results: [
        { ok: true, ms: 1.27 },
        { ok: false, ms: null, error: 'Connection refused' },
        { ok: true, ms: null },
        { ok: false, ms: null, error: 'timed out' },
      ],
      complete: true,
      planned: 4,
    });
  });

  it('keeps what a run cut short printed, marked incomplete', () => {
    const parsed = parseConnectOutput(
      'attempt 1 ok 0.42ms\nattempt 2 fail No route to host\n',
      'x',
      1,
    );
    expect(parsed).toMatchObject({ attempts: 2, succeeded: 1, complete: false, planned: null });
  });

  it('notices a summary that disagrees with the lines', () => {
    const parsed = parseConnectOutput('attempt 1 ok 1.00ms\nconnected 1/2\n', 'x', 1);
    expect(parsed).toMatchObject({ attempts: 1, planned: 2, complete: false });
  });

  it('answers null for output with no attempt (usage error, other tool)', () => {
    expect(
      parseConnectOutput('usage: podpath-connect COUNT TIMEOUT [--] HOST PORT\n', 'x', 1),
    ).toBeNull();
  });
});

describe('singleConnectSummary', () => {
  it('reads one busybox nc attempt', () => {
    expect(singleConnectSummary(0, '', '10.244.1.3', 80)).toMatchObject({
      attempts: 1,
      succeeded: 1,
      results: [{ ok: true, ms: null }],
    });
    expect(
      singleConnectSummary(
        1,
        "nc: can't connect to remote host (10.96.77.7): Connection refused\n",
        '10.96.77.7',
        8080,
      ).results,
    ).toEqual([{ ok: false, ms: null, error: 'Connection refused' }]);
    expect(singleConnectSummary(1, 'nc: timed out\n', 'x', 1).results[0]?.error).toBe('timed out');
    expect(singleConnectSummary(1, '', 'x', 1).results[0]?.error).toBe('exit status 1');
  });
});
