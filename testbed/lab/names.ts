/**
 * Names of everything a lab creates. Every network namespace starts with the lab's prefix
 * (`pp<4 hex>-`), so parallel or leftover runs never collide and a sweep can find them all.
 * Interface names live inside lab namespaces only and stay within the kernel's 15 characters.
 */
import { randomBytes } from 'node:crypto';

/** Matches a lab prefix such as `pp3f9a-`. */
export const LAB_PREFIX_PATTERN = /^pp[0-9a-f]{4}-$/;

/** A fresh random prefix for one lab run. */
export function newLabPrefix(): string {
  return `pp${randomBytes(2).toString('hex')}-`;
}

/** Namespace names of one lab, derived from its prefix. */
export interface LabNames {
  prefix: string;
  /** Holds one bridge per scenario segment and the flannel overlay bridge. */
  switchNs: string;
  /** The cluster DNS server's pod-like namespace. */
  dnsNs: string;
  node(index: number): string;
  /** The node's service stage (see plan.ts: the IPVS-like second stage for ClusterIPs). */
  stage(index: number): string;
  /** Second name of a node's namespace whose resolv.conf points at cluster DNS. */
  nodeClusterDns(index: number): string;
  host(index: number): string;
  pod(serial: number): string;
}

/** Names for a prefix; throws when the prefix is not of the `pp<4 hex>-` form. */
export function labNames(prefix: string): LabNames {
  if (!LAB_PREFIX_PATTERN.test(prefix)) {
    throw new Error(`lab prefix must look like pp1a2b- (got ${JSON.stringify(prefix)})`);
  }
  return {
    prefix,
    switchNs: `${prefix}sw`,
    dnsNs: `${prefix}dns`,
    node: (i) => `${prefix}n${i}`,
    stage: (i) => `${prefix}k${i}`,
    nodeClusterDns: (i) => `${prefix}n${i}c`,
    host: (i) => `${prefix}h${i}`,
    pod: (serial) => `${prefix}p${serial}`,
  };
}

/** Pod-side peer names on a node: `vp<serial>`, unique within the node namespace. */
export function podVethName(serial: number): string {
  const name = `vp${serial}`;
  if (name.length > 15) throw new Error(`interface name too long: ${name}`);
  return name;
}
