import { describe, expect, it } from 'vitest';
import { lastResponder, looksLikeHop, quoteLine, readHopLines } from './block';
import { lblGrammar } from './linux-traceroute';
import { cleanLines } from './noise';

const silent = { ip: null, host: null, rttMs: null, annotation: null };

describe('lastResponder', () => {
  it('is the last probe that answered', () => {
    const a = { ip: '10.0.0.1', host: null, rttMs: 1, annotation: null };
    const b = { ip: null, host: 'r3.mini.test', rttMs: 2, annotation: null };
    expect(lastResponder([a, b, silent])).toBe(b);
    expect(lastResponder([silent, silent])).toBeNull();
  });
});

describe('looksLikeHop', () => {
  it.each([
    [' 3  10.244.1', 3],
    [' 3  *', 3],
    [' 3  fe80::1%eth0', 3],
    [' 3  router.lan (10.0.0', 3],
  ])('%j was meant as hop %d', (text, ttl) => {
    expect(looksLikeHop(text, ttl)).toBe(true);
  });

  it.each([
    [' 3  10.244.1', 4],
    ['4 packets transmitted, 4 received', 4],
    ['3 pods are running', 3],
    ['3', 3],
  ])('%j was not meant as hop %d', (text, ttl) => {
    expect(looksLikeHop(text, ttl)).toBe(false);
  });

  it('quotes long lines shortened', () => {
    expect(quoteLine(`  ${'x'.repeat(100)}`)).toBe(JSON.stringify(`${'x'.repeat(77)}...`));
  });
});

describe('readHopLines', () => {
  const never = (): boolean => false;

  it('carries the last responder into a hop that starts with a bare time', () => {
    const lines = cleanLines(' 3  198.51.100.10  0.001 ms\n 4  *  67.904 ms !H  *\n');
    const block = readHopLines(lines, 0, lblGrammar, never, () => undefined);
    expect(block.hops[1]?.probes[1]).toEqual({
      ip: '198.51.100.10',
      host: null,
      rttMs: 67.904,
      annotation: '!H',
    });
  });

  it('appends a continuation only right after its hop line', () => {
    const lines = cleanLines(' 1  gw (10.0.0.1)  0.3 ms\n 0.2 ms\nnoise\n 0.1 ms\n');
    const block = readHopLines(lines, 0, lblGrammar, never, () => undefined);
    expect(block.hops[0]?.probes.map((p) => p.rttMs)).toEqual([0.3, 0.2]);
    expect(block.end).toBe(2);
  });

  it('passes over commands before the first hop and stops at one after it', () => {
    const lines = cleanLines(
      '$ traceroute -n x\n 1  10.0.0.1  0.1 ms\n$ exit\n 2  10.0.0.2  0.1 ms\n',
    );
    const block = readHopLines(lines, 0, lblGrammar, never, () => undefined);
    expect(block.hops.map((h) => h.ttl)).toEqual([1]);
  });

  it('stops where the caller says another trace starts', () => {
    const lines = cleanLines(' 1  10.0.0.1  0.1 ms\nHOST: x  Loss%\n 2  10.0.0.2  0.1 ms\n');
    const block = readHopLines(
      lines,
      0,
      lblGrammar,
      (i) => i === 1,
      () => undefined,
    );
    expect(block.hops).toHaveLength(1);
    expect(block.end).toBe(1);
  });
});
