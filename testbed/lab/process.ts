/**
 * Running the lab's commands: always an argv array through spawn (never a shell), with input
 * fed on stdin for `ip -batch -` and `iptables-restore`.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs argv to completion. A missing program resolves with code 127, as a shell would report. */
export function run(
  argv: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: `${file}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 + signalNumber(signal) : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs argv and throws with its stderr when it fails. */
export async function runOk(argv: string[], opts: { input?: string } = {}): Promise<string> {
  const result = await run(argv, opts);
  if (result.code !== 0) {
    const detail = opts.input ? `\ninput:\n${opts.input}` : '';
    throw new Error(`${argv.join(' ')} failed (${result.code}): ${result.stderr.trim()}${detail}`);
  }
  return result.stdout;
}

/** Synchronous variant for exit handlers, where no promise will ever settle. */
export function runSync(argv: string[], input?: string): RunResult {
  const [file, ...args] = argv;
  const result = spawnSync(file ?? 'false', args, { input: input ?? '', encoding: 'utf8' });
  return {
    code: result.status ?? 1,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? (result.error ? String(result.error) : ''),
  };
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** The number of a signal name (for the 128+n exit status convention). */
export function signalNumber(signal: string): number {
  return SIGNALS[signal] ?? 1;
}

/** argv that enters a lab namespace without a mount namespace (fast; for lab plumbing). */
export function inNetns(ns: string, argv: string[]): string[] {
  return ['nsenter', `--net=/run/netns/${ns}`, '--', ...argv];
}

/**
 * argv that runs a program the way `ip netns exec` does, so that /etc/netns/NS/resolv.conf
 * becomes the program's /etc/resolv.conf (for commands a pod or a user runs).
 */
export function netnsExec(ns: string, argv: string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}
