import { endpointView, pathView, unknownLinks } from '../../engine/pipeline';
import { toRawHops } from '../../engine/hop-stream';
import { newTraceId } from '../../engine/ids';
import { snapshotFromObjects } from '../../inventory/snapshot-from-objects';
import { mergePath } from '../../path';
import { parseEndpointRef, resolveEndpoint } from '../../refs';
import { parseKnownHosts, resolveHops } from '../../resolve';
import { expectedPath } from '../../topology';
import { parseTraceroute } from '../../traceroute';
import type { TraceResult } from '../../trace/types';
import { parseCommandArgs, UsageError, type CliIo } from './args';
import { readInputFile } from './trace';
import { EXIT, exitCodeForStatus, formatTraceText } from './format';

export const ANALYZE_USAGE = `usage: podpath analyze --objects DUMP.json --from REF --to REF [--traceroute FILE] [--json]

Works out the path from FROM to TO with no cluster at all, from a saved
  kubectl get nodes,pods,services,endpointslices,networkpolicies -A -o json
and, when given, a traceroute's output (busybox, Linux, inetutils, mtr --report, tracepath).
Without a traceroute it prints the expected path with every link unknown; nothing was
measured, so the status is error (code no-evidence) and the exit status 2.
Exit status: 0 reachable, 1 unreachable or intermittent, 2 bad input, error or no evidence.
`;

/** The analysis itself, pure apart from the id and clock: objects + refs + optional traceroute. */
export function analyze(input: {
  objects: unknown;
  from: string;
  to: string;
  traceroute: string | null;
  knownHostsText?: string;
  now?: Date;
  id?: string;
}): TraceResult {
  const { snapshot } = snapshotFromObjects(input.objects);
  const knownHosts = parseKnownHosts(input.knownHostsText);
  const from = resolveEndpoint(parseEndpointRef(input.from), snapshot, 'from');
  const to = resolveEndpoint(parseEndpointRef(input.to), snapshot, 'to');
  const expected = expectedPath(from, to, snapshot, { knownHosts });
  const base: TraceResult = {
    id: input.id ?? newTraceId(),
    createdAt: (input.now ?? new Date()).toISOString(),
    finishedAt: (input.now ?? new Date()).toISOString(),
    cluster: snapshot.cluster,
    from: endpointView(from),
    to: endpointView(to),
    strategy: null,
    status: 'error',
    hops: [],
    path: pathView(expected.elements),
    links: unknownLinks(expected.elements.length),
    findings: [],
    connect: null,
    notes: [...expected.notes],
    error: null,
    raw: {},
  };
  if (input.traceroute === null) {
    // Nothing was measured: there is no verdict, and the contract's statuses have no
    // "unknown", so this is an error with its own code, and the path is the topology's alone.
    return {
      ...base,
      error: {
        code: 'no-evidence',
        message: 'no traceroute given: the path is the expected one and nothing was measured',
      },
    };
  }
  const parsed = parseTraceroute(input.traceroute);
  const hops = resolveHops(toRawHops(parsed), snapshot, { knownHosts });
  const target = expected.traceTarget;
  const traceReached = target !== null && hops.some((h) => h.ip === target.ip);
  const merged = mergePath(expected, hops, { traceReached, connect: null });
  const notes = [...(base.notes ?? []), ...parsed.warnings];
  if (target && parsed.target && parsed.target !== target.ip) {
    notes.push(
      `the traceroute went to ${parsed.target}, but the path from ${from.ref} to ${to.ref} is traced to ${target.ip}`,
    );
  }
  return {
    ...base,
    status: merged.status,
    hops,
    path: merged.path,
    links: merged.links,
    notes: [...new Set(notes)],
    raw: { traceroute: input.traceroute },
  };
}

/** `podpath analyze`: the path, entities and findings from saved objects, no cluster. */
export async function analyzeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    objects: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    traceroute: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout(ANALYZE_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!values.objects || !values.from || !values.to) {
    throw new UsageError('analyze needs --objects, --from and --to');
  }
  let objects: unknown;
  try {
    objects = JSON.parse(readInputFile(values.objects, 'objects dump'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${values.objects} is not JSON: ${(err as Error).message}`);
  }
  const traceroute = values.traceroute ? readInputFile(values.traceroute, 'traceroute') : null;
  let out: TraceResult;
  try {
    out = analyze({
      objects,
      from: values.from,
      to: values.to,
      traceroute,
      knownHostsText: (io.env ?? process.env).PODPATH_KNOWN_HOSTS,
    });
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    if (e?.name === 'RefError') {
      io.stderr(`podpath: ${e.message} (${e.code})\n`);
      return EXIT.error;
    }
    throw err;
  }
  io.stdout(values.json ? `${JSON.stringify(out, null, 2)}\n` : formatTraceText(out));
  return exitCodeForStatus(out.status);
}
