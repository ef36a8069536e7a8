/**
 * GNU inetutils traceroute (`inetutils-traceroute` on Debian, `traceroute` on some distros):
 *
 *   traceroute to 10.244.1.3 (10.244.1.3), 64 hops max
 *     1   10.244.2.1 (r1.mini.test)  0.004ms  0.003ms  0.001ms
 *     2   *  *  *
 *     4   198.51.100.10  0.001ms !*  0.001ms !*
 *
 * No byte count in the header, times glued to `ms`, and with --resolve-hostnames the name in
 * parentheses after the address (the reverse of the LBL family). Annotations are one letter
 * from "NHPPFS**U**TTXXX" by ICMP code, so code 9 and 10 show as `!*`. IPv4 only.
 */
import {
  readHopLines,
  type FormatBlock,
  type HopLine,
  type HopLineGrammar,
  type StopAt,
  type TraceHeader,
} from './block';
import { parseTracerouteHeader } from './linux-traceroute';
import type { InputLine } from './noise';
import {
  addAnnotation,
  isAnnotation,
  isIpAddress,
  nameAndAddress,
  parseGluedMs,
  silentProbe,
  tokenize,
  unparen,
  type Token,
} from './tokens';
import type { ParsedProbe } from './types';

/** The header without a byte count: `traceroute to NAME (ADDR), N hops max`. */
export function parseInetutilsHeader(text: string): TraceHeader | null {
  const h = parseTracerouteHeader(text);
  if (!h || h.packetBytes !== null) return null;
  return { target: h.target, targetHost: h.targetHost, maxHops: h.maxHops };
}

function readProbes(tokens: Token[], carry: ParsedProbe | null): ParsedProbe[] | null {
  const probes: ParsedProbe[] = [];
  let responder: { ip: string | null; host: string | null } | null = carry
    ? { ip: carry.ip, host: carry.host }
    : null;
  let pending = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]?.text ?? '';
    if (t === '*') {
      if (pending) return null;
      probes.push(silentProbe());
      continue;
    }
    const time = parseGluedMs(t);
    if (time !== null) {
      if (!responder) return null;
      probes.push({ ip: responder.ip, host: responder.host, rttMs: time, annotation: null });
      pending = false;
      continue;
    }
    const last = probes[probes.length - 1];
    if (isAnnotation(t)) {
      if (pending || !last || last.rttMs === null) return null;
      addAnnotation(last, t);
      continue;
    }
    if (pending || !isIpAddress(t)) return null;
    const inner = unparen(tokens[i + 1]?.text ?? '');
    if (inner !== null) {
      const pair = nameAndAddress(t, inner);
      if (!pair || pair.ip !== t) return null;
      responder = pair;
      i++;
    } else {
      responder = { ip: t, host: null };
    }
    pending = true;
  }
  if (pending || probes.length === 0) return null;
  return probes;
}

/** Reads one inetutils hop line, or null when the line is not one. */
export function parseInetutilsHopLine(
  text: string,
  carry: ParsedProbe | null = null,
): HopLine<null> | null {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (!first || !/^\d{1,3}$/.test(first.text)) return null;
  const ttl = Number(first.text);
  if (ttl < 1 || ttl > 255) return null;
  const probes = readProbes(tokens.slice(1), carry);
  return probes ? { ttl, probes, style: null } : null;
}

const grammar: HopLineGrammar<null> = {
  header: parseInetutilsHeader,
  hop: parseInetutilsHopLine,
  continuation: (text, last) =>
    /^\s*\d{1,3}\s/.test(text) ? null : readProbes(tokenize(text), last),
};

/** Reads inetutils traceroute output from `start`. */
export function readInetutils(lines: InputLine[], start: number, stopAt: StopAt): FormatBlock {
  return readHopLines(lines, start, grammar, stopAt, () => undefined);
}
