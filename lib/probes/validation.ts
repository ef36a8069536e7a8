/**
 * The only values that reach a probe's argv: IPv4 and IPv6 literals, RFC 1123 DNS names, numeric
 * ports and bounded integers. Probe commands never pass through a shell, but Kubernetes itself
 * expands `$(VAR)` in command and args, and a value starting with `-` would be read as an
 * option; the allow-list below excludes both by construction, and says so explicitly first so
 * the error names the real problem.
 */

export class ProbeInputError extends Error {
  override readonly name = 'ProbeInputError';
  readonly code = 'invalid-probe-input';
}

export type HostKind = 'ipv4' | 'ipv6' | 'dns';

export interface ValidHost {
  kind: HostKind;
  /** The value as it goes into argv (IPv6 compressed as given, DNS names lowercased). */
  value: string;
}

function isDecimalOctet(part: string): boolean {
  // Leading zeros are refused: inet_aton reads `010` as octal 8, so `10.0.0.010` is not what
  // it looks like.
  return /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255;
}

/** A dotted-quad IPv4 literal, four decimal octets, no leading zeros. */
export function isIPv4(input: string): boolean {
  const parts = input.split('.');
  return parts.length === 4 && parts.every(isDecimalOctet);
}

/** An IPv6 literal (RFC 4291 text forms, embedded IPv4 allowed), without zone or brackets. */
export function isIPv6(input: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(input) || input.length > 45) return false;
  const halves = input.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  let width = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i] ?? '';
    const last = i === all.length - 1;
    if (last && g.includes('.')) {
      if (!isIPv4(g)) return false;
      width += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      width += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? width < 8 : width === 8;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * An RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, at most 253
 * characters, an optional trailing dot. The last label may not be all digits, so that `1.2.3`
 * (which inet_aton would read as 1.2.0.3) is never taken for a name.
 */
export function isDnsName(input: string): boolean {
  const name = input.endsWith('.') ? input.slice(0, -1) : input;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.toLowerCase().split('.');
  if (!labels.every((l) => LABEL.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1] ?? '');
}

function refuseDangerous(input: string, what: string): void {
  if (input.startsWith('-')) {
    throw new ProbeInputError(
      `${what} ${JSON.stringify(input)} starts with "-" (read as an option)`,
    );
  }
  if (input.includes('$(')) {
    throw new ProbeInputError(
      `${what} ${JSON.stringify(input)} contains "$(" (Kubernetes expands $(VAR) in args)`,
    );
  }
}

/** Validates a probe target host; throws ProbeInputError for anything but an IP or DNS name. */
export function validateHost(input: string): ValidHost {
  if (typeof input !== 'string' || input.length === 0) {
    throw new ProbeInputError('the probe target is empty');
  }
  refuseDangerous(input, 'target');
  if (isIPv4(input)) return { kind: 'ipv4', value: input };
  if (isIPv6(input)) return { kind: 'ipv6', value: input };
  if (isDnsName(input)) return { kind: 'dns', value: input.toLowerCase() };
  throw new ProbeInputError(
    `target ${JSON.stringify(input)} is neither an IPv4/IPv6 address nor a DNS name (RFC 1123)`,
  );
}

/** Validates a TCP port given as a number or a string of digits (1..65535). */
export function validatePort(input: number | string): number {
  const text = typeof input === 'number' ? String(input) : input;
  refuseDangerous(text, 'port');
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new ProbeInputError(`port ${JSON.stringify(text)} is not a number from 1 to 65535`);
  }
  return Number(text);
}

/** An integer option within bounds; `what` names it in the error. */
export function validateInteger(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ProbeInputError(`${what} must be a whole number from ${min} to ${max}, not ${value}`);
  }
  return value;
}
