import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DemoLabInfo } from '../../testbed/demo-cluster';

const run = promisify(execFile);

/** The data dir of the e2e server with the live lab (playwright.config.ts). */
export const DEMO_DATA_DIR = path.resolve('test-results', 'demo-data');
export const DEMO_KUBECONFIG = path.join(DEMO_DATA_DIR, 'demo.kubeconfig');

async function labInfo(): Promise<DemoLabInfo> {
  return JSON.parse(
    await readFile(path.join(DEMO_DATA_DIR, 'demo.lab.json'), 'utf8'),
  ) as DemoLabInfo;
}

/**
 * Runs a command "on the node" of the demo cluster, as an operator would over ssh: inside the
 * node's network namespace of the lab. argv only, never a shell.
 */
export async function onNode(node: string, argv: string[]): Promise<string> {
  const ns = (await labInfo()).nodes[node];
  if (!ns) throw new Error(`the demo lab has no node ${node}`);
  const { stdout } = await run('ip', ['netns', 'exec', ns, ...argv]);
  return stdout;
}

/** kubectl against the e2e demo cluster. */
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', args, {
    env: { ...process.env, KUBECONFIG: DEMO_KUBECONFIG },
  });
  return stdout;
}
