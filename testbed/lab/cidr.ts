/**
 * IPv4 arithmetic for the lab: scenario addresses come as `a.b.c.d/len` strings and the lab
 * needs networks, hosts and membership tests to derive routes and rules from them.
 */

export interface Cidr {
  /** Address as written, without the prefix length. */
  address: string;
  prefix: number;
}

/** Parses `10.244.1.1/24` (or a bare address, taken as /32). Throws on malformed input. */
export function parseCidr(text: string): Cidr {
  const [address = '', len] = text.split('/');
  ipToInt(address);
  const prefix = len === undefined ? 32 : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new Error(`bad prefix length in ${text}`);
  }
  return { address, prefix };
}

/** The address as an unsigned 32-bit integer. Throws on anything but dotted quad IPv4. */
export function ipToInt(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${address}`);
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!/^\d{1,3}$/.test(part) || octet > 255) throw new Error(`not an IPv4 address: ${address}`);
    value = value * 256 + octet;
  }
  return value;
}

/** Dotted quad from an unsigned 32-bit integer. */
export function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The network of a CIDR in canonical form, e.g. `10.244.1.1/24` -> `10.244.1.0/24`. */
export function networkOf(text: string): string {
  const { address, prefix } = parseCidr(text);
  return `${intToIp((ipToInt(address) & mask(prefix)) >>> 0)}/${prefix}`;
}

/** True when `address` lies inside `cidr`. */
export function cidrContains(cidr: string, address: string): boolean {
  const { address: net, prefix } = parseCidr(cidr);
  const m = mask(prefix);
  return (ipToInt(net) & m) >>> 0 === (ipToInt(address) & m) >>> 0;
}

/** The address part of `a.b.c.d/len`. */
export function addressOf(text: string): string {
  return parseCidr(text).address;
}

/** The n-th address of a network: `nthAddress('10.244.0.0/24', 254)` is 10.244.0.254. */
export function nthAddress(cidr: string, n: number): string {
  const { address, prefix } = parseCidr(cidr);
  const size = 2 ** (32 - prefix);
  if (n < 0 || n >= size) throw new Error(`${cidr} has no address number ${n}`);
  return intToIp(((ipToInt(address) & mask(prefix)) >>> 0) + n);
}
