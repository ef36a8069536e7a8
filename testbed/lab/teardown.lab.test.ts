/**
 * Lab rules: nothing touches the root namespace and teardown leaves nothing behind, whether the
 * lab is closed, its process gets SIGTERM, or it is killed outright (the next run sweeps it).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoScenario } from '../scenarios/demo';
import {
  assertRoot,
  labTestsOff,
  quickTraceroute,
  runContainer,
  sandbox,
} from './lab-test-support';
import { startLab } from './lab';
import { run } from './process';
import { scenarioServiceObjects } from './scenario-objects';
import { namespacesWithPrefix, sweepStaleLabs } from './teardown';

/** Everything a lab could leak into, read from the root namespace and the file system. */
async function snapshot(): Promise<Record<string, string>> {
  const text = async (argv: string[]) => {
    const r = await run(argv);
    return `${r.code}\n${r.stdout}`;
  };
  const dir = (p: string) => (existsSync(p) ? readdirSync(p).sort().join(' ') : '(none)');
  return {
    netns: await text(['ip', 'netns', 'list']),
    links: await text(['ip', '-o', 'link']),
    addresses: await text(['ip', '-o', 'addr']),
    routes: await text(['ip', 'route', 'show', 'table', 'all']),
    iptables: (await text(['iptables-save'])).replace(/^#.*$/gm, '').replace(/\[\d+:\d+\]/g, ''),
    iptablesLegacy: (await text(['iptables-legacy-save'])).replace(/^#.*$/gm, ''),
    nft: await text(['nft', 'list', 'ruleset']),
    etcNetns: dir('/etc/netns'),
    runNetns: dir('/run/netns'),
    owners: dir('/run/podpath-lab'),
    webRoots: readdirSync(os.tmpdir())
      .filter((f) => /^podpath-pp[0-9a-f]{4}$/.test(f))
      .sort()
      .join(' '),
    forwarding: await text(['sysctl', '-n', 'net.ipv4.ip_forward']),
  };
}

function holdLab(): Promise<{ prefix: string; child: ReturnType<typeof spawn> }> {
  const holder = fileURLToPath(new URL('./lab-holder.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', holder, 'demo'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^ready (pp[0-9a-f]{4}-)$/.exec(line);
      if (m) resolve({ prefix: m[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`lab holder exited with ${code}`)));
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on('exit', () => resolve());
  });
}

describe.skipIf(labTestsOff)('lab teardown', () => {
  it('close() leaves the root namespace, /etc/netns and the rules exactly as they were', async () => {
    assertRoot();
    const before = await snapshot();
    const lab = await startLab(demoScenario);
    const during = await namespacesWithPrefix(lab.prefix);
    expect(during.length).toBeGreaterThan(10);
    const objects = scenarioServiceObjects(demoScenario);
    await lab.syncServices(objects.services, objects.endpointSlices);
    const spec = sandbox('default', 'probe', 'node-2', { podIP: '10.244.2.30' });
    await lab.runtime.createSandbox(spec);
    await runContainer(lab.runtime, {
      sandbox: spec,
      image: 'busybox',
      argv: quickTraceroute('10.244.1.3'),
    });
    const hostNet = sandbox('default', 'hn', 'node-1', {
      hostNetwork: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
    });
    await lab.runtime.createSandbox(hostNet);
    await runContainer(lab.runtime, {
      sandbox: hostNet,
      image: 'ghcr.io/podpath/probe',
      argv: ['nslookup', 'httpd'],
    });
    await lab.applyFix({ kind: 'masquerade-pod-egress' });
    await lab.applyFix({ kind: 'hairpin-mode' });
    // Only lab namespaces were touched while it ran.
    expect(await snapshot()).toEqual({
      ...before,
      netns: expect.any(String),
      runNetns: expect.any(String),
      etcNetns: expect.any(String),
      owners: expect.any(String),
      webRoots: expect.any(String),
    });
    await lab.close();
    await lab.close(); // idempotent
    expect(await snapshot()).toEqual(before);
  });

  it('SIGTERM tears the lab down; after SIGKILL the next run sweeps it', async () => {
    assertRoot();
    const before = await snapshot();
    const term = await holdLab();
    expect((await namespacesWithPrefix(term.prefix)).length).toBeGreaterThan(0);
    term.child.kill('SIGTERM');
    await exited(term.child);
    expect(await namespacesWithPrefix(term.prefix)).toEqual([]);

    const killed = await holdLab();
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    expect((await namespacesWithPrefix(killed.prefix)).length).toBeGreaterThan(0);
    expect(await sweepStaleLabs()).toContain(killed.prefix);
    expect(await namespacesWithPrefix(killed.prefix)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
