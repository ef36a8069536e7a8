/**
 * pods/log: the API server's container choice (LogLocation) and the kubelet's answer from the
 * container's status, then the text the controllers' LogSource holds, plain or followed.
 */
import type { ServerResponse } from 'node:http';
import { badRequest } from './status';
import type { KubeObject } from './store';

/** The controllers' view of container output (agreed interface, see controllers/index.ts). */
export interface LogSource {
  read(namespace: string, pod: string, container: string): string | undefined;
  follow(
    namespace: string,
    pod: string,
    container: string,
    onChunk: (text: string) => void,
    onEnd: () => void,
  ): () => void;
}

export interface LogQuery {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const names = (v: unknown) => list(v).map((c) => String(c.name));

/** Resolves which container a log request is for, with LogLocation's 400 answers. */
export function chooseContainer(pod: KubeObject, requested: string | undefined): string {
  const spec = isObj(pod.spec) ? pod.spec : {};
  const name = pod.metadata.name;
  if (!requested) {
    const containers = names(spec.containers);
    if (containers.length === 1 && containers[0] !== undefined) return containers[0];
    if (containers.length === 0) {
      throw badRequest(`a container name must be specified for pod ${name}`);
    }
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    const init = names(spec.initContainers);
    if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
    throw badRequest(message);
  }
  const all = [
    ...names(spec.containers),
    ...names(spec.initContainers),
    ...names(spec.ephemeralContainers),
  ];
  if (!all.includes(requested))
    throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

function containerStatus(pod: KubeObject, container: string): Obj | undefined {
  const status = isObj(pod.status) ? pod.status : {};
  for (const key of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    const found = list(status[key]).find((s) => s.name === container);
    if (found) return found;
  }
  return undefined;
}

/**
 * The kubelet's validateContainerLogStatus: a container that has not started answers 400 with
 * the waiting reason. Returns the time the container's current instance started, if known.
 */
export function checkLogStatus(
  pod: KubeObject,
  container: string,
  previous: boolean,
): string | undefined {
  const podName = pod.metadata.name;
  const status = containerStatus(pod, container);
  if (!status) throw badRequest(`container "${container}" in pod "${podName}" is not available`);
  const state = isObj(status.state) ? status.state : {};
  const last = isObj(status.lastState) ? status.lastState : {};
  if (previous) {
    if (!isObj(last.terminated)) {
      throw badRequest(
        `previous terminated container "${container}" in pod "${podName}" not found`,
      );
    }
    throw badRequest(
      `previous terminated container "${container}" in pod "${podName}": this cluster keeps no logs of earlier container instances`,
    );
  }
  if (isObj(state.running)) return str(state.running.startedAt);
  if (isObj(state.terminated)) return str(state.terminated.startedAt);
  if (isObj(last.terminated)) return str(last.terminated.startedAt);
  if (isObj(state.waiting)) {
    const reason = String(state.waiting.reason ?? '');
    if (reason === 'ErrImagePull') {
      throw badRequest(
        `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`,
      );
    }
    if (reason === 'ImagePullBackOff') {
      throw badRequest(
        `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`,
      );
    }
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  throw badRequest(
    `container "${container}" in pod "${podName}" is waiting to start - no logs yet`,
  );
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The last `n` lines of `text` (a final line without a newline counts). */
export function tail(text: string, n: number): string {
  if (n <= 0) return '';
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const kept = lines.slice(-n);
  return kept.length === 0 ? '' : kept.join('\n') + (text.endsWith('\n') ? '\n' : '');
}

/** RFC 3339 with nanoseconds, as the kubelet prefixes each line when timestamps=true. */
function nanoTime(iso: string | undefined): string {
  const d = iso ? new Date(iso) : new Date();
  const base = (Number.isNaN(d.getTime()) ? new Date() : d).toISOString();
  return base.replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** Writes one pod log answer: the text so far and, when following, everything until exit. */
export function serveLog(
  pod: KubeObject,
  container: string,
  startedAt: string | undefined,
  query: LogQuery,
  logs: LogSource,
  res: ServerResponse,
  track: (end: () => void) => () => void,
): void {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name;
  let budget = query.limitBytes ?? Infinity;
  let atLineStart = true;
  const stamp = (text: string, when: string | undefined): string => {
    if (!query.timestamps || text === '') return text;
    let out = '';
    for (const piece of text.split(/(?<=\n)/)) {
      if (atLineStart) out += `${nanoTime(when)} `;
      out += piece;
      atLineStart = piece.endsWith('\n');
    }
    return out;
  };
  const emit = (text: string): boolean => {
    if (budget <= 0) return false;
    const bytes = Buffer.from(text);
    const slice = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
    budget -= slice.length;
    if (slice.length > 0) res.write(slice);
    return budget > 0;
  };

  let text = logs.read(ns, name, container) ?? '';
  if (query.tailLines !== undefined) text = tail(text, query.tailLines);
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    ...(query.follow ? { 'Transfer-Encoding': 'chunked' } : {}),
  });
  const more = emit(stamp(text, startedAt));
  if (!query.follow || !more) {
    res.end();
    return;
  }
  let ended = false;
  let unsubscribe: () => void = () => {};
  let untrack: () => void = () => {};
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    untrack();
    res.end();
  };
  untrack = track(end);
  res.on('close', end);
  unsubscribe = logs.follow(
    ns,
    name,
    container,
    (chunk) => {
      if (!ended && !emit(stamp(chunk, undefined))) end();
    },
    () => end(),
  );
  if (ended) unsubscribe();
}
