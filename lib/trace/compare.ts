/**
 * What changed between two traces: the pure diff behind the compare page. Path elements are
 * matched by id, links by the ids of the two elements they join, findings by rule and link, so
 * two traces of the same path taken before and after a fix line up even when the path gained or
 * lost a hop in between.
 */
import type {
  Finding,
  LinkState,
  PathElementKind,
  Severity,
  TraceResult,
  TraceStatus,
} from './types';

/** A link named by the ids of the elements it joins. */
export interface LinkEnds {
  from: string;
  to: string;
}

export type CompareChange =
  | { kind: 'status'; before: TraceStatus; after: TraceStatus }
  /** A link's state; null on the side where the link is not on the path. */
  | { kind: 'link'; link: LinkEnds; before: LinkState | null; after: LinkState | null }
  | { kind: 'element-removed' | 'element-added'; id: string; elementKind: PathElementKind }
  | {
      kind: 'finding-resolved' | 'finding-new';
      rule: string;
      severity: Severity;
      title: string;
      link: LinkEnds | null;
    }
  | { kind: 'hops'; before: number; after: number }
  | { kind: 'rtt'; before: number | null; after: number | null };

export type CompareChangeKind = CompareChange['kind'];

export interface TraceComparison {
  /** Whether both traces go from the same source to the same target reference. */
  sameEndpoints: boolean;
  status: { before: TraceStatus; after: TraceStatus };
  /** Hops the probe saw (TTLs), before and after. */
  hops: { before: number; after: number };
  /** Median round-trip time of the last hop, when it answered. */
  rttMs: { before: number | null; after: number | null };
  /**
   * Every difference, in reading order: status, links, path elements (removed, then added),
   * findings (resolved, then new), hop count, RTT.
   */
  changes: CompareChange[];
}

/**
 * Compares trace `a` (before) with trace `b` (after). Links that exist on one side only are
 * listed when their state there is not `ok`: a broken link that appeared or went away matters,
 * while a healthy detour is already told by the elements that appear on one side only.
 */
export function compareTraces(a: TraceResult, b: TraceResult): TraceComparison {
  const changes: CompareChange[] = [];

  if (a.status !== b.status) changes.push({ kind: 'status', before: a.status, after: b.status });

  const linksA = keyedLinks(a);
  const linksB = keyedLinks(b);
  const linkKeys = [...new Set([...linksA.keys(), ...linksB.keys()])];
  for (const key of linkKeys) {
    const la = linksA.get(key);
    const lb = linksB.get(key);
    const before = la?.state ?? null;
    const after = lb?.state ?? null;
    if (before === after) continue;
    if (before === null && after === 'ok') continue;
    if (after === null && before === 'ok') continue;
    const ends = (la ?? lb)!.ends;
    changes.push({ kind: 'link', link: ends, before, after });
  }

  const idsA = uniqueElements(a);
  const idsB = uniqueElements(b);
  for (const [id, kind] of idsA) {
    if (!idsB.has(id)) changes.push({ kind: 'element-removed', id, elementKind: kind });
  }
  for (const [id, kind] of idsB) {
    if (!idsA.has(id)) changes.push({ kind: 'element-added', id, elementKind: kind });
  }

  const findingsA = keyedFindings(a);
  const findingsB = keyedFindings(b);
  for (const [key, f] of findingsA) {
    if (!findingsB.has(key)) changes.push({ ...findingChange(f), kind: 'finding-resolved' });
  }
  for (const [key, f] of findingsB) {
    if (!findingsA.has(key)) changes.push({ ...findingChange(f), kind: 'finding-new' });
  }

  const hops = { before: a.hops.length, after: b.hops.length };
  if (hops.before !== hops.after) changes.push({ kind: 'hops', ...hops });

  const rttMs = { before: pathRttMs(a), after: pathRttMs(b) };
  if (rttMs.before !== rttMs.after) changes.push({ kind: 'rtt', ...rttMs });

  return {
    sameEndpoints: a.from.ref === b.from.ref && a.to.ref === b.to.ref,
    status: { before: a.status, after: b.status },
    hops,
    rttMs,
    changes,
  };
}

/** The ids of the elements link `index` joins, or null when it points outside the path. */
export function linkEnds(
  trace: Pick<TraceResult, 'path' | 'links'>,
  index: number,
): LinkEnds | null {
  const link = trace.links[index];
  if (!link) return null;
  const from = trace.path[link.from]?.id;
  const to = trace.path[link.to]?.id;
  return from !== undefined && to !== undefined ? { from, to } : null;
}

/**
 * The round-trip time of the whole path: the median of the last hop's times. Null when the
 * last hop stayed silent, since an earlier hop's time would not be the path's.
 */
export function pathRttMs(trace: Pick<TraceResult, 'hops'>): number | null {
  const last = trace.hops[trace.hops.length - 1];
  if (!last || last.ip === null) return null;
  return median(last.rttMs);
}

/** The median, or null for no numbers. */
export function median(numbers: readonly number[]): number | null {
  if (numbers.length === 0) return null;
  const s = [...numbers].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? 0;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? hi) + hi) / 2;
}

/** One change in words, as the compare page lists it. */
export function describeChange(change: CompareChange): string {
  switch (change.kind) {
    case 'status':
      return `status: ${change.before} → ${change.after}`;
    case 'link':
      return `${endsText(change.link)}: ${change.before ?? 'not on the path'} → ${change.after ?? 'not on the path'}`;
    case 'element-removed':
      return `only before: ${change.id}`;
    case 'element-added':
      return `only after: ${change.id}`;
    case 'finding-resolved':
    case 'finding-new': {
      const where = change.link ? ` on ${endsText(change.link)}` : '';
      return `${change.kind === 'finding-new' ? 'new' : 'resolved'}: ${change.rule}${where}`;
    }
    case 'hops':
      return `hops: ${change.before} → ${change.after}`;
    case 'rtt': {
      const delta =
        change.before !== null && change.after !== null
          ? ` (${signedMs(change.after - change.before)})`
          : '';
      return `RTT: ${msText(change.before)} → ${msText(change.after)}${delta}`;
    }
  }
}

/** `node-1/eth1 → service:default/x`. */
export function endsText(ends: LinkEnds): string {
  return `${ends.from} → ${ends.to}`;
}

/** Milliseconds as the compare page prints them: 2 decimals under 10 ms, 1 above; "none". */
export function msText(ms: number | null): string {
  if (ms === null) return 'none';
  return `${ms.toFixed(Math.abs(ms) < 10 ? 2 : 1)} ms`;
}

function signedMs(ms: number): string {
  // U+2212 MINUS SIGN lines up with "+" in tabular figures.
  const text = msText(Math.abs(ms));
  return ms < 0 ? `\u2212${text}` : `+${text}`;
}

interface KeyedLink {
  ends: LinkEnds;
  state: LinkState;
}

/**
 * Links keyed by `fromId→toId`. A path may pass the same pair twice (a hairpin loops back
 * through cni0); the second passage gets `#2`, so the n-th passage matches the n-th.
 */
function keyedLinks(trace: TraceResult): Map<string, KeyedLink> {
  const out = new Map<string, KeyedLink>();
  trace.links.forEach((link, i) => {
    const ends = linkEnds(trace, i);
    if (!ends) return;
    out.set(uniqueKey(out, `${ends.from}→${ends.to}`), { ends, state: link.state });
  });
  return out;
}

function keyedFindings(trace: TraceResult): Map<string, Finding & { ends: LinkEnds | null }> {
  const out = new Map<string, Finding & { ends: LinkEnds | null }>();
  for (const f of trace.findings) {
    const ends = f.link === null ? null : linkEnds(trace, f.link);
    const key = `${f.rule}@${ends ? `${ends.from}→${ends.to}` : '-'}`;
    out.set(uniqueKey(out, key), { ...f, ends });
  }
  return out;
}

function uniqueKey(map: Map<string, unknown>, key: string): string {
  if (!map.has(key)) return key;
  let n = 2;
  while (map.has(`${key}#${n}`)) n++;
  return `${key}#${n}`;
}

function uniqueElements(trace: TraceResult): Map<string, PathElementKind> {
  const out = new Map<string, PathElementKind>();
  for (const el of trace.path) if (!out.has(el.id)) out.set(el.id, el.kind);
  return out;
}

function findingChange(f: Finding & { ends: LinkEnds | null }) {
  return { rule: f.rule, severity: f.severity, title: f.title, link: f.ends };
}
