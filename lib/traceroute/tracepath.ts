/**
 * tracepath (iputils), one line per probe rather than per hop:
 *
 *    1?: [LOCALHOST]                      pmtu 1500
 *    1:  10.244.2.1                                            0.049ms
 *    1:  10.244.2.1                                            0.005ms
 *    2:  no reply
 *    3:  r3.mini.test                                          0.102ms !N
 *    4:  10.244.1.3 (10.244.1.3)                               0.021ms reached
 *        Resume: pmtu 1500 hops 3 back 3
 *
 * `N?:` means the TTL was guessed. After the responder (a name, an address, `name (addr)` with
 * -b, `addr (name)` with -n -b, or `???` when tracepath -6 found no name) come, in any order (older versions print `asymm` first):
 * the time, `asymm N`, `pmtu N`, `reached`, or `!H` `!N` `!A` `!P`. The `[LOCALHOST]` line
 * reports the local MTU and is no hop. The target is never printed: it is the `reached` line's
 * responder, or the command line's operand. A probe answered with `pmtu N` (too big for the
 * next link) gets that as its annotation.
 */
import { quoteLine, type FormatBlock, type StopAt } from './block';
import type { InputLine } from './noise';
import {
  isAnnotation,
  isHostName,
  isIpAddress,
  nameAndAddress,
  parseGluedMs,
  tokenize,
  unparen,
} from './tokens';
import type { ParsedHop, ParsedProbe } from './types';

/** One tracepath line with a TTL. */
export type TracepathLine =
  | { kind: 'probe'; ttl: number; probe: ParsedProbe; reached: boolean; note: string | null }
  | { kind: 'local'; ttl: number }
  | { kind: 'other'; ttl: number; note: string };

const LINE = /^\s*(\d{1,3})(\??):\s+(\S.*)$/;
const KEYWORDS = new Set(['asymm', 'pmtu', 'reached']);
const BROKEN = '(This broken router returned corrupted payload)';

/** Reads one tracepath line that starts with `N:` or `N?:`, or null. */
export function parseTracepathLine(text: string): TracepathLine | null {
  const m = LINE.exec(text);
  if (!m) return null;
  const ttl = Number(m[1]);
  if (ttl < 1 || ttl > 255) return null;
  const rest = (m[3] ?? '').trimEnd();
  if (/^\[LOCALHOST\](?:\s|$)/.test(rest)) return { kind: 'local', ttl };
  if (rest === 'no reply') {
    return {
      kind: 'probe',
      ttl,
      probe: { ip: null, host: null, rttMs: null, annotation: null },
      reached: false,
      note: null,
    };
  }
  if (rest === 'send failed') {
    return {
      kind: 'probe',
      ttl,
      probe: { ip: null, host: null, rttMs: null, annotation: null },
      reached: false,
      note: `tracepath could not send the probe with TTL ${ttl}`,
    };
  }
  if (rest.startsWith('reply received')) {
    return {
      kind: 'other',
      ttl,
      note: `tracepath got an answer to the probe itself at TTL ${ttl}`,
    };
  }
  let note: string | null = null;
  let body = rest;
  if (body.includes(BROKEN)) {
    body = body.replace(BROKEN, ' ');
    note = `the router at TTL ${ttl} returned a corrupted payload`;
  }
  const tokens = tokenize(body).map((t) => t.text);
  const who = tokens[0] ?? '';
  let responder: { ip: string | null; host: string | null } | null = null;
  let i = 1;
  const inner = unparen(tokens[1] ?? '');
  if (inner !== null) {
    // `??? (addr)`: -b when the name lookup failed (the lab shows both this and `addr (addr)`).
    responder =
      who === '???' && isIpAddress(inner) ? { ip: inner, host: null } : nameAndAddress(who, inner);
    i = 2;
  } else if (isIpAddress(who)) {
    responder = { ip: who, host: null };
  } else if (who === '???') {
    // tracepath -6 prints `???` for a responder whose name it could not look up: it answered,
    // but the output does not say who it was.
    responder = { ip: null, host: null };
  } else if (isHostName(who) && !KEYWORDS.has(who)) {
    // Without -n or -b tracepath prints only the name of a responder that has one.
    responder = { ip: null, host: who };
  }
  if (!responder) return null;
  const probe: ParsedProbe = { ...responder, rttMs: null, annotation: null };
  let reached = false;
  for (; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const time = parseGluedMs(t);
    if (time !== null && probe.rttMs === null) probe.rttMs = time;
    else if (t === 'reached') reached = true;
    else if (t === 'asymm' && /^\d+$/.test(tokens[i + 1] ?? '')) i++;
    else if (t === 'pmtu' && /^\d+$/.test(tokens[i + 1] ?? '')) {
      // The probe was too big for the next link: the answer is "fragmentation needed", as
      // traceroute's `!F-1280`, not "time exceeded". Kept as printed.
      probe.annotation ??= `pmtu ${tokens[++i] ?? ''}`;
    } else if (isAnnotation(t) && probe.annotation === null) probe.annotation = t;
    else return null;
  }
  return { kind: 'probe', ttl, probe, reached, note };
}

function isClosingLine(text: string): boolean {
  return /^\s*(?:Resume: pmtu|Too many hops: pmtu)\b/.test(text);
}

/**
 * Reads tracepath output from `start`; the target is the address that was reached. `closed`
 * when the `Resume:` summary was read: until then, a later line may add probes to the last hop.
 */
export function readTracepath(
  lines: InputLine[],
  start: number,
  stopAt: StopAt,
): FormatBlock & { reached: ParsedProbe | null; closed: boolean } {
  const hops: ParsedHop[] = [];
  const warnings: string[] = [];
  let reached: ParsedProbe | null = null;
  let closed = false;
  let lastTtl = 0;
  let lastUsed = start - 1;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    if (!line) break;
    if (line.command) {
      if (lastUsed >= start) break;
      continue;
    }
    const parsed = parseTracepathLine(line.text);
    if (parsed) {
      // A lower TTL starts another run; `1?: [LOCALHOST]` comes before hop 1 at TTL 1.
      if (parsed.ttl < lastTtl) break;
      lastTtl = parsed.ttl;
      lastUsed = i;
      if (parsed.kind === 'local') continue;
      if (parsed.kind === 'other') {
        warnings.push(`line ${line.no}: ${parsed.note}`);
        continue;
      }
      if (parsed.note) warnings.push(`line ${line.no}: ${parsed.note}`);
      const hop = hops[hops.length - 1];
      if (hop && hop.ttl === parsed.ttl) hop.probes.push(parsed.probe);
      else hops.push({ ttl: parsed.ttl, probes: [parsed.probe] });
      if (parsed.reached) reached = parsed.probe;
      continue;
    }
    if (isClosingLine(line.text)) {
      if (lastUsed >= start) lastUsed = i;
      // The summary closes the run: anything after it belongs to something else.
      if (/Resume:/.test(line.text)) {
        closed = lastUsed >= start;
        break;
      }
      continue;
    }
    if (stopAt(i)) break;
    if (/^\s*\d{1,3}\??:\s/.test(line.text)) {
      warnings.push(`line ${line.no}: tracepath line not understood: ${quoteLine(line.text)}`);
    }
  }
  return { header: null, hops, warnings, start, end: lastUsed + 1, reached, closed };
}
