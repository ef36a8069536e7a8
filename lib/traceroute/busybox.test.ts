import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { busyboxScore, readBusybox } from './busybox';
import { readLblTrace } from './linux-traceroute';
import { cleanLines } from './noise';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const lines = (file: string) => cleanLines(readFileSync(path.join(FIXTURES, file), 'utf8'));
const never = (): boolean => false;

function score(file: string): number {
  const block = readLblTrace(lines(file), 0, never);
  return busyboxScore(block.style, block.packetBytes);
}

describe('busyboxScore on real output', () => {
  it.each([
    'busybox-s1.txt',
    'busybox-s1-n.txt',
    'busybox-s5.txt',
    'busybox-prohibited.txt',
    'busybox-host-prohibited.txt',
    'busybox-host-unreachable.txt',
    'busybox-traceroute6.txt',
  ])('%s looks like busybox', (file) => {
    expect(score(file)).toBeGreaterThan(0);
  });

  it.each([
    'traceroute-s1.txt',
    'traceroute-s5.txt',
    'traceroute-ecmp-n.txt',
    'traceroute-prohibited.txt',
    'traceroute6-n.txt',
    'traceroute6-reject-route.txt',
  ])('%s does not', (file) => {
    expect(score(file)).toBeLessThanOrEqual(0);
  });

  it('lets the spacing outweigh a packet size set by hand', () => {
    const style = { wideGaps: 6, narrowGaps: 0, busyboxMarks: 0, linuxMarks: 0 };
    expect(busyboxScore(style, 60)).toBeGreaterThan(0);
    expect(busyboxScore({ ...style, wideGaps: 0, narrowGaps: 6 }, 46)).toBeLessThan(0);
    expect(busyboxScore({ ...style, wideGaps: 0 }, null)).toBe(0);
  });
});

describe('readBusybox', () => {
  it('reads the S5 trace from web-client: the pod gateway, then silence', () => {
    const block = readBusybox(lines('busybox-s5.txt'), 0, never);
    expect(block.header).toMatchObject({ target: '192.168.2.10', maxHops: 6 });
    expect(block.hops[0]?.probes.map((p) => p.ip)).toEqual([
      '10.244.2.1',
      '10.244.2.1',
      '10.244.2.1',
    ]);
    expect(
      block.hops
        .slice(1)
        .flatMap((h) => h.probes)
        .every((p) => p.ip === null),
    ).toBe(true);
  });

  it('gives an answer printed without its address the router of the hop before', () => {
    const block = readBusybox(lines('busybox-host-unreachable.txt'), 0, never);
    expect(block.hops[3]?.probes).toEqual([
      { ip: null, host: null, rttMs: null, annotation: null },
      { ip: '198.51.100.10', host: null, rttMs: expect.any(Number), annotation: '!H' },
      { ip: null, host: null, rttMs: null, annotation: null },
    ]);
  });

  it('reads busybox-only annotations', () => {
    const prohibited = readBusybox(lines('busybox-prohibited.txt'), 0, never);
    expect(prohibited.hops.at(-1)?.probes.map((p) => p.annotation)).toEqual(['!A', null, '!A']);
    const hostProhibited = readBusybox(lines('busybox-host-prohibited.txt'), 0, never);
    expect(hostProhibited.hops.at(-1)?.probes.map((p) => p.annotation)).toEqual(['!C', '!C', '!C']);
  });
});
