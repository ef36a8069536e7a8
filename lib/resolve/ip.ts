/**
 * Small IPv4/IPv6 helpers: parsing, one canonical spelling, CIDR arithmetic. Addresses are
 * compared in their canonical form so that `fd00::0:1` in an annotation and `fd00::1` in a
 * traceroute line name the same interface.
 */

/** An address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

export interface ParsedCidr {
  family: 4 | 6;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses a dotted-quad IPv4 or an RFC 4291 IPv6 address (no zone, no embedded IPv4); null if invalid. */
export function parseIp(text: string): ParsedIp | null {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === null ? null : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === null ? null : { family: 4, value };
}

/** The canonical spelling of an address (RFC 5952 for IPv6), or null when it is not one. */
export function canonicalIp(text: string): string | null {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
}

/** Formats a parsed address. */
export function formatIp(ip: ParsedIp): string {
  return ip.family === 4 ? formatIPv4(ip.value) : formatIPv6(ip.value);
}

/** Parses `ADDRESS/PREFIX`; the host bits are cleared, as the kernel does for routes. */
export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > BITS[ip.family]) return null;
  return { family: ip.family, network: ip.value & mask(ip.family, prefix), prefix };
}

/** Whether the CIDR contains the address. */
export function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  return cidr.family === ip.family && (ip.value & mask(ip.family, cidr.prefix)) === cidr.network;
}

/** The address `offset` above the CIDR's network address: 0 is the network address, 1 the gateway. */
export function cidrHost(cidr: ParsedCidr, offset: number): string {
  return formatIp({ family: cidr.family, value: cidr.network + BigInt(offset) });
}

/** Number of leading bits two addresses of the same family share; 0 across families. */
export function commonPrefixLength(a: ParsedIp, b: ParsedIp): number {
  if (a.family !== b.family) return 0;
  const bits = BITS[a.family];
  let diff = a.value ^ b.value;
  let len = bits;
  while (diff > 0n) {
    diff >>= 1n;
    len -= 1;
  }
  return len;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = BITS[family];
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    // Leading zeros are refused: some tools read them as octal, so `010` is ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) + BigInt(p);
  }
  return value;
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 255n).toString()).join('.');
}

function parseIPv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) + BigInt(parseInt(g, 16));
  }
  return value;
}

function formatIPv6(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  const left = groups.slice(0, best.start).join(':');
  const right = groups.slice(best.start + best.len).join(':');
  return `${left}::${right}`;
}
