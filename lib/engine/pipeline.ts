/**
 * One trace from references to result: the stages of docs/architecture.md in order. Everything
 * but the probes is a pure function of the inventory snapshot taken when the trace started.
 */
import { ClusterError } from '../cluster/errors';
import type { InventorySnapshot } from '../inventory/types';
import { mergePath } from '../path';
import type { ProbeEvent, ProbeLimiter, ProbeOutcome, ProbeSource, ProbeSpec } from '../probes';
import { DEFAULT_PROBE_OPTIONS } from '../probes/types';
import { parseEndpointRef, resolveEndpoint, type ResolvedEndpoint } from '../refs';
import { resolveHops, type KnownHost } from '../resolve';
import { expectedPath } from '../topology';
import type { ExpectedPath } from '../topology/types';
import { parseTraceroute } from '../traceroute';
import type {
  ConnectSummary,
  PathElement,
  PathLink,
  TraceEndpoint,
  TraceHop,
  TraceResult,
} from '../trace/types';
import { parseConnectOutput } from '../probes/connect-output';
import { DEFAULT_CONNECT_COUNT } from './config';
import { parseNslookup } from './dns-output';
import { HopStream, toRawHops } from './hop-stream';
import { diagnose } from '../diagnosis/diagnose';
import type { ExtraProbeRequest, ExtraProbeResult, Rule } from '../diagnosis/types';
import type {
  ClusterAccess,
  EngineTraceResult,
  ProbeKind,
  ProbeRunner,
  RequestedStrategy,
  StartTraceInput,
  TraceEvent,
  TraceTimings,
} from './types';

/** What start() settles before answering: both ends resolved, the expected path drawn. */
export interface PreparedTrace {
  result: TraceResult;
  requested: RequestedStrategy;
  snapshot: InventorySnapshot;
  from: ResolvedEndpoint;
  to: ResolvedEndpoint;
  expected: ExpectedPath;
}

export interface PrepareOptions {
  id: string;
  createdAt: string;
  knownHosts: KnownHost[];
  readyTimeoutMs: number;
}

/** The contract's fields of an endpoint, without the inventory objects resolution attached. */
export function endpointView(e: ResolvedEndpoint): TraceEndpoint {
  const view: TraceEndpoint = { ref: e.ref, kind: e.kind, ip: e.ip, node: e.node };
  if (e.port !== undefined) view.port = e.port;
  if (e.namespace !== undefined) view.namespace = e.namespace;
  if (e.name !== undefined) view.name = e.name;
  if (e.hostNetwork !== undefined) view.hostNetwork = e.hostNetwork;
  return view;
}

/** Path elements as the result shows them (the topology's `answers` stay inside the engine). */
export function pathView(elements: ExpectedPath['elements']): PathElement[] {
  return elements.map(({ answers: _answers, ...el }) => el);
}

/** Links of a path nothing has been seen on yet. */
export function unknownLinks(count: number): PathLink[] {
  return Array.from({ length: Math.max(0, count - 1) }, (_, i) => ({
    from: i,
    to: i + 1,
    state: 'unknown' as const,
  }));
}

async function waitReady(access: ClusterAccess, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClusterError(
            'unreachable',
            `the inventory of ${access.context} has not loaded yet; try again in a moment`,
            503,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([access.ready(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks the references and draws the expected path, before anything is saved or probed:
 * RefError (400/404) for a bad reference, ClusterError when the inventory is not there.
 */
export async function prepareTrace(
  input: StartTraceInput,
  access: ClusterAccess,
  opts: PrepareOptions,
): Promise<PreparedTrace> {
  // Syntax first: a malformed reference is a 400 even while the inventory loads.
  const fromRef = parseEndpointRef(input.from);
  const toRef = parseEndpointRef(input.to);
  await waitReady(access, opts.readyTimeoutMs);
  const snapshot = access.snapshot();
  const from = resolveEndpoint(fromRef, snapshot, 'from');
  const to = resolveEndpoint(toRef, snapshot, 'to');
  const expected = expectedPath(from, to, snapshot, { knownHosts: opts.knownHosts });
  const path = pathView(expected.elements);
  const result: TraceResult = {
    id: opts.id,
    createdAt: opts.createdAt,
    finishedAt: null,
    cluster: access.context,
    from: endpointView(from),
    to: endpointView(to),
    strategy: null,
    status: 'running',
    hops: [],
    path,
    links: unknownLinks(path.length),
    findings: [],
    connect: null,
    notes: [...expected.notes],
    error: null,
    raw: {},
  };
  return { result, requested: input.strategy ?? 'auto', snapshot, from, to, expected };
}

export interface PipelineContext {
  access: ClusterAccess;
  probes: ProbeRunner;
  limiter: ProbeLimiter | undefined;
  signal: AbortSignal;
  emit: (event: TraceEvent) => void;
  connectCount: number | undefined;
  rules: readonly Rule[];
  knownHosts: KnownHost[];
}

/** Follows connect output as it streams and hands out each attempt once. */
class ConnectStream {
  private text = '';
  private emitted = 0;

  constructor(
    private readonly target: string,
    private readonly port: number,
  ) {}

  push(chunk: string): ConnectSummary['results'] {
    this.text += chunk;
    // Only whole lines: the last one may still be arriving.
    const end = this.text.lastIndexOf('\n');
    return end === -1
      ? []
      : this.fresh(
          parseConnectOutput(this.text.slice(0, end + 1), this.target, this.port)?.results ?? [],
        );
  }

  finish(summary: ConnectSummary | null): ConnectSummary['results'] {
    return this.fresh(summary?.results ?? []);
  }

  private fresh(results: ConnectSummary['results']): ConnectSummary['results'] {
    const out = results.slice(this.emitted);
    this.emitted = Math.max(this.emitted, results.length);
    return out;
  }
}

function dedupe(items: string[]): string[] {
  return [...new Set(items.filter((s) => s.trim() !== ''))];
}

/**
 * Why a probe says nothing about the network, or null when its output counts. `readable` is
 * whether its output held what the tool prints when it works (a trace, connect lines): a tool
 * that exited without printing one (unknown host, a missing binary, an unrecorded replay)
 * proves nothing about the path, whatever its exit code.
 */
function probeFailure(kind: ProbeKind, outcome: ProbeOutcome, readable: boolean): string | null {
  // traceroute exits non-zero on some unreachable answers; its output still counts.
  if (outcome.exitCode !== null && outcome.reason !== 'ToolError' && readable) return null;
  const why =
    outcome.exitCode === null || outcome.reason === 'ToolError'
      ? `did not run to the end (${outcome.reason})`
      : `printed no ${kind === 'connect' ? 'connect attempts' : 'trace'} (exit ${outcome.exitCode})`;
  const lastLine = outcome.log.trim().split('\n').at(-1)?.trim();
  const detail = outcome.notes[outcome.notes.length - 1] ?? lastLine;
  return `the ${kind} probe ${why}${detail ? `: ${detail}` : ''}`;
}

/**
 * Runs the probes of a prepared trace and merges what they saw into the final result. Throws
 * the signal's reason when cancelled (after the probes' pods are gone) and ClusterError when
 * the cluster cannot be reached.
 */
export async function runPipeline(
  prepared: PreparedTrace,
  ctx: PipelineContext,
): Promise<EngineTraceResult> {
  const { access, probes, signal, emit } = ctx;
  const { snapshot } = prepared;
  let result: TraceResult = prepared.result;
  let expected = prepared.expected;
  const notes = [...(result.notes ?? [])];
  const raw: TraceResult['raw'] = {};
  const timings: TraceTimings['probes'] = [];

  const namespace = probes.namespace();
  const decision = await probes.chooseStrategy({
    requested: prepared.requested,
    from: result.from,
    to: result.to,
    snapshot,
    can: probes.can(access.client),
    probeNamespace: namespace,
  });
  signal.throwIfAborted();
  if (!decision.ok) {
    // RBAC refusals are privilege problems: the trace could not look, the path is not broken.
    return {
      ...result,
      status: 'error',
      notes: dedupe(notes),
      error: { code: decision.code, message: decision.message },
    };
  }
  const strategy = decision.strategy;
  result = { ...result, strategy };
  notes.push(...decision.notes);
  if (strategy === 'ephemeral' && decision.identity.length > 0) {
    notes.push(`the probe ran inside the source pod itself: ${decision.identity.join('; ')}`);
  }

  const node = snapshot.nodes.find((n) => n.name === decision.node);
  const nodeHostnameLabel = node?.labels['kubernetes.io/hostname'];
  const source: ProbeSource =
    prepared.from.kind === 'pod' && prepared.from.namespace && prepared.from.name
      ? {
          kind: 'pod',
          namespace: prepared.from.namespace,
          name: prepared.from.name,
          node: decision.node,
          hostNetwork: prepared.from.hostNetwork ?? false,
          ...(nodeHostnameLabel ? { nodeHostnameLabel } : {}),
        }
      : { kind: 'node', node: decision.node, ...(nodeHostnameLabel ? { nodeHostnameLabel } : {}) };
  const image = probes.image();
  const options = {
    ...DEFAULT_PROBE_OPTIONS,
    count: ctx.connectCount ?? DEFAULT_CONNECT_COUNT,
  };

  async function probe(
    kind: ProbeKind,
    target: ProbeSpec['target'],
    onOutput?: (chunk: string) => void,
  ): Promise<ProbeOutcome> {
    const spec: ProbeSpec = {
      strategy,
      source,
      kind,
      target,
      image,
      options,
      traceId: result.id,
      namespace,
    };
    const t0 = Date.now();
    let runningAt: number | null = null;
    let endedAt: number | null = null;
    const onEvent = (e: ProbeEvent) => {
      switch (e.type) {
        case 'scheduled':
          emit({ type: 'scheduled', probe: kind, pod: e.podName, node: e.node });
          break;
        case 'pulling':
          emit({ type: 'pulling', probe: kind, image, reason: e.reason });
          break;
        case 'running':
          runningAt = Date.parse(e.at);
          emit({ type: 'running', probe: kind, pod: e.podName });
          break;
        case 'terminated':
          endedAt = Date.parse(e.at);
          break;
        case 'output':
          onOutput?.(e.chunk);
          break;
        default:
          break;
      }
    };
    try {
      return await probes.runProbe(access.client, spec, {
        signal,
        onEvent,
        limiter: ctx.limiter,
      });
    } finally {
      timings.push({
        kind,
        ms: Date.now() - t0,
        runMs: runningAt !== null && endedAt !== null ? Math.max(0, endedAt - runningAt) : null,
      });
    }
  }

  // Diagnosis: rules that apply may ask for extra probes (the node's own trace, a connect from
  // another node) before they decide; those run with the same machinery and limits.
  const runExtra = async (requests: ExtraProbeRequest[]) => {
    const settled = await Promise.all(
      requests.map(async (request): Promise<[string, ExtraProbeResult]> => {
        const started = Date.now();
        const result = await extraProbe(request);
        timings.push({ kind: request.kind, ms: Date.now() - started, runMs: null });
        return [request.key, result];
      }),
    );
    signal.throwIfAborted();
    return new Map(settled);
  };
  const extraProbe = async (request: ExtraProbeRequest): Promise<ExtraProbeResult> => {
    const empty = { request, hops: [], reached: false, connect: null, addresses: [] };
    const target = request.target;
    let spec: ProbeSpec;
    if (request.from.kind === 'node') {
      spec = {
        strategy: 'hostNetwork',
        source: { kind: 'node', node: request.from.node },
        kind: request.kind,
        target,
        image,
        options,
        traceId: result.id,
        namespace,
      };
    } else {
      const { namespace: podNs, name } = request.from;
      const pod = snapshot.pods.find((p) => p.namespace === podNs && p.name === name);
      if (!pod?.nodeName) {
        return {
          ...empty,
          ok: false,
          error: `pod ${podNs}/${name} is not running on a node`,
          raw: '',
        };
      }
      const same = source.kind === 'pod' && source.namespace === podNs && source.name === name;
      spec = {
        strategy: same ? strategy : pod.hostNetwork ? 'hostNetwork' : 'pod',
        source: same
          ? source
          : {
              kind: 'pod',
              namespace: podNs,
              name,
              node: pod.nodeName,
              hostNetwork: pod.hostNetwork,
            },
        kind: request.kind,
        target,
        image,
        options,
        traceId: result.id,
        namespace,
      };
    }
    try {
      const outcome = await probes.runProbe(access.client, spec, { signal, limiter: ctx.limiter });
      if (outcome.privilegeError) {
        const why = outcome.privilege?.explanation ?? 'the probe lacked the privilege it needs';
        return { ...empty, ok: false, error: why, raw: outcome.log };
      }
      if (request.kind === 'traceroute') {
        const extraHops = resolveHops(toRawHops(parseTraceroute(outcome.log)), snapshot, {
          knownHosts: ctx.knownHosts,
        });
        const failure = probeFailure('traceroute', outcome, extraHops.length > 0);
        if (failure) return { ...empty, ok: false, error: failure, raw: outcome.log };
        const reached =
          target.ip !== undefined && extraHops.some((h) => h.ip !== null && h.ip === target.ip);
        return { ...empty, ok: true, error: null, hops: extraHops, reached, raw: outcome.log };
      }
      if (request.kind === 'connect') {
        const connect = outcome.connect ?? null;
        const failure = probeFailure('connect', outcome, connect !== null);
        if (failure) return { ...empty, ok: false, error: failure, raw: outcome.log };
        return { ...empty, ok: true, error: null, connect, raw: outcome.log };
      }
      const answer = parseNslookup(outcome.log);
      const failure = probeFailure('dns', outcome, answer.understood);
      if (failure) return { ...empty, ok: false, error: failure, raw: outcome.log };
      return { ...empty, ok: true, error: null, addresses: answer.addresses, raw: outcome.log };
    } catch (err) {
      if (signal.aborted) throw err;
      return {
        ...empty,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        raw: '',
      };
    }
  };
  /** Runs the diagnosis rules on a finished trace and writes their findings into it. */
  const finish = async (final: TraceResult): Promise<EngineTraceResult> => {
    const diagnosis =
      ctx.rules.length > 0 && final.status !== 'error'
        ? await diagnose(
            { result: final, snapshot, expected, from: prepared.from, to: prepared.to },
            ctx.rules,
            runExtra,
          )
        : { findings: [], notes: [], raw: {} };
    const extraRaw = Object.fromEntries(
      Object.entries(diagnosis.raw).map(([key, text]) => [`extra:${key}`, text]),
    );
    return {
      ...final,
      findings: diagnosis.findings,
      raw: { ...final.raw, ...extraRaw },
      notes: dedupe([...(final.notes ?? []), ...diagnosis.notes]),
      timings: { totalMs: 0, probes: timings },
    };
  };

  // dns: targets are looked up from the source first; the rest of the trace uses the answer.
  if (prepared.to.kind === 'dns' && prepared.to.name) {
    const outcome = await probe('dns', { name: prepared.to.name });
    signal.throwIfAborted();
    raw.dns = outcome.log;
    notes.push(...outcome.notes);
    if (outcome.privilegeError) return privilegeFailure(result, outcome, notes, raw, timings);
    const answer = parseNslookup(outcome.log);
    const address = answer.addresses.find((a) => a.includes('.')) ?? answer.addresses[0];
    if (!address) {
      notes.push(`${prepared.to.name} did not resolve from the source: ${answer.error}`);
      const failure = probeFailure('dns', outcome, answer.understood);
      // An unresolved name is a finding of its own (the dns rule), so diagnosis still runs.
      return finish({
        ...result,
        status: failure ? 'error' : 'unreachable',
        notes: dedupe(notes),
        raw,
        error: failure ? { code: 'probe-failed', message: failure } : null,
      });
    }
    notes.push(`${prepared.to.name} resolved to ${answer.addresses.join(', ')} from the source`);
    const byAddress = resolveEndpoint(
      { kind: 'ip', address, port: prepared.to.port ?? null },
      snapshot,
      'to',
    );
    expected = expectedPath(prepared.from, byAddress, snapshot, { knownHosts: ctx.knownHosts });
    result = {
      ...result,
      to: { ...result.to, ip: address, node: byAddress.node },
      path: pathView(expected.elements),
    };
    notes.push(...expected.notes);
  }

  const hopStream = new HopStream();
  const traceTarget = expected.traceTarget;
  const connectTarget = expected.connectTarget;
  const connectStream = connectTarget
    ? new ConnectStream(connectTarget.ip, connectTarget.port)
    : null;
  let attempt = 0;
  const emitAttempts = (results: ConnectSummary['results']) => {
    for (const r of results) {
      attempt += 1;
      emit({
        type: 'connect',
        attempt,
        ok: r.ok,
        ms: r.ms,
        ...(r.error !== undefined ? { error: r.error } : {}),
      });
    }
  };
  const emitHops = (rawHops: ReturnType<typeof toRawHops>) => {
    if (rawHops.length === 0) return;
    for (const hop of resolveHops(rawHops, snapshot, { knownHosts: ctx.knownHosts })) {
      emit({ type: 'hop', hop });
    }
  };

  const runs: [Promise<ProbeOutcome | null>, Promise<ProbeOutcome | null>] = [
    traceTarget
      ? probe('traceroute', { ip: traceTarget.ip }, (chunk) => emitHops(hopStream.push(chunk)))
      : Promise.resolve(null),
    connectTarget
      ? probe('connect', { ip: connectTarget.ip, port: connectTarget.port }, (chunk) =>
          emitAttempts(connectStream?.push(chunk) ?? []),
        )
      : Promise.resolve(null),
  ];
  // Both settle before anything is decided: a cancelled or failed probe must have deleted its
  // pod before the trace reports that it ended.
  const [traced, connected] = await Promise.allSettled(runs);
  signal.throwIfAborted();
  for (const settled of [traced, connected]) {
    if (settled.status === 'rejected') throw settled.reason;
  }
  const traceOutcome = traced.status === 'fulfilled' ? traced.value : null;
  const connectOutcome = connected.status === 'fulfilled' ? connected.value : null;

  for (const outcome of [traceOutcome, connectOutcome]) if (outcome) notes.push(...outcome.notes);
  if (traceOutcome) raw.traceroute = traceOutcome.log;
  if (connectOutcome) raw.connect = connectOutcome.log;
  const privileged = [traceOutcome, connectOutcome].find((o) => o?.privilegeError);
  if (privileged) return privilegeFailure(result, privileged, notes, raw, timings);

  let hops: TraceHop[] = [];
  if (traceOutcome) {
    emitHops(hopStream.finish(traceOutcome.log));
    hops = resolveHops(toRawHops(parseTraceroute(traceOutcome.log)), snapshot, {
      knownHosts: ctx.knownHosts,
    });
  }
  const connect: ConnectSummary | null = connectOutcome?.connect
    ? {
        target: connectOutcome.connect.target,
        port: connectOutcome.connect.port,
        attempts: connectOutcome.connect.attempts,
        succeeded: connectOutcome.connect.succeeded,
        results: connectOutcome.connect.results,
      }
    : null;
  if (connectStream && connectOutcome) emitAttempts(connectStream.finish(connect));

  const failures = [
    traceOutcome ? probeFailure('traceroute', traceOutcome, hops.length > 0) : null,
    connectOutcome
      ? probeFailure('connect', connectOutcome, connectOutcome.connect !== null)
      : null,
  ].filter((f): f is string => f !== null);
  const traceReached =
    traceTarget !== null && hops.some((h) => h.ip !== null && h.ip === traceTarget.ip);
  const merged = mergePath(expected, hops, {
    traceReached,
    connect,
    probeError: failures.length > 0 ? failures.join('; ') : null,
  });
  const probesRan = Number(traceOutcome !== null) + Number(connectOutcome !== null);
  // When every probe failed to run, nothing was learned about the network.
  const nothingLearned = probesRan > 0 && failures.length === probesRan;
  let final: TraceResult = {
    ...result,
    status: nothingLearned ? 'error' : merged.status,
    hops,
    path: merged.path,
    links: merged.links,
    connect,
    raw,
    notes: dedupe(notes),
    error: nothingLearned ? { code: 'probe-failed', message: failures.join('; ') } : null,
  };
  if (probesRan === 0) {
    final = {
      ...final,
      status: 'error',
      error: {
        code: 'nothing-to-probe',
        message: 'the target has no address to trace and no port to connect to',
      },
    };
  }
  return finish(final);
}

/** A probe that lacked privilege proves nothing about the path: status error, links unknown. */
function privilegeFailure(
  result: TraceResult,
  outcome: ProbeOutcome,
  notes: string[],
  raw: TraceResult['raw'],
  timings: TraceTimings['probes'],
): EngineTraceResult {
  const problem = outcome.privilege;
  const message = problem
    ? `${problem.explanation} (${problem.evidence})`
    : 'the probe lacked the privilege it needs';
  return {
    ...result,
    status: 'error',
    links: unknownLinks(result.path.length),
    raw,
    notes: dedupe(notes),
    error: { code: 'privilege', message },
    timings: { totalMs: 0, probes: timings },
  };
}
