import { describe, expect, it } from 'vitest';
import { createNullRuntime } from './null-runtime';
import type { ContainerSpec } from './types';

const sandbox = {
  namespace: 'default',
  name: 'p',
  uid: 'u',
  nodeName: 'node-1',
  hostNetwork: false,
  listenPorts: [],
};

describe('null runtime', () => {
  it('refuses a probe command with a plain reason instead of inventing output', async () => {
    const rt = createNullRuntime();
    const spec: ContainerSpec = {
      sandbox,
      name: 'c',
      image: 'busybox',
      argv: ['traceroute', '10.244.1.3'],
      longRunning: false,
    };
    await expect(rt.startContainer(spec)).rejects.toThrow(/runs no containers/);
  });

  it('keeps a long-running container alive until it is stopped', async () => {
    const rt = createNullRuntime();
    const c = await rt.startContainer({
      sandbox,
      name: 'c',
      image: 'nginx',
      argv: [],
      longRunning: true,
    });
    let done = false;
    void c.exited.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    await c.stop();
    await expect(c.exited).resolves.toMatchObject({ exitCode: 0, reason: 'Completed' });
  });
});
