import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTracerouteCommand, PARSE_TRACEROUTE_USAGE } from './parse-traceroute';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../traceroute/__fixtures__',
);
const tmp = mkdtempSync(path.join(tmpdir(), 'podpath-parse-traceroute-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], stdin: string | Buffer = '') {
  let stdout = '';
  let stderr = '';
  const code = await parseTracerouteCommand(args, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

const S1 = [
  'traceroute to 10.244.1.3 (10.244.1.3), 30 hops max, 46 byte packets',
  ' 1  10.244.2.1  0.004 ms  0.002 ms  0.001 ms',
  ' 2  192.168.56.11  0.001 ms  0.001 ms  0.001 ms',
  ' 3  10.244.1.3  0.001 ms  0.001 ms  0.001 ms',
  '',
].join('\n');

describe('podpath parse-traceroute', () => {
  it("prints the contract's JSON for a file", async () => {
    const file = path.join(tmp, 's5.txt');
    writeFileSync(
      file,
      [
        'traceroute to 192.168.2.10 (192.168.2.10), 6 hops max, 46 byte packets',
        ' 1  10.244.2.1  0.004 ms  0.002 ms  0.001 ms',
        ' 2  *  *  *',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await run([file]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(out).slice(0, 2)).toEqual(['target', 'targetHost']);
    expect(out).toMatchObject({ target: '192.168.2.10', tool: 'busybox', maxHops: 6 });
    expect((out.hops as unknown[])[0]).toEqual({
      ttl: 1,
      probes: [
        { ip: '10.244.2.1', host: null, rttMs: 0.004, annotation: null },
        { ip: '10.244.2.1', host: null, rttMs: 0.002, annotation: null },
        { ip: '10.244.2.1', host: null, rttMs: 0.001, annotation: null },
      ],
    });
    expect((out.hops as unknown[])[1]).toEqual({
      ttl: 2,
      probes: Array(3).fill({ ip: null, host: null, rttMs: null, annotation: null }),
    });
  });

  it('reads stdin without FILE and with -', async () => {
    for (const args of [[], ['-']]) {
      const { code, stdout } = await run(args, S1);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ target: '10.244.1.3', tool: 'busybox' });
    }
  });

  it('keeps mtr statistics and prints warnings on stderr too', async () => {
    const { code, stdout, stderr } = await run([path.join(FIXTURES, 'mtr-names-b.txt')]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { hops: { stats?: unknown }[]; warnings: string[] };
    expect(out.hops[0]?.stats).toMatchObject({ lossPercent: 0, sent: 2 });
    expect(out.warnings).toHaveLength(4);
    expect(stderr.split('\n').filter(Boolean)).toEqual(
      out.warnings.map((w) => `podpath parse-traceroute: warning: ${w}`),
    );
  });

  it('reads UTF-16 with a byte order mark (PowerShell redirects)', async () => {
    const file = path.join(tmp, 'utf16.txt');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(S1, 'utf16le')]));
    const { code, stdout } = await run([file]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ target: '10.244.1.3' });
  });

  it('answers 2 when there is no trace', async () => {
    const empty = await run([], '');
    expect(empty).toEqual({
      code: 2,
      stdout: '',
      stderr: 'podpath parse-traceroute: no traceroute, mtr or tracepath output found in stdin\n',
    });
    const noHops = await run(
      [],
      'traceroute to 10.0.0.1 (10.0.0.1), 30 hops max, 60 byte packets\n',
    );
    expect(noHops.code).toBe(2);
    expect(noHops.stderr).toBe(
      'podpath parse-traceroute: the traceroute output has no hops in stdin\n',
    );
    const noise = await run([path.join(FIXTURES, 'hand-no-trace.txt')]);
    expect(noise.code).toBe(2);
  });

  it('answers 2 for input it cannot read', async () => {
    const missing = await run([path.join(tmp, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.txt: no such file/);
    expect((await run([tmp])).stderr).toMatch(/is a directory/);
    const binary = path.join(tmp, 'binary.bin');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    expect(await run([binary])).toMatchObject({ code: 2, stdout: '' });
  });

  it('answers 2 with the usage for bad arguments, 0 for --help', async () => {
    const two = await run(['a.txt', 'b.txt']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain(PARSE_TRACEROUTE_USAGE);
    const flag = await run(['--json']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--json'/);
    expect(await run(['--help'])).toEqual({ code: 0, stdout: PARSE_TRACEROUTE_USAGE, stderr: '' });
  });
});
