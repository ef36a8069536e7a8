/**
 * Pod IP allocation from a node's podCIDR, the way flannel's host-local IPAM hands them out:
 * the network address, the cni0 gateway (.1) and the broadcast address are never given, and
 * allocation continues round-robin after the last address handed out, so an address freed a
 * moment ago is not reused at once.
 */

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return (
    (((parts[0] as number) << 24) |
      ((parts[1] as number) << 16) |
      ((parts[2] as number) << 8) |
      (parts[3] as number)) >>>
    0
  );
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `10.244.1.0/24` into its first address and size. */
export function parseCidr(cidr: string): { base: number; size: number; prefix: number } {
  const [addr, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!addr || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new Error(`not an IPv4 CIDR: ${cidr}`);
  }
  const size = 2 ** (32 - prefix);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ipToInt(addr) & mask) >>> 0, size, prefix };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const { base, size } = parseCidr(cidr);
  const n = ipToInt(ip);
  return n >= base && n < base + size;
}

export interface AllocateRequest {
  podCIDR: string;
  /** Addresses held by live pods on the node. */
  inUse: ReadonlySet<string>;
  /** Addresses that must never be handed out (scenario pods' fixed IPs). */
  reserved: ReadonlySet<string>;
  /** The last address this node handed out; allocation resumes after it. */
  last?: string;
}

/** The next free pod address of the node, or null when the range is exhausted. */
export function allocatePodIP(req: AllocateRequest): string | null {
  const { base, size } = parseCidr(req.podCIDR);
  // host-local's range: from .2 (after the gateway) to the address before broadcast.
  const first = base + 2;
  const lastUsable = base + size - 2;
  if (lastUsable < first) return null;
  const count = lastUsable - first + 1;
  let start = first;
  if (req.last && cidrContains(req.podCIDR, req.last)) {
    const prev = ipToInt(req.last);
    start = prev >= first && prev < lastUsable ? prev + 1 : first;
  }
  for (let i = 0; i < count; i++) {
    const candidate = intToIp(first + ((start - first + i) % count));
    if (!req.inUse.has(candidate) && !req.reserved.has(candidate)) return candidate;
  }
  return null;
}
