import { describe, expect, it } from 'vitest';
import { parseMtrExtraLine, parseMtrHeader, parseMtrHopLine, readMtrReport } from './mtr-report';
import { cleanLines } from './noise';

const HEADER = 'HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev';
const TITLES = ['Loss%', 'Snt', 'Last', 'Avg', 'Best', 'Wrst', 'StDev'];

describe('parseMtrHeader', () => {
  it('reads the local host and the column titles', () => {
    expect(parseMtrHeader(HEADER)).toEqual({ localHost: 'vm', titles: TITLES, firstTitleEnd: 39 });
    expect(
      parseMtrHeader(
        'HOST: vm                          Loss% Drop   Rcv   Snt  Last  Best   Avg  Wrst StDev Gmean Jttr Javg Jmax Jint',
      )?.titles,
    ).toHaveLength(14);
    expect(parseMtrHeader('HOST: vm')).toBeNull();
    expect(parseMtrHeader('HOST: vm some other words')).toBeNull();
  });
});

describe('parseMtrHopLine', () => {
  it('reads a hop with its statistics; the time is the average', () => {
    expect(
      parseMtrHopLine(
        '  1.|-- 10.244.2.1                 0.0%     2    0.1   0.1   0.1   0.2   0.1',
        TITLES,
      ),
    ).toMatchObject({
      ttl: 1,
      probe: { ip: '10.244.2.1', host: null, rttMs: 0.1, annotation: null },
      stats: {
        lossPercent: 0,
        sent: 2,
        lastMs: 0.1,
        avgMs: 0.1,
        bestMs: 0.1,
        worstMs: 0.2,
        stdevMs: 0.1,
      },
      cutAddress: false,
    });
  });

  it('reads a silent hop (`???`, loss printed as 100.0)', () => {
    expect(
      parseMtrHopLine(
        '  2.|-- ???                       100.0     2    0.0   0.0   0.0   0.0   0.0',
        TITLES,
      ),
    ).toMatchObject({ probe: { ip: null, host: null, rttMs: null }, stats: { lossPercent: 100 } });
  });

  it('reads names, `name (addr)` and ipinfo fields', () => {
    const line = (who: string) =>
      `  4.|-- ${who.padEnd(25)}  0.0%     2    0.1   0.1   0.1   0.1   0.0`;
    expect(parseMtrHopLine(line('target.mini.test'), TITLES)?.probe).toMatchObject({
      ip: null,
      host: 'target.mini.test',
    });
    expect(parseMtrHopLine(line('r1.mini.test (192.0.2.1)'), TITLES)?.probe).toMatchObject({
      ip: '192.0.2.1',
      host: 'r1.mini.test',
    });
    expect(
      parseMtrHopLine(
        '  2. AS???    192.168.56.11        0.0%     2    0.2   0.1   0.1   0.2   0.0',
        TITLES,
      )?.probe.ip,
    ).toBe('192.168.56.11');
  });

  it('never guesses an address mtr cut short', () => {
    const hop = parseMtrHopLine(
      '  1.|-- r1.mini.test (2001:db8:1:  0.0%     2    0.1   0.1   0.1   0.1   0.0',
      TITLES,
    );
    expect(hop?.probe).toMatchObject({ ip: null, host: 'r1.mini.test' });
    expect(hop?.cutAddress).toBe(true);
  });

  it('follows the titles of -o', () => {
    const titles = [
      'Loss%',
      'Drop',
      'Rcv',
      'Snt',
      'Last',
      'Best',
      'Avg',
      'Wrst',
      'StDev',
      'Gmean',
      'Jttr',
      'Javg',
      'Jmax',
      'Jint',
    ];
    const hop = parseMtrHopLine(
      '  3.|-- 10.244.1.3                 0.0%    0     2     2   0.2   0.1   0.2   0.2   0.0   0.1  0.1  0.0  0.1  0.1',
      titles,
    );
    expect(hop?.stats).toEqual({
      lossPercent: 0,
      dropped: 0,
      received: 2,
      sent: 2,
      lastMs: 0.2,
      bestMs: 0.1,
      avgMs: 0.2,
      worstMs: 0.2,
      stdevMs: 0,
      geomeanMs: 0.1,
      jitterMs: 0.1,
      jitterAvgMs: 0,
      jitterMaxMs: 0.1,
      interarrivalJitterMs: 0.1,
    });
    expect(hop?.probe.rttMs).toBe(0.2);
  });

  it.each([
    ' 1  10.244.2.1  0.031 ms  0.003 ms  0.003 ms',
    '  1.|-- 10.244.2.1                 0.0%     2    0.1',
    '  1.|-- 10.244.2.1                 lots     2    0.1   0.1   0.1   0.2   0.1',
    'Start: 2026-11-22T00:06:00+0000',
  ])('is not an mtr hop: %j', (line) => {
    expect(parseMtrHopLine(line, TITLES)).toBeNull();
  });
});

describe('parseMtrExtraLine', () => {
  it('reads the further responders of a hop in both layouts', () => {
    const extra = (ip: string) => ({ ip, host: null, rttMs: null, annotation: null });
    expect(parseMtrExtraLine('    |  `|-- 198.51.100.6')).toEqual(extra('198.51.100.6'));
    expect(parseMtrExtraLine('    |   |-- 198.51.100.14')).toEqual(extra('198.51.100.14'));
    expect(parseMtrExtraLine('        198.51.100.2                     ')).toEqual(
      extra('198.51.100.2'),
    );
    expect(parseMtrExtraLine('     AS64500 core2.example.test')).toMatchObject({
      host: 'core2.example.test',
    });
    expect(parseMtrExtraLine('    |   +-- [MPLS: Lbl 24005 Exp 0 S 1 TTL 1]')).toBe('skip');
    expect(parseMtrExtraLine('Looks fine to me?')).toBeNull();
  });
});

describe('readMtrReport', () => {
  it('reads extra responders and warns about cut names only in the narrow report', () => {
    const narrow = cleanLines(
      [
        HEADER,
        // What mtr prints for a longer name: 25 characters of it, then the columns.
        '  1.|-- a-rather-long-router-name  0.0%     2    0.1   0.1   0.1   0.1   0.0',
        '  2.|-- 198.51.100.6               0.0%     6    0.1   0.1   0.1   0.1   0.0',
        '        198.51.100.2                     ',
      ].join('\n'),
    );
    const block = readMtrReport(narrow, 0, () => false);
    expect(block.hops[1]?.probes.map((p) => p.ip)).toEqual(['198.51.100.6', '198.51.100.2']);
    expect(block.warnings).toEqual([
      "line 2: the name of hop 1 fills mtr's column and may be cut (mtr --report-wide prints it whole)",
    ]);
    const longV6 = cleanLines(
      [HEADER, '  1.|-- 2001:db8::abcd:ef01:234:5  0.0%     2    0.1   0.1   0.1   0.1   0.0'].join(
        '\n',
      ),
    );
    const cut = readMtrReport(longV6, 0, () => false);
    expect(cut.hops[0]?.probes[0]).toMatchObject({ ip: null, host: null, rttMs: 0.1 });
    expect(cut.warnings).toEqual([
      "line 2: the address of hop 1 fills mtr's column and may be cut; it is left out (mtr --report-wide prints it whole)",
    ]);
    const wide = cleanLines(
      [
        'HOST: vm                                Loss%   Snt   Last   Avg  Best  Wrst StDev',
        '  1.|-- a-rather-long-router-name-1.example  0.0%     2    0.1   0.1   0.1   0.1   0.0',
      ].join('\n'),
    );
    expect(readMtrReport(wide, 0, () => false).warnings).toEqual([]);
  });
});
