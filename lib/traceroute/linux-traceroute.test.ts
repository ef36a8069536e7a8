import { describe, expect, it } from 'vitest';
import {
  parseTracerouteContinuation,
  parseTracerouteHeader,
  parseTracerouteHopLine,
  readLinuxTraceroute,
} from './linux-traceroute';
import { cleanLines } from './noise';

const silent = { ip: null, host: null, rttMs: null, annotation: null };
const probe = (
  ip: string | null,
  rttMs: number,
  host: string | null = null,
  annotation = null,
) => ({
  ip,
  host,
  rttMs,
  annotation,
});

describe('parseTracerouteHeader', () => {
  it('reads target, name, hops and packet size', () => {
    expect(
      parseTracerouteHeader(
        'traceroute to target.mini.test (203.0.113.10), 30 hops max, 60 byte packets',
      ),
    ).toEqual({
      target: '203.0.113.10',
      targetHost: 'target.mini.test',
      maxHops: 30,
      packetBytes: 60,
    });
    expect(
      parseTracerouteHeader('traceroute to 10.244.1.3 (10.244.1.3), 30 hops max, 46 byte packets'),
    ).toEqual({ target: '10.244.1.3', targetHost: null, maxHops: 30, packetBytes: 46 });
  });

  it('reads IPv6, a source address, and macOS traceroute6', () => {
    expect(
      parseTracerouteHeader('traceroute to ::1 (::1), 30 hops max, 80 byte packets'),
    ).toMatchObject({
      target: '::1',
      targetHost: null,
    });
    expect(
      parseTracerouteHeader(
        'traceroute6 to db (2001:db8::5) from 2001:db8::2, 64 hops max, 12 byte packets',
      ),
    ).toMatchObject({ target: '2001:db8::5', targetHost: 'db', maxHops: 64, packetBytes: 12 });
  });

  it('has no packet size for inetutils, and rejects other lines', () => {
    expect(
      parseTracerouteHeader('traceroute to 10.244.1.3 (10.244.1.3), 64 hops max'),
    ).toMatchObject({
      packetBytes: null,
    });
    expect(parseTracerouteHeader('traceroute: unknown host x')).toBeNull();
    expect(parseTracerouteHeader('PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.')).toBeNull();
  });
});

describe('parseTracerouteHopLine', () => {
  it('reads a hop with -n (lab S1, web-client)', () => {
    expect(parseTracerouteHopLine(' 1  10.244.2.1  0.031 ms  0.003 ms  0.003 ms')).toMatchObject({
      ttl: 1,
      probes: [probe('10.244.2.1', 0.031), probe('10.244.2.1', 0.003), probe('10.244.2.1', 0.003)],
    });
  });

  it('reads names, and drops a name that is the address again', () => {
    expect(
      parseTracerouteHopLine(' 1  r1.mini.test (192.0.2.1)  0.024 ms  0.004 ms  0.002 ms')
        ?.probes[0],
    ).toEqual(probe('192.0.2.1', 0.024, 'r1.mini.test'));
    expect(parseTracerouteHopLine(' 1  10.244.2.1 (10.244.2.1)  0.030 ms')?.probes[0]).toEqual(
      probe('10.244.2.1', 0.03),
    );
  });

  it('gives each responder of a hop its own probes (equal-cost paths)', () => {
    const hop = parseTracerouteHopLine(
      ' 2  r2a.mini.test (198.51.100.2)  0.008 ms  0.003 ms r2b.mini.test (198.51.100.6)  0.006 ms',
    );
    expect(hop?.probes).toEqual([
      probe('198.51.100.2', 0.008, 'r2a.mini.test'),
      probe('198.51.100.2', 0.003, 'r2a.mini.test'),
      probe('198.51.100.6', 0.006, 'r2b.mini.test'),
    ]);
  });

  it('keeps the responder across a silent probe, and reads annotations', () => {
    const hop = parseTracerouteHopLine(' 9  * 198.51.100.10  1063.079 ms !H  1063.046 ms !H');
    expect(hop?.probes).toEqual([
      silent,
      { ip: '198.51.100.10', host: null, rttMs: 1063.079, annotation: '!H' },
      { ip: '198.51.100.10', host: null, rttMs: 1063.046, annotation: '!H' },
    ]);
    expect(
      parseTracerouteHopLine(
        ' 4  2001:db8:3a::2  0.008 ms !<6> 2001:db8:3b::2  0.004 ms !<6>',
      )?.probes.map((p) => [p.ip, p.annotation]),
    ).toEqual([
      ['2001:db8:3a::2', '!<6>'],
      ['2001:db8:3b::2', '!<6>'],
    ]);
    expect(
      parseTracerouteHopLine(' 4  198.51.100.10  0.004 ms !F-1280')?.probes[0]?.annotation,
    ).toBe('!F-1280');
  });

  it('reads a silent hop', () => {
    expect(parseTracerouteHopLine(' 2  * * *')?.probes).toEqual([silent, silent, silent]);
  });

  it('passes over -A, -e and --back extras, and keeps -O info flags as the annotation', () => {
    const hop = parseTracerouteHopLine(
      " 2  core1 (198.51.100.1) [AS64500] <MPLS:L=24005,E=0,S=1,T=1> '-4'  5.112 ms <syn,ack>",
    );
    expect(hop?.probes).toEqual([
      { ip: '198.51.100.1', host: 'core1', rttMs: 5.112, annotation: '<syn,ack>' },
    ]);
    expect(hop?.style.linuxMarks).toBe(4);
  });

  it('counts the spacing that tells busybox from Linux traceroute', () => {
    expect(parseTracerouteHopLine(' 2  *  *  *')?.style).toMatchObject({
      wideGaps: 2,
      narrowGaps: 0,
    });
    expect(parseTracerouteHopLine(' 2  * * *')?.style).toMatchObject({
      wideGaps: 0,
      narrowGaps: 2,
    });
    expect(
      parseTracerouteHopLine(' 2  198.51.100.6  0.019 ms  0.002 ms 198.51.100.2  0.016 ms')?.style,
    ).toMatchObject({ wideGaps: 0, narrowGaps: 1 });
    expect(parseTracerouteHopLine(' 3  *  198.51.100.10  0.006 ms !A  *')?.style).toMatchObject({
      wideGaps: 2,
      busyboxMarks: 1,
    });
  });

  it('takes the carried responder for a first answer printed without an address', () => {
    const carry = probe('198.51.100.10', 0.001);
    expect(parseTracerouteHopLine(' 4  *  67.904 ms !H  *', carry)?.probes).toEqual([
      silent,
      { ip: '198.51.100.10', host: null, rttMs: 67.904, annotation: '!H' },
      silent,
    ]);
    expect(parseTracerouteHopLine(' 4  *  67.904 ms !H  *')).toBeNull();
  });

  it.each([
    '64 bytes from 10.244.1.3: icmp_seq=1 ttl=62 time=0.512 ms',
    '  1    <1 ms    <1 ms    <1 ms  192.168.56.1',
    '  2     *        *        *     Request timed out.',
    ' 3  10.244.1',
    ' 3  10.244.1.3',
    ' 3  10.244.1.3  0.5',
    ' 3  router  0.5 ms',
    ' 3',
    ' 0  10.0.0.1  0.1 ms',
    ' 3  10.0.0.1  0.1 ms !',
    '  1   10.244.2.1  0.003ms  0.000ms  0.001ms',
    ' 1:  10.244.2.1                                            0.049ms',
    '  1.|-- 10.244.2.1                 0.0%     2    0.1   0.1   0.1   0.2   0.1',
    '4 packets transmitted, 4 received',
  ])('is not a hop: %j', (line) => {
    if (line === ' 3  10.0.0.1  0.1 ms !') {
      // busybox's bare `!` (answer with TTL 1) is an annotation, so this one is a hop.
      expect(parseTracerouteHopLine(line)?.probes[0]?.annotation).toBe('!');
      return;
    }
    expect(parseTracerouteHopLine(line)).toBeNull();
  });
});

describe('parseTracerouteContinuation', () => {
  it('reads more probes of a wrapped hop line', () => {
    const last = probe('10.0.0.1', 0.298, 'gw');
    expect(parseTracerouteContinuation(' 0.287 ms', last)).toEqual([
      probe('10.0.0.1', 0.287, 'gw'),
    ]);
    expect(parseTracerouteContinuation('gw2 (10.0.0.2)  1.093 ms', last)).toEqual([
      probe('10.0.0.2', 1.093, 'gw2'),
    ]);
    expect(parseTracerouteContinuation(' 3  * * *', last)).toBeNull();
    expect(parseTracerouteContinuation('Looks fine to me?', last)).toBeNull();
  });
});

describe('readLinuxTraceroute', () => {
  const never = (): boolean => false;

  it('reads header and hops, passing over noise in between', () => {
    const lines = cleanLines(
      [
        'traceroute to 10.244.1.3 (10.244.1.3), 30 hops max, 60 byte packets',
        ' 1  10.244.2.1  0.030 ms  0.004 ms  0.003 ms',
        'some stderr noise',
        ' 2  192.168.56.11  0.018 ms  0.007 ms  0.008 ms',
        ' 3  10.244.1.3  0.016 ms  0.013 ms  0.011 ms',
        'afterwards',
      ].join('\n'),
    );
    const block = readLinuxTraceroute(lines, 0, never);
    expect(block.header).toEqual({
      target: '10.244.1.3',
      targetHost: null,
      maxHops: 30,
      packetBytes: 60,
    });
    expect(block.hops.map((h) => h.ttl)).toEqual([1, 2, 3]);
    expect(block.end).toBe(5); // index after hop 3: the trailing line is not part of it
    expect(block.warnings).toEqual([]);
  });

  it('stops at a TTL that does not rise and at a new command', () => {
    const twoRuns = cleanLines(
      ' 1  10.0.0.1  0.1 ms\n 2  10.0.0.2  0.1 ms\n 1  10.0.0.1  0.1 ms\n',
    );
    expect(readLinuxTraceroute(twoRuns, 0, never).hops).toHaveLength(2);
    const withCommand = cleanLines(' 1  10.0.0.1  0.1 ms\n$ traceroute x\n 2  10.0.0.2  0.1 ms\n');
    expect(readLinuxTraceroute(withCommand, 0, never).hops).toHaveLength(1);
  });

  it('reports a line that was meant as the next hop but does not parse', () => {
    const lines = cleanLines(
      ' 1  10.0.0.1  0.1 ms\n 2  10.0.0.2  0.1 ms  0.2\n4 packets transmitted\n',
    );
    expect(readLinuxTraceroute(lines, 0, never).warnings).toEqual([
      'line 2: hop 2 not understood: "2  10.0.0.2  0.1 ms  0.2"',
    ]);
  });
});
