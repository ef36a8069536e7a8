import { describe, expect, it } from 'vitest';
import { parseInetutilsHeader, parseInetutilsHopLine, readInetutils } from './inetutils';
import { cleanLines } from './noise';

describe('parseInetutilsHeader', () => {
  it('reads the header without a byte count', () => {
    expect(
      parseInetutilsHeader('traceroute to target.mini.test (203.0.113.10), 64 hops max'),
    ).toEqual({ target: '203.0.113.10', targetHost: 'target.mini.test', maxHops: 64 });
    expect(
      parseInetutilsHeader('traceroute to 10.0.0.1 (10.0.0.1), 30 hops max, 60 byte packets'),
    ).toBeNull();
  });
});

describe('parseInetutilsHopLine', () => {
  it('reads glued times and the name after the address', () => {
    expect(
      parseInetutilsHopLine('  1   192.0.2.1 (r1.mini.test)  0.003ms  0.001ms  0.001ms '),
    ).toEqual({
      ttl: 1,
      style: null,
      probes: [
        { ip: '192.0.2.1', host: 'r1.mini.test', rttMs: 0.003, annotation: null },
        { ip: '192.0.2.1', host: 'r1.mini.test', rttMs: 0.001, annotation: null },
        { ip: '192.0.2.1', host: 'r1.mini.test', rttMs: 0.001, annotation: null },
      ],
    });
    // With --resolve-hostnames and no name, inetutils prints the address again.
    expect(
      parseInetutilsHopLine('  1   10.244.2.1 (10.244.2.1)  0.004ms')?.probes[0]?.host,
    ).toBeNull();
  });

  it('reads silent probes and the one-letter annotations, `!*` included', () => {
    expect(parseInetutilsHopLine('  3   *  198.51.100.10  0.003ms !X  * ')?.probes).toEqual([
      { ip: null, host: null, rttMs: null, annotation: null },
      { ip: '198.51.100.10', host: null, rttMs: 0.003, annotation: '!X' },
      { ip: null, host: null, rttMs: null, annotation: null },
    ]);
    expect(
      parseInetutilsHopLine('  4   198.51.100.10  0.001ms !*  0.001ms !*')?.probes.map(
        (p) => p.annotation,
      ),
    ).toEqual(['!*', '!*']);
  });

  it.each([
    ' 1  10.244.2.1  0.030 ms  0.004 ms',
    ' 1  r1 (192.0.2.1)  0.024 ms',
    '  1   r1.mini.test (192.0.2.1)  0.003ms',
    '  1   0.003ms',
    '  2   10.0.0.1',
  ])('is not an inetutils hop: %j', (line) => {
    expect(parseInetutilsHopLine(line)).toBeNull();
  });
});

describe('readInetutils', () => {
  it('reads the S5 trace from web-client', () => {
    const text = [
      'traceroute to 192.168.2.10 (192.168.2.10), 4 hops max',
      '  1   10.244.2.1  0.004ms  0.002ms  0.002ms ',
      '  2   *  *  * ',
      '  3   *  *  * ',
    ].join('\n');
    const block = readInetutils(cleanLines(text), 0, () => false);
    expect(block.header).toEqual({ target: '192.168.2.10', targetHost: null, maxHops: 4 });
    expect(block.hops.map((h) => h.probes.filter((p) => p.ip).length)).toEqual([3, 0, 0]);
  });
});
