/**
 * What every format reader returns for one trace found in the input, and the walk shared by the
 * formats that print one line per hop (Linux traceroute, busybox, inetutils).
 */
import type { InputLine } from './noise';
import type { ParsedHop, ParsedProbe } from './types';

/** The header line of a trace, when the tool prints one. */
export interface TraceHeader {
  target: string | null;
  targetHost: string | null;
  maxHops: number | null;
}

/** One trace read from the input. */
export interface FormatBlock {
  header: TraceHeader | null;
  hops: ParsedHop[];
  warnings: string[];
  /** Index in the cleaned lines of the block's first line. */
  start: number;
  /** Index in the cleaned lines after the block's last line. */
  end: number;
}

/** Says whether the line at this index starts another trace (a header, or another format). */
export type StopAt = (index: number) => boolean;

/** A hop line read by a one-line-per-hop grammar. */
export interface HopLine<Style> {
  ttl: number;
  probes: ParsedProbe[];
  /** Facts about the spacing and annotations, for telling dialects apart. */
  style: Style;
}

export interface HopLineGrammar<Style> {
  header(text: string): TraceHeader | null;
  /**
   * `carry` is the last responder of the trace so far, for a hop whose first answer is printed
   * without an address (busybox does that; see busybox.ts).
   */
  hop(text: string, carry: ParsedProbe | null): HopLine<Style> | null;
  /** A wrapped line holding more probes of the previous hop; `last` is its last responder. */
  continuation(text: string, last: ParsedProbe | null): ParsedProbe[] | null;
}

/** The last probe that answered, whose address carries over to probes printed without one. */
export function lastResponder(probes: ParsedProbe[]): ParsedProbe | null {
  for (let i = probes.length - 1; i >= 0; i--) {
    const p = probes[i];
    if (p && (p.ip !== null || p.host !== null)) return p;
  }
  return null;
}

/** The last responder of any hop so far. */
function carried(hops: ParsedHop[]): ParsedProbe | null {
  for (let i = hops.length - 1; i >= 0; i--) {
    const found = lastResponder(hops[i]?.probes ?? []);
    if (found) return found;
  }
  return null;
}

/**
 * Whether a line that did not parse was meant as hop `ttl`: it starts with that TTL and then
 * `*`, something address-like (`10.244.1` cut short), or a name before `(`. Other text that
 * happens to start with the number (`4 packets transmitted`) is not.
 */
export function looksLikeHop(text: string, ttl: number): boolean {
  const m = /^\s*(\d{1,3})\s+(\S+)(\s+\()?/.exec(text);
  if (!m || Number(m[1]) !== ttl) return false;
  const next = m[2] ?? '';
  return (
    next.startsWith('*') ||
    /^[\da-fA-F]*\d[\da-fA-F]*[.:][\da-fA-F.:]*(?:%[\w.-]*)?$/.test(next) ||
    !!m[3]
  );
}

/** Quotes a line for a warning, shortened. */
export function quoteLine(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 77)}...` : t);
}

/**
 * Reads hop lines from `start` on: an optional header, then hops with rising TTLs. Noise in
 * between is passed over; the trace ends at a new command, a new header, another format, or a
 * TTL that does not rise (a second run pasted without its header). A line that starts with
 * the next expected TTL but does not parse is reported, since it was probably a hop.
 */
export function readHopLines<Style>(
  lines: InputLine[],
  start: number,
  grammar: HopLineGrammar<Style>,
  stopAt: StopAt,
  onStyle: (style: Style) => void,
): FormatBlock {
  const hops: ParsedHop[] = [];
  const warnings: string[] = [];
  let header: TraceHeader | null = null;
  let i = start;
  let lastUsed = start - 1;
  const first = lines[start];
  if (first && !first.command) {
    header = grammar.header(first.text);
    if (header) lastUsed = i++;
  }
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (!line) break;
    if (line.command) {
      if (hops.length > 0 || header) break;
      continue;
    }
    const hop = grammar.hop(line.text, carried(hops));
    if (hop) {
      const prev = hops[hops.length - 1];
      if (prev && hop.ttl <= prev.ttl) break;
      onStyle(hop.style);
      hops.push({ ttl: hop.ttl, probes: hop.probes });
      lastUsed = i;
      continue;
    }
    if (stopAt(i)) break;
    const prev = hops[hops.length - 1];
    if (prev && lastUsed === i - 1) {
      const more = grammar.continuation(line.text, lastResponder(prev.probes));
      if (more) {
        prev.probes.push(...more);
        lastUsed = i;
        continue;
      }
    }
    const expected = prev ? prev.ttl + 1 : 1;
    if (looksLikeHop(line.text, expected)) {
      warnings.push(`line ${line.no}: hop ${expected} not understood: ${quoteLine(line.text)}`);
    }
  }
  return { header, hops, warnings, start, end: lastUsed + 1 };
}
