/**
 * "Modern traceroute for Linux" (Dmitry Butskoy's, Debian's /usr/bin/traceroute and
 * traceroute6) and the LBL family it shares its output with (BSD, macOS, busybox):
 *
 *   traceroute to 10.244.1.3 (10.244.1.3), 30 hops max, 60 byte packets
 *    1  10.244.2.1 (10.244.2.1)  0.030 ms  0.004 ms  0.003 ms
 *    2  198.51.100.6  0.019 ms  0.002 ms 198.51.100.2  0.016 ms  0.003 ms
 *    4  198.51.100.10  0.009 ms !X  0.004 ms !X *
 *
 * A hop is its TTL, then per probe ` *` or an optional responder (` name (addr)`, or ` addr`
 * with -n, printed only when it differs from the previous responder of the hop), `  t ms`, and
 * an optional ` !X`. With -A an AS path `[AS1]`, with -e extensions `<MPLS:...>` and with
 * --back `'-2'` follow the responder; -O info prints TCP flags `<syn,ack>` after the time.
 */
import {
  readHopLines,
  type FormatBlock,
  type HopLine,
  type HopLineGrammar,
  type StopAt,
  type TraceHeader,
} from './block';
import type { InputLine } from './noise';
import {
  addAnnotation,
  isAnnotation,
  isIpAddress,
  nameAndAddress,
  parseNumber,
  silentProbe,
  tokenize,
  unparen,
  type Token,
} from './tokens';
import type { ParsedProbe } from './types';

/** The header of the LBL family: `traceroute to NAME (ADDR)[ from SRC], N hops max, B byte packets`. */
export interface LblHeader extends TraceHeader {
  packetBytes: number | null;
}

/** Spacing and annotations that tell busybox from Linux traceroute (see busybox.ts). */
export interface LblStyle {
  /** Probes and responders after the first printed with two spaces (busybox's `  *`). */
  wideGaps: number;
  /** The same printed with one space (Linux traceroute's ` *`). */
  narrowGaps: number;
  /** Annotations and extras only one of the two prints. */
  busyboxMarks: number;
  linuxMarks: number;
}

const HEADER =
  /^\s*traceroute6?\s+to\s+(\S+)\s+\(([^()\s]+)\)(?:\s+from\s+\S+)?,\s*(\d+)\s+hops?\s+max(?:,\s*(\d+)\s+byte\s+packets?)?/;

/** Reads an LBL-style header line; the byte count is null when absent (then see inetutils). */
export function parseTracerouteHeader(text: string): LblHeader | null {
  const m = HEADER.exec(text);
  if (!m) return null;
  const name = m[1] ?? '';
  const addr = m[2] ?? '';
  const ip = isIpAddress(addr) ? addr : null;
  return {
    target: ip ?? name,
    targetHost: name !== addr && !isIpAddress(name) ? name : null,
    maxHops: Number(m[3]),
    packetBytes: m[4] === undefined ? null : Number(m[4]),
  };
}

const BUSYBOX_ONLY = /^!(?:[AUIT]|)$/;
const LINUX_ONLY = /^!(?:X|<\d+-\d+>)$/;

function emptyStyle(): LblStyle {
  return { wideGaps: 0, narrowGaps: 0, busyboxMarks: 0, linuxMarks: 0 };
}

/**
 * Reads the probes of a hop line after its TTL (or of a wrapped continuation line).
 * `carry` is the responder of earlier probes, for times printed without an address.
 */
function readProbes(
  tokens: Token[],
  carry: ParsedProbe | null,
  style: LblStyle,
): ParsedProbe[] | null {
  const probes: ParsedProbe[] = [];
  let responder: { ip: string | null; host: string | null } | null = carry
    ? { ip: carry.ip, host: carry.host }
    : null;
  let pending = false;
  const countGap = (t: Token, index: number): void => {
    if (index === 0) return;
    if (t.gap >= 2) style.wideGaps++;
    else style.narrowGaps++;
  };
  let itemIndex = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) break;
    const next = tokens[i + 1];
    if (t.text === '*') {
      if (pending) return null;
      countGap(t, itemIndex++);
      probes.push(silentProbe());
      continue;
    }
    const time = parseNumber(t.text);
    if (time !== null && next?.text === 'ms') {
      if (!responder) return null;
      probes.push({ ip: responder.ip, host: responder.host, rttMs: time, annotation: null });
      if (!pending) itemIndex++;
      pending = false;
      i++;
      continue;
    }
    const last = probes[probes.length - 1];
    if (isAnnotation(t.text)) {
      if (pending || !last || last.rttMs === null) return null;
      if (BUSYBOX_ONLY.test(t.text)) style.busyboxMarks++;
      if (LINUX_ONLY.test(t.text)) style.linuxMarks++;
      addAnnotation(last, t.text);
      continue;
    }
    // Extras of Linux traceroute after a responder: -A AS path, -e extensions, --back hops.
    if (pending && /^(?:\[[^\]]*\]|<[^>]*>|'-\d+')$/.test(t.text)) {
      style.linuxMarks++;
      continue;
    }
    // After a time: TCP flags of `-O info` (Linux), or busybox -l's TTL of the answer.
    if (!pending && last && last.rttMs !== null) {
      if (/^<[^>]*>$/.test(t.text)) {
        style.linuxMarks++;
        addAnnotation(last, t.text);
        continue;
      }
      if (/^\(\d+\)$/.test(t.text)) {
        style.busyboxMarks++;
        continue;
      }
    }
    if (pending) return null;
    const inner = next ? unparen(next.text) : null;
    if (inner !== null) {
      const pair = nameAndAddress(t.text, inner);
      if (!pair || pair.ip === null || pair.ip !== inner) return null;
      responder = pair;
      i++;
    } else if (isIpAddress(t.text)) {
      responder = { ip: t.text, host: null };
    } else {
      return null;
    }
    countGap(t, itemIndex++);
    pending = true;
  }
  if (pending || probes.length === 0) return null;
  return probes;
}

/**
 * Reads one hop line (`TTL probe...`), or null when the line is not one. `carry` is the last
 * responder before this line, for a first answer printed without an address.
 */
export function parseTracerouteHopLine(
  text: string,
  carry: ParsedProbe | null = null,
): HopLine<LblStyle> | null {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (!first || !/^\d{1,3}$/.test(first.text)) return null;
  const ttl = Number(first.text);
  if (ttl < 1 || ttl > 255) return null;
  const style = emptyStyle();
  const probes = readProbes(tokens.slice(1), carry, style);
  return probes ? { ttl, probes, style } : null;
}

/** Reads a wrapped line holding only further probes of the previous hop. */
export function parseTracerouteContinuation(
  text: string,
  last: ParsedProbe | null,
): ParsedProbe[] | null {
  const tokens = tokenize(text);
  if (tokens.length === 0 || /^\d{1,3}$/.test(tokens[0]?.text ?? '')) return null;
  return readProbes(tokens, last, emptyStyle());
}

/** The grammar of the LBL family, shared with busybox.ts. */
export const lblGrammar: HopLineGrammar<LblStyle> = {
  header: parseTracerouteHeader,
  hop: parseTracerouteHopLine,
  continuation: parseTracerouteContinuation,
};

/** One LBL-family trace read from `start`, with the style totals for the dialect decision. */
export function readLblTrace(
  lines: InputLine[],
  start: number,
  stopAt: StopAt,
): FormatBlock & { style: LblStyle; packetBytes: number | null } {
  const style = emptyStyle();
  const block = readHopLines(lines, start, lblGrammar, stopAt, (s) => {
    style.wideGaps += s.wideGaps;
    style.narrowGaps += s.narrowGaps;
    style.busyboxMarks += s.busyboxMarks;
    style.linuxMarks += s.linuxMarks;
  });
  const first = lines[start];
  const header = first && !first.command ? parseTracerouteHeader(first.text) : null;
  return { ...block, style, packetBytes: header?.packetBytes ?? null };
}

/** Reads Linux traceroute output from `start` (see readLblTrace). */
export function readLinuxTraceroute(
  lines: InputLine[],
  start: number,
  stopAt: StopAt,
): FormatBlock {
  return readLblTrace(lines, start, stopAt);
}
