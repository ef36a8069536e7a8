import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTraceroute } from './index';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'));
const read = (file: string): string => readFileSync(path.join(FIXTURES, file), 'utf8');

describe('parseTraceroute on streamed output', () => {
  // The engine parses what a probe has printed so far, as lines arrive. Cut anywhere, the
  // output must never yield a hop the whole output does not have: every hop handed out is
  // final, and the tool, once there is a hop, is the final one. (Only a pasted, hard-wrapped
  // traceroute can continue a hop on the next line; no tool streams that.)
  it.each(fixtures)('%s, cut at every character', (file) => {
    const text = read(file);
    const final = parseTraceroute(text);
    for (let cut = 0; cut <= text.length; cut++) {
      const partial = parseTraceroute(text.slice(0, cut), { partial: true });
      expect(partial.hops.length).toBeLessThanOrEqual(final.hops.length);
      if (partial.hops.length > 0) expect(partial.tool).toBe(final.tool);
      partial.hops.forEach((hop, i) => {
        const whole = final.hops[i];
        if (file === 'hand-wrapped-email.txt') {
          expect(hop.ttl).toBe(whole?.ttl);
          expect(hop.probes).toEqual(whole?.probes.slice(0, hop.probes.length));
        } else {
          expect(hop).toEqual(whole);
        }
      });
      if (!file.startsWith('hand-')) {
        expect(partial.warnings.filter((w) => /not understood|missing/.test(w))).toEqual([]);
      }
    }
  });

  it('holds back the last tracepath hop until a later line or the summary', () => {
    const lines = [
      ' 1?: [LOCALHOST]                      pmtu 1500',
      ' 1:  10.244.2.1                                            0.049ms ',
      ' 1:  10.244.2.1                                            0.005ms ',
      ' 2:  192.168.56.11                                         0.024ms ',
      '     Resume: pmtu 1500 hops 2 back 2 ',
    ];
    const upTo = (n: number) =>
      parseTraceroute(`${lines.slice(0, n).join('\n')}\n`, { partial: true });
    expect(upTo(2).hops).toEqual([]);
    expect(upTo(3).hops).toEqual([]);
    expect(upTo(4).hops.map((h) => [h.ttl, h.probes.length])).toEqual([[1, 2]]);
    expect(upTo(5).hops.map((h) => [h.ttl, h.probes.length])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('reads an address cut in the middle only once its line has ended', () => {
    const head = 'traceroute to 10.244.1.13 (10.244.1.13), 30 hops max, 60 byte packets\n';
    expect(parseTraceroute(`${head} 1  10.244.1.1`, { partial: true }).hops).toEqual([]);
    expect(parseTraceroute(`${head} 1  10.244.1.1`, { partial: true }).warnings).toEqual([]);
    const done = parseTraceroute(`${head} 1  10.244.1.13  0.040 ms\n`, { partial: true });
    expect(done.hops[0]?.probes[0]?.ip).toBe('10.244.1.13');
  });

  it('knows the tool and target from the header before any hop', () => {
    const trace = parseTraceroute(
      'traceroute to 10.0.0.9 (10.0.0.9), 30 hops max, 46 byte packets\n',
      {
        partial: true,
      },
    );
    expect(trace).toMatchObject({ tool: 'busybox', target: '10.0.0.9', hops: [], warnings: [] });
    expect(
      parseTraceroute('traceroute to 10.0.0.9 (10.0.0.9), 30 hops max, 46 byte packets\n').warnings,
    ).toEqual(['the trace has no hops']);
  });
});

describe('parseTraceroute on pasted text', () => {
  it('finds nothing in text without a trace', () => {
    expect(parseTraceroute('')).toEqual({
      tool: 'unknown',
      target: null,
      targetHost: null,
      maxHops: null,
      hops: [],
      warnings: ['no traceroute, mtr or tracepath output found'],
      command: null,
      lines: null,
    });
  });

  it('takes the target of mtr and tracepath from the command line before them', () => {
    const mtr = parseTraceroute(
      [
        '$ mtr -r -c 2 -n 10.244.1.3',
        'HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev',
        '  1.|-- 10.244.2.1                 0.0%     2    0.1   0.1   0.1   0.2   0.1',
      ].join('\n'),
    );
    expect(mtr).toMatchObject({
      tool: 'mtr',
      target: '10.244.1.3',
      command: 'mtr -r -c 2 -n 10.244.1.3',
    });
    const tracepath = parseTraceroute(
      [
        '$ tracepath -6 ::1',
        ' 1:  localhost                                             0.030ms reached',
      ].join('\n'),
    );
    expect(tracepath).toMatchObject({ target: '::1', targetHost: 'localhost' });
  });

  it('ignores a command line of another tool', () => {
    const trace = parseTraceroute(
      ['$ ping -c 1 10.0.0.5', ' 1?: [LOCALHOST]   pmtu 1500', ' 1:  10.0.0.1    0.030ms'].join(
        '\n',
      ),
    );
    expect(trace).toMatchObject({ tool: 'tracepath', target: null, command: null });
  });

  it('reads the first of several traces and says so', () => {
    const trace = parseTraceroute(
      [
        'traceroute to 10.0.0.3 (10.0.0.3), 30 hops max, 60 byte packets',
        ' 1  10.0.0.1  0.1 ms',
        ' 2  10.0.0.3  0.2 ms',
        ' 1?: [LOCALHOST]   pmtu 1500',
        ' 1:  10.0.0.1    0.030ms',
      ].join('\n'),
    );
    expect(trace.hops).toHaveLength(2);
    expect(trace.lines).toEqual({ first: 1, last: 3 });
    expect(trace.warnings).toEqual(['line 4: another trace follows and was not read']);
  });

  it('passes over a run that printed only its header for a later one with hops', () => {
    const trace = parseTraceroute(
      [
        '$ traceroute db.example',
        'traceroute to db.example (10.0.0.9), 30 hops max, 60 byte packets',
        '^C',
        '$ traceroute -n 10.0.0.9',
        'traceroute to 10.0.0.9 (10.0.0.9), 30 hops max, 60 byte packets',
        ' 1  10.0.0.1  0.1 ms',
      ].join('\n'),
    );
    expect(trace).toMatchObject({
      target: '10.0.0.9',
      targetHost: null,
      command: 'traceroute -n 10.0.0.9',
      lines: { first: 5, last: 6 },
      warnings: ['line 2: a traceroute run without hops was passed over'],
    });
    expect(trace.hops).toHaveLength(1);
  });

  it('reports hops missing from a paste', () => {
    const trace = parseTraceroute(
      ' 1  10.0.0.1  0.1 ms\n 2  10.0.0.2  0.1 ms\n 5  10.0.0.5  0.1 ms\n',
    );
    expect(trace.warnings).toEqual(['hops 3-4 are missing']);
  });
});
