/**
 * Pieces every format shares: addresses, names, times and annotations, and a tokenizer that
 * keeps the spacing (busybox and Linux traceroute differ only in how many spaces they print).
 * Pure and browser-safe: no node:net, so the dashboard can parse a paste client-side.
 */
import type { ParsedProbe } from './types';

/** A whitespace-separated word of a line, with the spaces printed before it. */
export interface Token {
  text: string;
  /** Number of whitespace characters between the previous token (or line start) and this one. */
  gap: number;
  /** Column where the token starts. */
  start: number;
}

/** Splits a line into tokens, remembering the spacing before each. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const re = /(\s*)(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const gap = m[1]?.length ?? 0;
    tokens.push({ text: m[2] ?? '', gap, start: m.index + gap });
  }
  return tokens;
}

/** Whether s is a dotted-quad IPv4 address. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Whether s is an IPv6 address (with an optional `%zone`, as link-local hops print). */
export function isIPv6(s: string): boolean {
  const zoneAt = s.indexOf('%');
  const addr = zoneAt >= 0 ? s.slice(0, zoneAt) : s;
  if (zoneAt >= 0 && !/^[\w.-]+$/.test(s.slice(zoneAt + 1))) return false;
  if (!addr.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(addr)) return false;
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | null => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i] ?? '';
    // An embedded IPv4 address (::ffff:192.0.2.1) may only close the address.
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** Whether s is an IPv4 or IPv6 address. */
export function isIpAddress(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/**
 * Whether s can be a host name a tool printed: no spaces or parentheses, starting with a
 * letter, digit or underscore (`_gateway` is what systemd-resolved calls the default route).
 */
export function isHostName(s: string): boolean {
  return /^[\p{L}\p{N}_][^\s()[\]<>]*$/u.test(s) && !/^[\d.]+$/.test(s);
}

/** `(text)` → `text`, else null. */
export function unparen(s: string): string | null {
  const m = /^\((.+)\)$/.exec(s);
  return m ? (m[1] ?? null) : null;
}

/**
 * A responder printed as a pair, `name (address)` by most tools or `address (name)` by
 * inetutils and `tracepath -n -b`: whichever side is an address is the address. A name equal
 * to the address is no name (the resolver found none and the tool printed the address twice).
 */
export function nameAndAddress(
  outside: string,
  inside: string,
): { ip: string | null; host: string | null } | null {
  const outsideIp = isIpAddress(outside);
  const insideIp = isIpAddress(inside);
  if (insideIp) {
    if (outsideIp) return { ip: inside, host: null };
    return isHostName(outside) ? { ip: inside, host: outside } : null;
  }
  if (outsideIp && isHostName(inside)) return { ip: outside, host: inside };
  return null;
}

/** A time printed as `0.123` followed by a separate `ms` token. */
export function parseNumber(s: string): number | null {
  if (!/^\d+(?:\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A time printed glued to its unit, `0.123ms` (inetutils, tracepath). */
export function parseGluedMs(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)ms$/.exec(s);
  return m ? parseNumber(m[1] ?? '') : null;
}

/**
 * An annotation after a probe's time: `!H`, `!N`, `!X`, `!P`, `!S`, `!A`, `!C`, `!V`, `!U`,
 * `!I`, `!T`, `!*` (inetutils), `!F-1480`, `!<5>`, `!<3-1>` (Linux traceroute, type-code),
 * or a bare `!` (busybox: the answer came with TTL 1).
 */
export function isAnnotation(s: string): boolean {
  return /^!(?:[A-Z*](?:-\d+)?|<\d+(?:-\d+)?>)?$/.test(s);
}

/** The probe of a silent `*`. */
export function silentProbe(): ParsedProbe {
  return { ip: null, host: null, rttMs: null, annotation: null };
}

/** Adds an annotation to a probe that already has one (never happens in practice; kept whole). */
export function addAnnotation(probe: ParsedProbe, annotation: string): void {
  probe.annotation = probe.annotation ? `${probe.annotation} ${annotation}` : annotation;
}
