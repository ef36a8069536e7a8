/**
 * Teardown that always leaves nothing behind: every process inside a lab namespace is killed,
 * every namespace deleted (which destroys its links, bridges and rules with it), every
 * /etc/netns/<ns> directory removed. A lab records its owner pid before it creates anything, so
 * a later run can sweep the leftovers of a run that was killed (SIGKILL leaves no handler).
 * Exit and signal handlers tear down labs of this process synchronously.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LAB_PREFIX_PATTERN } from './names';
import { run, runSync } from './process';

const OWNER_DIR = '/run/podpath-lab';

/** Where a lab keeps the pages its listeners serve (removed with the lab). */
export function labWebRoot(prefix: string): string {
  return path.join(os.tmpdir(), `podpath-${prefix.replace(/-$/, '')}`);
}
export const ETC_NETNS = '/etc/netns';

/** Namespace names from `ip netns list` output. */
export function parseNetnsList(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0);
}

/** Namespaces that belong to the lab with this prefix. */
export async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  const result = await run(['ip', 'netns', 'list']);
  return parseNetnsList(result.stdout).filter((n) => n.startsWith(prefix));
}

function namespacesWithPrefixSync(prefix: string): string[] {
  return parseNetnsList(runSync(['ip', 'netns', 'list']).stdout).filter((n) =>
    n.startsWith(prefix),
  );
}

function killPids(output: string): void {
  for (const line of output.split('\n')) {
    const pid = Number(line.trim());
    if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function removeEtcNetns(names: string[]): void {
  for (const name of names) rmSync(path.join(ETC_NETNS, name), { recursive: true, force: true });
  try {
    if (existsSync(ETC_NETNS) && readdirSync(ETC_NETNS).length === 0) rmdirSync(ETC_NETNS);
  } catch {
    // another lab still uses it
  }
}

/** Records this process as the owner of a lab prefix, before anything is created. */
export function claimPrefix(prefix: string): void {
  mkdirSync(OWNER_DIR, { recursive: true });
  writeFileSync(path.join(OWNER_DIR, prefix.replace(/-$/, '')), `${process.pid}\n`, { flag: 'wx' });
}

function releasePrefix(prefix: string): void {
  rmSync(path.join(OWNER_DIR, prefix.replace(/-$/, '')), { force: true });
  try {
    if (readdirSync(OWNER_DIR).length === 0) rmdirSync(OWNER_DIR);
  } catch {
    // gone or shared
  }
}

/** Deletes every namespace of a lab prefix and whatever ran in them. */
export async function destroyLab(prefix: string): Promise<void> {
  const names = await namespacesWithPrefix(prefix);
  const pidLists = await Promise.all(names.map((n) => run(['ip', 'netns', 'pids', n])));
  for (const list of pidLists) killPids(list.stdout);
  if (names.length > 0) {
    await run(['ip', '-force', '-batch', '-'], {
      input: names.map((n) => `netns delete ${n}\n`).join(''),
    });
  }
  removeEtcNetns(names);
  rmSync(labWebRoot(prefix), { recursive: true, force: true });
  const left = await namespacesWithPrefix(prefix);
  if (left.length > 0) throw new Error(`lab ${prefix} teardown left namespaces: ${left.join(' ')}`);
  releasePrefix(prefix);
}

/** The same, synchronously, for process exit and signal handlers. */
export function destroyLabSync(prefix: string): void {
  const names = namespacesWithPrefixSync(prefix);
  for (const n of names) killPids(runSync(['ip', 'netns', 'pids', n]).stdout);
  if (names.length > 0) {
    runSync(['ip', '-force', '-batch', '-'], names.map((n) => `netns delete ${n}\n`).join(''));
  }
  removeEtcNetns(names);
  rmSync(labWebRoot(prefix), { recursive: true, force: true });
  releasePrefix(prefix);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes labs whose owner process is gone (a run killed with SIGKILL). Labs of live
 * processes, including parallel runs, are left alone. Returns the prefixes swept.
 */
export async function sweepStaleLabs(): Promise<string[]> {
  const all = parseNetnsList((await run(['ip', 'netns', 'list'])).stdout);
  const prefixes = new Set(all.map((n) => n.slice(0, 7)).filter((p) => LAB_PREFIX_PATTERN.test(p)));
  const swept: string[] = [];
  for (const prefix of prefixes) {
    const owner = path.join(OWNER_DIR, prefix.replace(/-$/, ''));
    let pid = 0;
    try {
      pid = Number(readFileSync(owner, 'utf8').trim());
    } catch {
      pid = 0;
    }
    if (pid > 0 && alive(pid)) continue;
    await destroyLab(prefix);
    swept.push(prefix);
  }
  return swept;
}

const live = new Set<string>();
let handlersInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const prefix of live) destroyLabSync(prefix);
  live.clear();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  // Only take over the signal's default (exit) when nobody else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Tears the lab down on exit, SIGINT and SIGTERM until `forgetLab` is called. */
export function rememberLab(prefix: string): void {
  live.add(prefix);
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const p of live) destroyLabSync(p);
    live.clear();
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function forgetLab(prefix: string): void {
  live.delete(prefix);
}
