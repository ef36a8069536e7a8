/**
 * Test support: real probe output of the network lab (testbed/recordings/<cluster>.json,
 * recorded by `npm run lab:record` with the scenarios' defects on) turned into the hops and
 * connect summaries the merge stage receives. podpath's own probe commands
 * (`traceroute -n -w 2 -q 1 -m 20 -- TARGET`, `podpath-connect 20 2 -- IP PORT`) are preferred;
 * where the lab recorded only its survey commands (`traceroute -n -q 1 -w 1 -m 8 TARGET`,
 * `nc -z -v -w 2 IP PORT`), those are used. Traceroute lines are read here (the lab's output is
 * one fixed format); connect output goes through the product's own parser.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConnectOutput } from '@/lib/probes/connect-output';
import type { RawHop } from '@/lib/resolve/types';
import type { ConnectSummary } from '@/lib/trace/types';
import type { FixtureCluster } from '../../topology/__fixtures__/load';

interface Entry {
  node: string;
  source: string;
  image: string;
  argv: string[];
  exitCode: number;
  output: { stream: string; text: string }[];
  varies?: boolean;
}

/** Where a recorded probe ran: its node and `pod`, `hostNetwork` or `pod:NS/NAME`. */
export interface ProbeSite {
  node: string;
  source: string;
}

const recordings = new Map<FixtureCluster, Entry[]>();

function entries(cluster: FixtureCluster): Entry[] {
  const cached = recordings.get(cluster);
  if (cached) return cached;
  const file = fileURLToPath(new URL(`../../../testbed/recordings/${cluster}.json`, import.meta.url));
  const list = (JSON.parse(readFileSync(file, 'utf8')) as { entries: Entry[] }).entries;
  recordings.set(cluster, list);
  return list;
}

function find(
  cluster: FixtureCluster,
  site: ProbeSite,
  tool: string,
  args: string[],
): Entry | undefined {
  return entries(cluster).find(
    (e) =>
      e.node === site.node &&
      e.source === site.source &&
      e.argv[0] === tool &&
      args.every((a, i) => e.argv[e.argv.length - args.length + i] === a),
  );
}

function missing(site: ProbeSite, what: string): Error {
  return new Error(`no recorded ${what} from ${site.source} on ${site.node}`);
}

const text = (e: Entry) => e.output.map((o) => o.text).join('');

/** The recorded traceroute to TARGET from a site, as hops. */
export function recordedTrace(
  cluster: FixtureCluster,
  site: ProbeSite,
  target: string,
): { hops: RawHop[]; reached: boolean; raw: string } {
  const entry =
    find(cluster, site, 'traceroute', ['--', target]) ??
    find(cluster, site, 'traceroute', ['-m', '8', target]);
  if (!entry) throw missing(site, `traceroute to ${target}`);
  const raw = text(entry);
  const hops: RawHop[] = [];
  for (const line of raw.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ip = /(\d{1,3}(?:\.\d{1,3}){3})/.exec(m[2] ?? '')?.[1] ?? null;
    const rttMs = [...(m[2] ?? '').matchAll(/([\d.]+) ms/g)].map((r) => Number(r[1]));
    hops.push({ ttl: Number(m[1]), ip, rttMs });
  }
  return { hops, reached: hops[hops.length - 1]?.ip === target, raw };
}

/**
 * The recorded connects to IP:PORT from a site: podpath-connect's run when there is one, else
 * `attempts` copies of the recorded `nc` outcome. An `nc` entry marked `varies` (kube-proxy
 * picked an endpoint at random) kept one outcome only; `otherOutcome` supplies the other one,
 * alternating with it.
 */
export function recordedConnect(
  cluster: FixtureCluster,
  site: ProbeSite,
  ip: string,
  port: number,
  attempts: number,
  otherOutcome?: { ok: boolean; error?: string },
): ConnectSummary {
  const own = find(cluster, site, 'podpath-connect', ['--', ip, String(port)]);
  if (own) {
    const parsed = parseConnectOutput(text(own), ip, port);
    if (!parsed) throw new Error(`podpath-connect to ${ip}:${port} printed no attempt`);
    const { complete: _complete, planned: _planned, ...summary } = parsed;
    return summary;
  }
  const entry = find(cluster, site, 'nc', [ip, String(port)]);
  if (!entry) throw missing(site, `connect to ${ip}:${port}`);
  const out = text(entry).trim();
  const recorded = entry.exitCode === 0 ? { ok: true } : { ok: false, error: out };
  if (entry.varies && !otherOutcome) throw new Error(`${ip}:${port} varies: give the other outcome`);
  const results = Array.from({ length: attempts }, (_, i) => {
    const outcome = entry.varies && i % 2 === 1 && otherOutcome ? otherOutcome : recorded;
    return { ok: outcome.ok, ms: null, ...(outcome.ok ? {} : { error: outcome.error }) };
  });
  return {
    target: ip,
    port,
    attempts,
    succeeded: results.filter((r) => r.ok).length,
    results,
  };
}
