import { describe, expect, it } from 'vitest';
import { cleanLines } from './noise';
import { parseTracepathLine, readTracepath } from './tracepath';

describe('parseTracepathLine', () => {
  it('reads the local line, probes, and silence', () => {
    expect(parseTracepathLine(' 1?: [LOCALHOST]                      pmtu 1500')).toEqual({
      kind: 'local',
      ttl: 1,
    });
    expect(parseTracepathLine(' 1?: [LOCALHOST]                        0.011ms pmtu 1500')).toEqual(
      {
        kind: 'local',
        ttl: 1,
      },
    );
    expect(
      parseTracepathLine(' 1:  10.244.2.1                                            0.049ms '),
    ).toEqual({
      kind: 'probe',
      ttl: 1,
      probe: { ip: '10.244.2.1', host: null, rttMs: 0.049, annotation: null },
      reached: false,
      note: null,
    });
    expect(parseTracepathLine(' 2:  no reply')).toMatchObject({
      probe: { ip: null, host: null, rttMs: null, annotation: null },
      reached: false,
    });
  });

  it('reads names, both orders of -b, and `???`', () => {
    expect(parseTracepathLine(' 3:  r3.mini.test        0.102ms !N')).toMatchObject({
      probe: { ip: null, host: 'r3.mini.test', rttMs: 0.102, annotation: '!N' },
    });
    expect(parseTracepathLine(' 3:  10.244.1.3 (10.244.1.3)   0.049ms reached')).toMatchObject({
      probe: { ip: '10.244.1.3', host: null },
      reached: true,
    });
    expect(parseTracepathLine(' 3:  10.0.0.1 (gw.lan)   0.049ms')).toMatchObject({
      probe: { ip: '10.0.0.1', host: 'gw.lan' },
    });
    expect(parseTracepathLine(' 1:  ??? (10.244.2.1)          0.042ms ')).toMatchObject({
      probe: { ip: '10.244.2.1', host: null, rttMs: 0.042 },
    });
    expect(parseTracepathLine(' 3:  ???                 991.818ms ')).toMatchObject({
      probe: { ip: null, host: null, rttMs: 991.818 },
    });
  });

  it('reads asymm before or after the time, and pmtu as the annotation', () => {
    expect(
      parseTracepathLine(' 2:  dust.inr.ac.ru        asymm  1   0.390ms pmtu 1480'),
    ).toMatchObject({
      probe: { host: 'dust.inr.ac.ru', rttMs: 0.39, annotation: 'pmtu 1480' },
    });
    expect(parseTracepathLine(' 2:  10.244.1.0    0.398ms asymm  3')).toMatchObject({
      probe: { ip: '10.244.1.0', rttMs: 0.398, annotation: null },
    });
  });

  it('notes what tracepath says went wrong', () => {
    expect(parseTracepathLine(' 5:  send failed')).toMatchObject({
      probe: { ip: null },
      note: 'tracepath could not send the probe with TTL 5',
    });
    expect(
      parseTracepathLine(' 2:  10.0.0.2   1.5ms (This broken router returned corrupted payload) '),
    ).toMatchObject({
      probe: { ip: '10.0.0.2', rttMs: 1.5 },
      note: 'the router at TTL 2 returned a corrupted payload',
    });
    expect(parseTracepathLine(' 4?: reply received 8)')).toMatchObject({ kind: 'other' });
  });

  it.each([
    ' 1  10.244.2.1  0.031 ms',
    '  1.|-- 10.244.2.1   0.0%  2  0.1  0.1  0.1  0.2  0.1',
    ' 2:  10.0.0.2   1.5ms lost',
    'note: something',
    '     Resume: pmtu 1500 hops 3 back 3',
  ])('is not a tracepath probe line: %j', (line) => {
    expect(parseTracepathLine(line)).toBeNull();
  });
});

describe('readTracepath', () => {
  it('groups probe lines by TTL, ends at Resume, and knows what it reached', () => {
    const text = [
      ' 1?: [LOCALHOST]                      pmtu 1500',
      ' 1:  192.0.2.1                                             0.055ms ',
      ' 1:  192.0.2.1                                             0.004ms ',
      ' 4:  198.51.100.10                                         0.011ms pmtu 1280',
      ' 4:  203.0.113.10                                          0.017ms reached',
      '     Resume: pmtu 1280 hops 4 back 4 ',
      ' 1?: [LOCALHOST]                      pmtu 1500',
    ].join('\n');
    const block = readTracepath(cleanLines(text), 0, () => false);
    expect(block.hops.map((h) => [h.ttl, h.probes.length])).toEqual([
      [1, 2],
      [4, 2],
    ]);
    expect(block.reached?.ip).toBe('203.0.113.10');
    expect(block.end).toBe(6);
  });
});
