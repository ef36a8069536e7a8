import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoScenario } from '../scenarios/demo';
import { runContainer, sandbox } from './lab-test-support';
import { hopShape, readRecording, type Recording } from './recording';
import { createReplayRuntime } from './replay';
import { parseNetnsList } from './teardown';

const dir = mkdtempSync(path.join(os.tmpdir(), 'podpath-replay-test-'));
const article =
  ' 1  10.244.2.1 (10.244.2.1)  0.007 ms  0.008 ms  0.004 ms\n 2  192.168.56.11 (192.168.56.11)  0.575 ms  0.411 ms  0.396 ms\n 3  10.244.1.3 (10.244.1.3)  0.614 ms  0.580 ms  0.498 ms\n';
const recording: Recording = {
  scenario: 'demo',
  note: 'test',
  recordedAt: '2026-11-21T00:00:00Z',
  entries: [
    {
      node: 'node-2',
      source: 'pod',
      image: 'busybox',
      argv: ['traceroute', '10.244.1.3'],
      exitCode: 0,
      output: [
        {
          stream: 'stdout',
          text: `traceroute to 10.244.1.3 (10.244.1.3), 30 hops max, 46 byte packets\n${article}`,
        },
      ],
    },
  ],
};
writeFileSync(path.join(dir, 'demo.json'), JSON.stringify(recording));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay runtime', () => {
  it('replays a recorded probe with its output and exit code', async () => {
    const runtime = createReplayRuntime(demoScenario, dir);
    expect(runtime.kind).toBe('replay');
    const spec = sandbox('default', 'traceroute', 'node-2', { podIP: '10.244.2.9' });
    await runtime.createSandbox(spec);
    const run = await runContainer(runtime, {
      sandbox: spec,
      image: 'busybox:1.36',
      argv: ['traceroute', '10.244.1.3'],
    });
    expect(run.exit).toEqual({ exitCode: 0, reason: 'Completed' });
    expect(run.stdout).toContain('2  192.168.56.11');
  });

  it('says plainly when nothing was recorded, and refuses what the lab refuses', async () => {
    const runtime = createReplayRuntime(demoScenario, dir);
    const spec = sandbox('default', 'x', 'node-1', { podIP: '10.244.1.9' });
    await expect(
      runtime.startContainer({
        sandbox: spec,
        name: 'p',
        image: 'busybox',
        argv: ['traceroute', '10.9.9.9'],
        longRunning: false,
      }),
    ).rejects.toThrow(/nothing was recorded/);
    await expect(
      runtime.startContainer({
        sandbox: spec,
        name: 'p',
        image: 'nginx',
        argv: ['nginx'],
        longRunning: false,
      }),
    ).rejects.toThrow(/not available in the lab/);
  });

  it('ships recordings for every scenario in the repository', () => {
    for (const name of ['demo', 'k3s'])
      expect(readRecording(name)?.entries.length).toBeGreaterThan(20);
  });
});

describe('hopShape', () => {
  it('keeps TTLs, addresses, stars and annotations, drops names and RTTs', () => {
    expect(hopShape(article)).toEqual(['1: 10.244.2.1', '2: 192.168.56.11', '3: 10.244.1.3']);
    expect(hopShape(' 1  10.244.2.1  0.1 ms\n 2  *\n 3  10.96.0.1  0.2 ms !N\n')).toEqual([
      '1: 10.244.2.1',
      '2: *',
      '3: 10.96.0.1 !N',
    ]);
  });
});

describe('parseNetnsList', () => {
  it('reads names from ip netns list, with or without ids', () => {
    expect(parseNetnsList('pp0abc-n1 (id: 3)\npp0abc-sw\n\n')).toEqual(['pp0abc-n1', 'pp0abc-sw']);
  });
});
