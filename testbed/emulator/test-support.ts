/**
 * Helpers for the emulator's tests: a small in-memory ContainerRuntime and HTTPS requests that
 * trust the emulator's CA. Not a test file itself; imported by the *.test.ts files here.
 */
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type {
  ContainerExit,
  ContainerRuntime,
  ContainerSpec,
  RunningContainer,
  SandboxSpec,
} from '../runtime/types';
import { demoScenario } from '../scenarios/demo';
import { startEmulator, type Emulator, type EmulatorOptions } from './index';

export interface ContainerControl {
  write(text: string): void;
  exit(exitCode?: number): void;
}

export interface FakeRuntime extends ContainerRuntime {
  /** Containers started so far, in order. */
  started: ContainerSpec[];
  /** Holds sandbox creation of the named pod until the returned function is called. */
  holdSandbox(podName: string): () => void;
  /** The live container `pod/container`, to make it print or exit. */
  control(pod: string, container: string): ContainerControl | undefined;
}

/**
 * A runtime whose short-lived containers print `output(spec)` and exit 0, while long-running
 * ones, and those whose command is `hold`, run until stopped or told to exit through control().
 * Nothing touches the host.
 */
export function createFakeRuntime(
  output: (spec: ContainerSpec) => string = (spec) => `ran: ${spec.argv.join(' ')}\n`,
): FakeRuntime {
  const gates = new Map<string, Promise<void>>();
  const started: ContainerSpec[] = [];
  const live = new Map<string, ContainerControl>();
  return {
    kind: 'replay',
    started,
    control: (pod, container) => live.get(`${pod}/${container}`),
    holdSandbox(podName) {
      let release!: () => void;
      gates.set(
        podName,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
      return () => release();
    },
    async createSandbox(spec: SandboxSpec) {
      await gates.get(spec.name);
    },
    async removeSandbox() {},
    async startContainer(spec: ContainerSpec): Promise<RunningContainer> {
      started.push(spec);
      const listeners: ((chunk: Buffer, stream: 'stdout' | 'stderr') => void)[] = [];
      let finish!: (exit: ContainerExit) => void;
      const exited = new Promise<ContainerExit>((resolve) => {
        finish = resolve;
      });
      const key = `${spec.sandbox.name}/${spec.name}`;
      live.set(key, {
        write: (text) => {
          for (const l of listeners) l(Buffer.from(text), 'stdout');
        },
        exit: (exitCode = 0) =>
          finish({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' }),
      });
      void exited.then(() => live.delete(key));
      if (!spec.longRunning && spec.argv[0] !== 'hold') {
        setTimeout(() => {
          for (const l of listeners) l(Buffer.from(output(spec)), 'stdout');
          setTimeout(() => finish({ exitCode: 0, reason: 'Completed' }), 10);
        }, 10);
      }
      return {
        onOutput(listener) {
          listeners.push(listener);
        },
        exited,
        async stop() {
          finish({ exitCode: 137, reason: 'Error' });
        },
      };
    },
    async close() {},
  };
}

/** Starts the demo scenario with a fake runtime and fast kubelet pacing. */
export async function startTestEmulator(
  overrides: Partial<EmulatorOptions> = {},
): Promise<{ emulator: Emulator; runtime: FakeRuntime }> {
  const runtime = (overrides.runtime as FakeRuntime | undefined) ?? createFakeRuntime();
  const emulator = await startEmulator({
    scenario: demoScenario,
    runtime,
    kubeletTiming: { stepDelayMs: 1, backoffBaseMs: 60_000, backoffMaxMs: 60_000 },
    ...overrides,
  });
  await emulator.settled();
  return { emulator, runtime };
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  // Tests read arbitrary JSON; typing every response would hide nothing here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Token to send; the emulator's own unless given, none when null. */
  token?: string | null;
}

/** One HTTPS request to the emulator, trusting its CA. */
export function api(
  emulator: Emulator,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<Reply> {
  const url = new URL(path, emulator.url);
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const token = opts.token === undefined ? emulator.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
    // Node sends DELETE bodies unchunked, so the length must be given.
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: emulator.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** An open streaming response (watch or followed log) read line by line. */
export interface Stream {
  status: number;
  /** Every complete line received so far. */
  lines: string[];
  /** Resolves with the lines once `done(lines)` holds, or rejects after `timeoutMs`. */
  until(done: (lines: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a streaming GET (watch=1 or follow=true) and collects its lines. */
export function stream(emulator: Emulator, path: string): Promise<Stream> {
  const url = new URL(path, emulator.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'GET',
        headers: { Authorization: `Bearer ${emulator.token}`, Accept: 'application/json' },
        ca: emulator.caPem,
      },
      (res) => {
        const lines: string[] = [];
        const waiters = new Set<() => void>();
        let buffer = '';
        let endedResolve!: () => void;
        const ended = new Promise<void>((r) => {
          endedResolve = r;
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            lines.push(buffer.slice(0, nl));
            buffer = buffer.slice(nl + 1);
          }
          for (const w of [...waiters]) w();
        });
        res.on('end', () => {
          if (buffer) lines.push(buffer);
          endedResolve();
          for (const w of [...waiters]) w();
        });
        res.on('error', () => endedResolve());
        resolve({
          status: res.statusCode ?? 0,
          lines,
          ended,
          close: () => req.destroy(),
          until(done, timeoutMs = 5000) {
            return new Promise((ok, fail) => {
              const check = () => {
                if (done(lines)) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  ok(lines);
                }
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(new Error(`stream condition not met; got:\n${lines.join('\n')}`));
              }, timeoutMs);
              waiters.add(check);
              check();
            });
          },
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Parses watch event lines. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function events(lines: string[]): { type: string; object: any }[] {
  return lines
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { type: string; object: unknown });
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
