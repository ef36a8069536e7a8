/**
 * Pure readers that turn a TraceResult's pieces into the words and numbers the trace panels show.
 * No React here, so every rule of wording is unit-tested on its own.
 */
import type {
  ConnectSummary,
  Finding,
  FindingFix,
  HopEntity,
  PathElement,
  Severity,
  TraceResult,
} from '@/lib/trace/types';
import { median } from '@/lib/trace/compare';

/** Who owns a hop's address, in a few words: "pod default/httpd", "cni0 of node-2", ... */
export function entityLabel(entity: HopEntity | null | undefined): string {
  if (!entity) return 'unknown';
  if (entity.label) return entity.label;
  const nsName = (fallback: string) =>
    entity.namespace && entity.name
      ? `${entity.namespace}/${entity.name}`
      : (entity.name ?? fallback);
  switch (entity.kind) {
    case 'pod':
      return `pod ${nsName('?')}`;
    case 'interface':
      return entity.node
        ? `${entity.name ?? 'interface'} of ${entity.node}`
        : (entity.name ?? 'interface');
    case 'node':
      return `node ${entity.name ?? entity.node ?? '?'}`;
    case 'service':
      return `service ${nsName('?')}`;
    case 'loadbalancer':
      return entity.name ? `LoadBalancer ${nsName('?')}` : 'LoadBalancer';
    case 'external':
      return entity.name ? `${entity.name} (outside the cluster)` : 'outside the cluster';
    case 'unknown':
      return 'unknown';
  }
}

/** One round-trip time: 3 decimals under 0.1 ms (the lab's veths), 2 under 10, then fewer. */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  const digits = abs < 0.1 ? 3 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return `${ms.toFixed(digits)} ms`;
}

/** "0.41 ms · 0.52 ms"; empty for no time at all. */
export function formatRtt(ms: readonly number[]): string {
  return ms.map(formatMs).join(' · ');
}

/** The two path elements a link joins, or null when the index or its ends are out of range. */
export function linkEndpoints(
  trace: Pick<TraceResult, 'path' | 'links'>,
  linkIndex: number | null | undefined,
): { from: PathElement; to: PathElement } | null {
  if (linkIndex === null || linkIndex === undefined) return null;
  const link = trace.links[linkIndex];
  if (!link) return null;
  const from = trace.path[link.from];
  const to = trace.path[link.to];
  return from && to ? { from, to } : null;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then info; the rules' own order within each (a new array). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

/** A fix's commands as one pasteable script, one command a line. */
export function fixCommandsText(fix: FindingFix): string {
  return (fix.commands ?? []).join('\n');
}

/**
 * A short label for a path element id: `pod:default/httpd` -> "default/httpd",
 * `node-2/cni0` -> "cni0 · node-2", `service:default/x` -> "svc default/x".
 */
export function pathElementLabel(el: Pick<PathElement, 'id' | 'label'> | string): string {
  const id = typeof el === 'string' ? el : el.id;
  const label = typeof el === 'string' ? undefined : el.label;
  const colon = id.indexOf(':');
  const prefix = colon === -1 ? '' : id.slice(0, colon);
  const rest = colon === -1 ? id : id.slice(colon + 1);
  switch (prefix) {
    case 'pod':
      return rest;
    case 'service':
      return `svc ${rest}`;
    case 'node':
      return `node ${rest}`;
    case 'loadbalancer':
      return `LB ${rest}`;
    case 'external':
      return label && label !== rest ? `${label} · ${rest}` : rest;
    case 'unknown':
    case 'ip':
      return rest;
    default: {
      // Interfaces are `NODE/NAME`; anything else is shown as it is.
      const slash = id.lastIndexOf('/');
      if (colon === -1 && slash > 0) return `${id.slice(slash + 1)} · ${id.slice(0, slash)}`;
      return id;
    }
  }
}

/** The median of some numbers, null for none (one definition, beside the trace diff). */
export { median };

/** How many sentences a paragraph of an explanation holds at most. */
const SENTENCES_PER_PARAGRAPH = 3;

/**
 * An explanation as paragraphs. The rules write one long run of sentences; blank lines split it
 * where they exist, "Not confirmed: ..." always starts its own paragraph, and otherwise every
 * few sentences do. Sentences end at ". " before a capital, a backtick or a bracket, so
 * addresses such as 10.244.1.3 never split.
 */
export function explanationParagraphs(text: string): string[] {
  const out: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const sentences = block
      .trim()
      .split(/(?<=[.!?])\s+(?=[A-Z`(["'])/)
      .filter((s) => s.length > 0);
    let current: string[] = [];
    for (const s of sentences) {
      if (/^Not confirmed\b/.test(s) && current.length > 0) {
        out.push(current.join(' '));
        current = [];
      }
      current.push(s);
      if (current.length >= SENTENCES_PER_PARAGRAPH) {
        out.push(current.join(' '));
        current = [];
      }
    }
    if (current.length > 0) out.push(current.join(' '));
  }
  return out;
}

/** A piece of prose: plain text, or something to set in monospace (code, address, id). */
export interface InlineSegment {
  text: string;
  code: boolean;
}

const INLINE_CODE =
  /`([^`]+)`|\b((?:pod|service|node|loadbalancer|external):\w(?:[\w.-]*\w)?(?:\/\w(?:[\w.-]*\w)?)?(?::\d+)?)|(\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2}|:\d{1,5})?\b)/g;

/**
 * Splits prose so that `backticked` code, endpoint ids (`pod:default/httpd`) and IPv4 addresses
 * (with a port or prefix length) can be set in monospace. Backticks are dropped.
 */
export function inlineSegments(text: string): InlineSegment[] {
  const out: InlineSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE_CODE)) {
    const start = m.index;
    if (start > last) out.push({ text: text.slice(last, start), code: false });
    out.push({ text: m[1] ?? m[2] ?? m[3] ?? m[0], code: true });
    last = start + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), code: false });
  return out;
}

/**
 * Whether a line of evidence is a tool's output rather than prose: several lines, a shell
 * prompt, or a quote of what a probe printed.
 */
export function looksLikeOutput(line: string): boolean {
  if (line.includes('\n')) return true;
  if (/^[$#] /.test(line)) return true;
  return /^(as printed|traceroute( to)?|nslookup|ip (route|addr|link)|iptables|bridge|conntrack)\b[^.]*:/.test(
    line,
  );
}

/** What traceroute's `!X` marks after a time mean (Linux traceroute, busybox, inetutils). */
export function annotationMeaning(annotation: string): string {
  const a = annotation.trim();
  const known: Record<string, string> = {
    '!': 'the reply came back with TTL 1 or less (busybox)',
    '!H': 'host unreachable (ICMP)',
    '!N': 'network unreachable (ICMP)',
    '!P': 'protocol unreachable (ICMP)',
    '!S': 'source route failed (ICMP)',
    '!F': 'fragmentation needed (ICMP)',
    '!X': 'communication administratively prohibited: a firewall rule rejected it (ICMP)',
    '!A': 'communication with the destination network administratively prohibited (ICMP)',
    '!C': 'precedence cutoff in effect (ICMP)',
    '!V': 'host precedence violation (ICMP)',
    '!U': 'destination host unknown (ICMP)',
    '!I': 'source host isolated (ICMP)',
    '!T': 'unreachable for this type of service (ICMP)',
    '!*': 'unreachable, code not recognised (inetutils)',
  };
  const exact = known[a];
  if (exact) return exact;
  const frag = /^!F-(\d+)$/.exec(a);
  if (frag) return `fragmentation needed: the next link's MTU is ${frag[1]} bytes (ICMP)`;
  const code = /^!<(\d+)(?:-(\d+))?>$/.exec(a);
  if (code) {
    return code[2] !== undefined
      ? `ICMP type ${code[1]}, code ${code[2]}`
      : `ICMP destination unreachable, code ${code[1]}`;
  }
  if (/^pmtu \d+$/.test(a)) return `path MTU ${a.slice(5)} bytes (tracepath)`;
  return `as traceroute printed it: ${a}`;
}

/** The order raw outputs are shown in: traceroute, connect, dns, then the rest as they came. */
export function rawKeys(raw: TraceResult['raw']): string[] {
  const first = ['traceroute', 'connect', 'dns'];
  const present = Object.keys(raw).filter((k) => raw[k] !== undefined);
  return [
    ...first.filter((k) => present.includes(k)),
    ...present.filter((k) => !first.includes(k)),
  ];
}

/** A tab's name for a raw key: the probes' own names, and extra probes without their prefix. */
export function rawKeyLabel(key: string): string {
  return key.startsWith('extra:') ? key.slice('extra:'.length) : key;
}

/** An address and port as written in a URL: `10.96.0.10:80`, `[fd00::10]:80`. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** "7 of 10 connects to 10.96.0.10:80 succeeded". */
export function connectHeadline(connect: ConnectSummary): string {
  return `${connect.succeeded} of ${connect.attempts} connect${connect.attempts === 1 ? '' : 's'} to ${hostPort(connect.target, connect.port)} succeeded`;
}

/** The failures of a connect series grouped by error, most frequent first: "3× Connection refused". */
export function connectFailures(connect: ConnectSummary): { error: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of connect.results) {
    if (r.ok) continue;
    const key = r.error?.trim() || 'failed';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([error, count]) => ({ error, count }))
    .sort((a, b) => b.count - a.count || a.error.localeCompare(b.error));
}

/** The median time of the connects that succeeded, or null when none has a time. */
export function connectMedianMs(connect: ConnectSummary): number | null {
  return median(connect.results.flatMap((r) => (r.ok && r.ms !== null ? [r.ms] : [])));
}
