/**
 * Test support (imported by *.test.ts only): rule inputs built from the scenarios' merged
 * results in lib/path/__golden__ (the lab's real traceroute and connect output through the pure
 * stages) and the demo cluster's objects, so that rules are tested on what the lab really did.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import type { ResolvedEndpoint } from '@/lib/refs/types';
import { parseKnownHosts } from '@/lib/resolve';
import { expectedPath } from '@/lib/topology';
import type {
  ConnectSummary,
  PathElement,
  PathLink,
  TraceEndpoint,
  TraceHop,
  TraceResult,
  TraceStatus,
} from '@/lib/trace/types';
import { KNOWN_HOSTS, TRACE_CASES } from '../../topology/__fixtures__/cases';
import { fixtureSnapshot } from '../../topology/__fixtures__/load';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult } from '../types';

/** A merged golden as lib/path/merge-scenarios.test.ts writes it. */
interface MergedGolden {
  from: string;
  to: string;
  connectTarget: { ip: string; port: number } | null;
  hops: Omit<TraceHop, 'rttMs'>[];
  connect: { attempts: number; succeeded: number } | null;
  path: PathElement[];
  links: PathLink[];
  status: TraceStatus;
}

function readGolden(name: string): MergedGolden {
  const file = fileURLToPath(new URL(`../../path/__golden__/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as MergedGolden;
}

/**
 * The golden's connect counts as a summary. The golden keeps counts only, so each attempt is
 * just ok or not, in that order, with no error text.
 */
function connectOf(golden: MergedGolden): ConnectSummary | null {
  if (!golden.connect || !golden.connectTarget) return null;
  const { attempts, succeeded } = golden.connect;
  return {
    target: golden.connectTarget.ip,
    port: golden.connectTarget.port,
    attempts,
    succeeded,
    results: Array.from({ length: attempts }, (_, i) => ({ ok: i < succeeded, ms: null })),
  };
}

function view(e: ResolvedEndpoint): TraceEndpoint {
  const { pod: _p, inventoryNode: _n, service: _s, servicePort: _sp, ...rest } = e;
  const { loadBalancer: _lb, nodePort: _np, ...endpoint } = rest;
  return endpoint;
}

/**
 * The input rules see for a scenario's trace: the golden's merged hops, path, links, status and
 * connects, with the endpoints and expected path resolved against `snapshot` (the demo or k3s
 * cluster's objects unless given: pass a changed copy to test a rule on other cluster facts).
 */
export function goldenInput(name: string, snapshot?: InventorySnapshot): DiagnosisInput {
  const c = TRACE_CASES.find((t) => t.name === name);
  if (!c) throw new Error(`no trace case ${name}`);
  const golden = readGolden(name);
  const snap = snapshot ?? fixtureSnapshot(c.cluster);
  const from = resolveEndpoint(parseEndpointRef(golden.from), snap, 'from');
  const to = resolveEndpoint(parseEndpointRef(golden.to), snap, 'to');
  const expected = expectedPath(from, to, snap, {
    knownHosts: parseKnownHosts(KNOWN_HOSTS[c.cluster]),
  });
  const result: TraceResult = {
    id: `golden-${name}`,
    createdAt: '2026-01-01T00:00:00Z',
    cluster: c.cluster,
    from: view(from),
    to: view(to),
    strategy: from.hostNetwork || from.kind === 'node' ? 'hostNetwork' : 'pod',
    status: golden.status,
    hops: golden.hops.map((h) => ({ ...h, rttMs: [] })),
    path: golden.path,
    links: golden.links,
    findings: [],
    connect: connectOf(golden),
    raw: {},
  };
  return { result, snapshot: snap, expected, from, to };
}

/**
 * What an extra connect probe would have returned, taken from another scenario's golden whose
 * trace ran that same connect (S3 from node-1, S4 from a pod on node-2).
 */
export function extraFromGolden(request: ExtraProbeRequest, name: string): ExtraProbeResult {
  const connect = connectOf(readGolden(name));
  if (!connect) throw new Error(`golden ${name} holds no connects`);
  return {
    request,
    ok: true,
    error: null,
    hops: [],
    reached: false,
    connect,
    addresses: [],
    raw: `${connect.succeeded} of ${connect.attempts} connects succeeded`,
  };
}

/** An extra probe that could not run, for the warning paths. */
export function extraFailed(request: ExtraProbeRequest, error: string): ExtraProbeResult {
  return {
    request,
    ok: false,
    error,
    hops: [],
    reached: false,
    connect: null,
    addresses: [],
    raw: '',
  };
}

/** The results map a rule's evaluate() receives. */
export function extraMap(...results: ExtraProbeResult[]): ReadonlyMap<string, ExtraProbeResult> {
  return new Map(results.map((r) => [r.request.key, r]));
}
