/**
 * Golden tests: every fixture in __fixtures__/ (real output captured in the lab by capture.ts,
 * or hand-written `hand-*.txt`, see __fixtures__/README.md) is parsed and compared with
 * __golden__/<name>.json. After a deliberate change, regenerate and review the diff by eye:
 *
 *   UPDATE_GOLDEN=1 npx vitest run lib/traceroute
 *
 * Stable is not enough, so the captured fixtures are also checked against what is known
 * independently of the parser: the tool and target of the command that made them, and the
 * hops that scenarios S1, S1b and S5 of shared/scenarios.md must show.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTraceroute, type ParsedTrace, type TracerouteTool } from './index';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(HERE, '__fixtures__');
const GOLDEN = path.join(HERE, '__golden__');

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.txt'))
  .sort();

function parseFixture(file: string): ParsedTrace {
  return parseTraceroute(readFileSync(path.join(FIXTURES, file), 'utf8'));
}

describe('golden files', () => {
  it.each(fixtures)('%s', (file) => {
    const actual = parseFixture(file);
    const golden = path.join(GOLDEN, file.replace(/\.txt$/, '.json'));
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, `${JSON.stringify(actual, null, 2)}\n`);
    expect(existsSync(golden), `${golden} missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
  });

  it('has no golden file without its fixture', () => {
    const stale = readdirSync(GOLDEN).filter(
      (f) => !fixtures.includes(f.replace(/\.json$/, '.txt')),
    );
    expect(stale).toEqual([]);
  });
});

interface Captured {
  file: string;
  where: string;
  argv: string[];
  exitCode: number;
}

const manifest = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'captured.json'), 'utf8')) as {
    fixtures: Captured[];
  }
).fixtures;

function toolOfArgv(argv: string[]): TracerouteTool {
  const program = path.basename(argv[0] ?? '');
  if (program === 'busybox') return 'busybox';
  if (program === 'inetutils-traceroute') return 'inetutils';
  if (program === 'mtr') return 'mtr';
  if (program === 'tracepath') return 'tracepath';
  return 'traceroute';
}

describe('captured fixtures', () => {
  it('are listed in captured.json, and every listed one exists', () => {
    const captured = fixtures.filter((f) => !f.startsWith('hand-'));
    expect(manifest.map((m) => m.file).sort()).toEqual(captured);
  });

  it.each(manifest.map((m) => [m.file, m] as const))(
    '%s: the tool and target of its command',
    (file, m) => {
      const trace = parseFixture(file);
      expect(trace.tool).toBe(toolOfArgv(m.argv));
      expect(trace.hops.length).toBeGreaterThan(0);
      expect(trace.warnings.filter((w) => /not understood/.test(w))).toEqual([]);
      const operand = m.argv[m.argv.length - 1] === '1400' ? m.argv.at(-2) : m.argv.at(-1);
      // mtr prints no target, and tracepath only when the trace got there.
      if (trace.tool === 'mtr') expect(trace.target).toBeNull();
      else if (trace.tool === 'tracepath' && trace.target !== null && trace.target !== operand) {
        // Without -n, tracepath prints the name of what it reached, and nothing else.
        const last = trace.hops.at(-1)?.probes.at(-1);
        expect(last?.ip).toBeNull();
        expect(trace.target).toBe(last?.host);
      } else if (trace.tool !== 'tracepath' || trace.target !== null) {
        if (operand?.endsWith('.mini.test')) {
          expect(trace.targetHost).toBe(operand);
        } else {
          expect(trace.target).toBe(operand);
        }
      }
      // TTLs rise, and a probe that answered has a time (mtr's extra responders aside).
      const ttls = trace.hops.map((h) => h.ttl);
      expect(ttls).toEqual([...ttls].sort((a, b) => a - b));
      for (const hop of trace.hops) {
        for (const [i, p] of hop.probes.entries()) {
          if (p.ip !== null && !(trace.tool === 'mtr' && i > 0)) expect(p.rttMs).not.toBeNull();
        }
      }
    },
  );
});

/** The responders of each hop, in order, without repeats: what a person reads off a trace. */
function responders(trace: ParsedTrace): string[][] {
  return trace.hops.map((h) => [
    ...new Set(h.probes.map((p) => p.ip ?? p.host ?? '*').filter((a) => a !== '*')),
  ]);
}

describe('scenarios of shared/scenarios.md, with every tool', () => {
  const byName = (re: RegExp): string[] => manifest.map((m) => m.file).filter((f) => re.test(f));

  it.each(byName(/-s1(?:-(?:n|b|icmp|tcp|resolve|columns|asn))?\.txt$/))(
    'S1 %s: 10.244.2.1, 192.168.56.11, 10.244.1.3',
    (file) => {
      expect(responders(parseFixture(file))).toEqual([
        ['10.244.2.1'],
        ['192.168.56.11'],
        ['10.244.1.3'],
      ]);
    },
  );

  it.each(byName(/-s1b\.txt$/))('S1b %s: one hop, the pod itself', (file) => {
    expect(responders(parseFixture(file))).toEqual([['10.244.1.3']]);
  });

  it.each(byName(/-s5\.txt$/))('S5 %s: 10.244.2.1, then nothing answers', (file) => {
    const r = responders(parseFixture(file));
    expect(r[0]).toEqual(['10.244.2.1']);
    expect(r.length).toBeGreaterThan(1);
    expect(r.slice(1).every((hop) => hop.length === 0)).toBe(true);
  });

  it('S5 from node-2 itself: through the router to legacy-db', () => {
    expect(responders(parseFixture('traceroute-s5-node.txt'))).toEqual([
      ['192.168.56.1'],
      ['192.168.2.10'],
    ]);
  });
});
