/**
 * The expected path merged with what the probe saw. Hops are matched to expected elements by
 * the addresses those elements answer from, in order; hops the topology did not predict are
 * inserted where they were seen; links get their state from the hops (the trace) and from the
 * TCP connects (the Service, LoadBalancer or target itself).
 */
import { canonicalIp } from '@/lib/resolve/ip';
import { entityElementId, silentHopId } from '@/lib/resolve/element-ids';
import type { ExpectedPath } from '@/lib/topology/types';
import type { LinkState, PathElement, PathLink, TraceHop, TraceStatus } from '@/lib/trace/types';
import type { MergedPath, MergeEvidence } from './types';

/** One element of the merged path with what the link rules need to know about it. */
interface Slot {
  el: PathElement;
  /** An expected element that would never answer (and did not). */
  silent: boolean;
  /** Its index in expected.elements, for expected elements. */
  expected: number | null;
}

/** A hop not matched to an expected element: an answering one, or `*`. */
interface Pending {
  hop: number;
  star: boolean;
}

/**
 * Merges the expected path with the resolved hops and the probe's other evidence into the
 * path, links and status of a TraceResult.
 *
 * Links: a link is `ok` when hops at or after its far end were seen (an expected element that
 * never answers, such as the interface a node sends out of, is proven by the hops after it).
 * When the trace stops short, the break goes on the first link whose far end should have
 * answered and after which nothing did: the links across the silent elements before it stay
 * `unknown`. Connects judge the link into the Service / LoadBalancer element, or the last link
 * when there is none: `intermittent` with the success ratio when some fail, `broken` when all do
 * (even if the trace reached the endpoint), `ok` when all succeed.
 */
export function mergePath(
  expected: ExpectedPath,
  hops: TraceHop[],
  evidence: MergeEvidence,
): MergedPath {
  const slots = matchHops(expected, hops);
  const traceEndSlot =
    expected.traceEnd === null ? null : slots.findIndex((s) => s.expected === expected.traceEnd);
  const ran = !(evidence.probeError && hops.length === 0);
  if (ran && slots[0]) slots[0].el.source = 'both';

  const states = traceStates(slots, traceEndSlot, hops, evidence);
  const links: PathLink[] = states.map((state, i) => {
    const hop = slots[i + 1]?.el.hop;
    const rtts = hop === undefined ? [] : (hops[hop]?.rttMs ?? []);
    return {
      from: i,
      to: i + 1,
      state,
      ...(rtts.length > 0 ? { rttMs: Math.min(...rtts) } : {}),
    };
  });
  applyConnects(links, slots, evidence);
  return { path: slots.map((s) => s.el), links, status: status(expected, hops, evidence) };
}

function matchHops(expected: ExpectedPath, hops: TraceHop[]): Slot[] {
  const elements = expected.elements;
  const matched = new Map<number, number>();
  const inserts = new Map<number, PathElement[]>();
  // Hops are matched up to the trace target; nothing beyond it can answer a trace to it.
  const limit = expected.traceEnd ?? 0;
  let last = 0;
  let lastIp: string | null = null;
  let pending: Pending[] = [];

  hops.forEach((hop, index) => {
    if (hop.ip === null) {
      pending.push({ hop: index, star: true });
      return;
    }
    const ips = [hop.ip, ...(hop.alsoFrom ?? [])].map((ip) => canonicalIp(ip) ?? ip);
    // The same router answering two TTLs in a row (a repeated line) is one hop.
    if (lastIp !== null && ips[0] === lastIp && pending.length === 0) return;
    let found = -1;
    for (let j = last + 1; j <= limit && found < 0; j++) {
      if (ips.some((ip) => elements[j]?.answers.includes(ip))) found = j;
    }
    if (found < 0) {
      pending.push({ hop: index, star: false });
      return;
    }
    place(pending, last, found);
    pending = [];
    matched.set(found, index);
    last = found;
    lastIp = ips[0] ?? null;
  });
  // Stars after the last answer are the silence the break is made of, not hops to draw.
  while (pending.length > 0 && pending[pending.length - 1]?.star) pending.pop();
  place(pending, last, null);

  const slots: Slot[] = [];
  elements.forEach((e, i) => {
    const hop = matched.get(i);
    const { answers, ...el } = e;
    const out: PathElement = { ...el, source: hop === undefined ? 'expected' : 'both' };
    if (hop !== undefined) out.hop = hop;
    slots.push({ el: out, silent: hop === undefined && answers.length === 0, expected: i });
    for (const seen of inserts.get(i) ?? [])
      slots.push({ el: seen, silent: false, expected: null });
  });
  return slots;

  /**
   * Puts the unmatched hops seen between expected elements `from` and `to` (null: the end)
   * into the path: after `from` and the silent elements right behind it. Stars fill the
   * expected elements there that should have answered; only extra ones are drawn.
   */
  function place(items: Pending[], from: number, to: number | null): void {
    if (items.length === 0) return;
    const end = to ?? elements.length;
    // Expected elements between the two that should have answered and did not.
    let unanswered = 0;
    for (let j = from + 1; j < end; j++) if ((elements[j]?.answers.length ?? 0) > 0) unanswered++;
    let at = from;
    while (at + 1 < end && (elements[at + 1]?.answers.length ?? 0) === 0) at++;
    const list = inserts.get(at) ?? [];
    for (const item of items) {
      if (item.star && unanswered > 0) {
        unanswered--;
        continue;
      }
      list.push(seenElement(hops, item.hop));
    }
    inserts.set(at, list);
  }
}

function seenElement(hops: TraceHop[], index: number): PathElement {
  const hop = hops[index];
  if (!hop || hop.ip === null) {
    const ttl = hop?.ttl ?? index + 1;
    return {
      id: silentHopId(ttl),
      kind: 'unknown',
      label: `no reply at TTL ${ttl}`,
      source: 'seen',
      hop: index,
    };
  }
  const entity = hop.entity ?? { kind: 'unknown' as const };
  const el: PathElement = {
    id: entityElementId(entity, hop.ip),
    kind: entity.kind,
    label: entity.label ?? hop.ip,
    source: 'seen',
    hop: index,
  };
  if (entity.node) el.node = entity.node;
  return el;
}

/** Link states from the traceroute alone. */
function traceStates(
  slots: Slot[],
  traceEnd: number | null,
  hops: TraceHop[],
  evidence: MergeEvidence,
): LinkState[] {
  const states: LinkState[] = slots.slice(1).map(() => 'unknown');
  if (traceEnd === null || traceEnd < 0) return states;
  if (evidence.probeError && hops.length === 0) return states;
  let proven = 0;
  slots.forEach((s, i) => {
    if (s.el.hop !== undefined && i <= traceEnd) proven = i;
  });
  if (evidence.traceReached) proven = traceEnd;
  for (let i = 0; i < proven; i++) states[i] = 'ok';
  if (proven >= traceEnd) return states;
  // The packet got as far as `proven`; the elements right after it that never answer hide
  // whether it went on, so the break is the first link whose far end should have answered.
  let at = proven;
  while (at + 1 < traceEnd && slots[at + 1]?.silent) at++;
  states[at] = 'broken';
  return states;
}

/** Lets the connects judge the link into the Service / LoadBalancer (or the last link). */
function applyConnects(links: PathLink[], slots: Slot[], evidence: MergeEvidence): void {
  const connect = evidence.connect;
  if (!connect || connect.attempts <= 0 || links.length === 0) return;
  const virtual = slots.findIndex((s) => s.el.tags?.includes('virtual'));
  const judged = virtual > 0 ? virtual - 1 : links.length - 1;
  const link = links[judged];
  if (!link) return;
  const { succeeded: ok, attempts: total } = connect;
  link.successRatio = { ok, total };
  link.label = `${ok}/${total} connects to ${connect.target}:${connect.port} succeeded`;

  if (ok >= total) {
    // TCP got through: a trace that stopped short met ICMP filtering, not a break.
    links.forEach((l, i) => {
      if (i <= judged || virtual < 0) l.state = 'ok';
      else if (l.state === 'broken') l.state = 'unknown';
    });
    return;
  }
  if (ok > 0) {
    link.state = 'intermittent';
    links.forEach((l, i) => {
      if (i < judged && l.state === 'broken') l.state = 'unknown';
    });
    return;
  }
  // Every connect failed. A trace break before the judged link already says where.
  if (links.some((l, i) => i < judged && l.state === 'broken')) return;
  link.state = 'broken';
  const failures = connect.results.filter((r) => !r.ok);
  const answered =
    failures.length > 0 && failures.every((r) => /refused|reset/i.test(r.error ?? ''));
  if (answered) {
    // A refusal is an answer from the far end of the judged link: everything before it works.
    links.forEach((l, i) => {
      if (i < judged && l.state === 'unknown') l.state = 'ok';
    });
  }
}

function status(expected: ExpectedPath, hops: TraceHop[], evidence: MergeEvidence): TraceStatus {
  const connect = evidence.connect;
  if (connect && connect.attempts > 0) {
    if (connect.succeeded >= connect.attempts) return 'reachable';
    return connect.succeeded > 0 ? 'intermittent' : 'unreachable';
  }
  if (evidence.probeError && hops.length === 0) return 'error';
  if (expected.traceEnd !== null) return evidence.traceReached ? 'reachable' : 'unreachable';
  return 'error';
}
