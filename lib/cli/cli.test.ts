/**
 * The command line as users run it: bin/podpath.mjs spawned for real (tsx, react-server
 * condition and all), on the article's traceroute and a saved dump of the demo cluster.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'podpath.mjs');
const fixture = (name: string) => path.join(root, 'lib', 'cli', '__fixtures__', name);
const demoObjects = path.join(root, 'lib', 'topology', '__fixtures__', 'demo-objects.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function podpath(
  args: string[],
  opts: { input?: string; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: opts.cwd ?? root,
        // Next's types make NODE_ENV required; the child does not need it.
        env: (opts.env ?? process.env) as NodeJS.ProcessEnv,
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number) : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

describe('podpath CLI', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'podpath-cli-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints its usage with --help and exits 0; with nothing it exits 2', async () => {
    const help = await podpath(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('podpath COMMAND');
    for (const cmd of ['trace FROM TO', 'parse-traceroute', 'analyze --objects']) {
      expect(help.stdout).toContain(cmd);
    }
    const none = await podpath([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage:');
  });

  it('parse-traceroute reads the article output from a file and from stdin', async () => {
    const file = await podpath(['parse-traceroute', fixture('s1-article-traceroute.txt')]);
    expect(file.code).toBe(0);
    const parsed = JSON.parse(file.stdout) as {
      target: string;
      hops: { ttl: number; probes: { ip: string; rttMs: number }[] }[];
    };
    expect(parsed.target).toBe('10.244.1.3');
    expect(parsed.hops.map((h) => [h.ttl, h.probes[0]?.ip, h.probes.length])).toEqual([
      [1, '10.244.2.1', 3],
      [2, '192.168.56.11', 3],
      [3, '10.244.1.3', 3],
    ]);
    expect(parsed.hops[1]?.probes[0]?.rttMs).toBe(0.575);

    // Run from another directory: the command finds its own sources wherever it is called.
    const stdin = await podpath(['parse-traceroute'], {
      input: ' 1  10.244.2.1  0.041 ms\n 2  192.168.56.11  0.575 ms\n',
      cwd: scratch,
    });
    expect(stdin.code).toBe(0);
    expect((JSON.parse(stdin.stdout) as { hops: unknown[] }).hops).toHaveLength(2);
  });

  it('analyze gives the six-element S1 path, all green, from a dump and the article trace', async () => {
    const run = await podpath(
      [
        'analyze',
        '--objects',
        path.relative(scratch, demoObjects),
        '--from',
        'pod:default/web-client',
        '--to',
        'pod:default/httpd',
        '--traceroute',
        path.relative(scratch, fixture('s1-article-traceroute.txt')),
        '--json',
      ],
      { cwd: scratch },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      status: string;
      path: { id: string }[];
      links: { state: string }[];
      hops: { ip: string; entity: { kind: string; name?: string; node?: string } }[];
    };
    expect(result.status).toBe('reachable');
    expect(result.path.map((p) => p.id)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'node-2/eth1',
      'node-1/eth1',
      'node-1/cni0',
      'pod:default/httpd',
    ]);
    expect(result.links.map((l) => l.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(result.hops.map((h) => [h.ip, h.entity.kind, h.entity.name])).toEqual([
      ['10.244.2.1', 'interface', 'cni0'],
      ['192.168.56.11', 'interface', 'eth1'],
      ['10.244.1.3', 'pod', 'httpd'],
    ]);

    const text = await podpath([
      'analyze',
      '--objects',
      demoObjects,
      '--from',
      'pod:default/web-client',
      '--to',
      'pod:default/httpd',
      '--traceroute',
      fixture('s1-article-traceroute.txt'),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('status: reachable');
    expect(text.stdout).toMatch(/node-2\/cni0 \(interface\)/);
  });

  it('analyze exits 1 for an unreachable trace (S5) and 2 with no evidence at all', async () => {
    const s5 = await podpath([
      'analyze',
      '--objects',
      demoObjects,
      '--from',
      'pod:default/web-client',
      '--to',
      'ip:192.168.2.10',
      '--traceroute',
      fixture('s5-pod-traceroute.txt'),
      '--json',
    ]);
    expect(s5.code).toBe(1);
    const r = JSON.parse(s5.stdout) as { status: string; links: { state: string }[] };
    expect(r.status).toBe('unreachable');
    expect(r.links.some((l) => l.state === 'broken')).toBe(true);

    const expectedOnly = await podpath([
      'analyze',
      '--objects',
      demoObjects,
      '--from',
      'pod:default/web-client',
      '--to',
      'pod:default/httpd',
      '--json',
    ]);
    expect(expectedOnly.code).toBe(2);
    const e = JSON.parse(expectedOnly.stdout) as {
      path: { id: string }[];
      links: { state: string }[];
      error: { code: string };
    };
    expect(e.path).toHaveLength(6);
    expect(e.links.every((l) => l.state === 'unknown')).toBe(true);
    expect(e.error.code).toBe('no-evidence');
  });

  it('exits 2 on bad input, saying what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['analyze', '--from', 'pod:default/web-client', '--to', 'pod:default/httpd'], /--objects/],
      [
        ['analyze', '--objects', demoObjects, '--from', 'pod:default', '--to', 'pod:default/httpd'],
        /bad-reference/,
      ],
      [
        [
          'analyze',
          '--objects',
          demoObjects,
          '--from',
          'pod:default/nope',
          '--to',
          'pod:default/httpd',
        ],
        /not-found/,
      ],
      [
        ['analyze', '--objects', path.join(scratch, 'missing.json'), '--from', 'a', '--to', 'b'],
        /cannot read/,
      ],
      [
        ['analyze', '--objects', fixture('s1-article-traceroute.txt'), '--from', 'a', '--to', 'b'],
        /not JSON/,
      ],
      [['analyze', '--bogus'], /Unknown option/],
      [['parse-traceroute', path.join(scratch, 'missing.txt')], /missing\.txt/],
      [['frobnicate'], /unknown command/],
      [['trace', 'pod:default/web-client'], /exactly FROM and TO/],
      [['trace', 'pod:a/b', 'pod:c/d', '--strategy', 'telepathy'], /--strategy/],
    ];
    const runs = await Promise.all(cases.map(([args]) => podpath(args)));
    cases.forEach(([args, message], i) => {
      expect(runs[i]?.code, args.join(' ')).toBe(2);
      expect(runs[i]?.stderr, args.join(' ')).toMatch(message);
    });
  }, 120_000);

  it('trace without any cluster exits 2 and says how to get one', async () => {
    const run = await podpath(['trace', 'pod:default/web-client', 'pod:default/httpd'], {
      env: {
        PATH: process.env.PATH,
        HOME: scratch,
        KUBECONFIG: path.join(scratch, 'none'),
        PODPATH_DATA_DIR: scratch,
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no cluster to trace in/);
  });
});
