import { cidrHost, parseCidr } from '@/lib/resolve/ip';

/**
 * The pod gateway of a podCIDR: the CIDR's first host address (its .1 for IPv4), which is what
 * flannel, and the bridge CNI plugin in general, gives cni0. Returns null for anything that is
 * not a CIDR.
 */
export function podCidrGateway(cidr: string): string | null {
  const parsed = parseCidr(cidr);
  return parsed ? cidrHost(parsed, 1) : null;
}
