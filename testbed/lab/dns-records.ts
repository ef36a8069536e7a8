/**
 * What the lab's cluster DNS knows and how it answers, as CoreDNS's kubernetes plugin does for
 * A queries: `<svc>.<ns>.svc.cluster.local` is the ClusterIP (or the ready pod IPs of a
 * headless Service), `a-b-c-d.<ns>.pod.cluster.local` is a-b-c-d. Pure.
 */
import { RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_SERVFAIL, TYPE_A } from './dns-wire';
import type { DnsService } from './service-model';

export const CLUSTER_DOMAIN = 'cluster.local';

/** Fully qualified name (lower case, no trailing dot) -> A addresses. */
export type DnsRecords = Record<string, string[]>;

/** Records for a set of Services. A headless Service without ready pods still exists (NODATA). */
export function dnsRecords(services: DnsService[], domain = CLUSTER_DOMAIN): DnsRecords {
  const out: DnsRecords = {};
  for (const svc of services) {
    out[`${svc.name}.${svc.namespace}.svc.${domain}`.toLowerCase()] = [...svc.addresses];
  }
  return out;
}

/** The answer to one question. Names outside the cluster domain fail: the lab has no upstream. */
export function answer(
  records: DnsRecords,
  name: string,
  type: number,
  domain = CLUSTER_DOMAIN,
): { rcode: number; addresses: string[] } {
  const fqdn = name.toLowerCase().replace(/\.$/, '');
  const known = records[fqdn];
  if (known) return { rcode: RCODE_NOERROR, addresses: type === TYPE_A ? known : [] };
  const pod = new RegExp(
    `^(\\d{1,3})-(\\d{1,3})-(\\d{1,3})-(\\d{1,3})\\.[a-z0-9-]+\\.pod\\.${domain.replace(/\./g, '\\.')}$`,
  ).exec(fqdn);
  if (pod && pod.slice(1, 5).every((o) => Number(o) <= 255)) {
    return { rcode: RCODE_NOERROR, addresses: type === TYPE_A ? [pod.slice(1, 5).join('.')] : [] };
  }
  if (fqdn === domain || fqdn.endsWith(`.${domain}`) || fqdn.endsWith('.in-addr.arpa')) {
    return { rcode: RCODE_NXDOMAIN, addresses: [] };
  }
  return { rcode: RCODE_SERVFAIL, addresses: [] };
}

/** resolv.conf of a pod with dnsPolicy ClusterFirst (or a hostNetwork pod with ...WithHostNet). */
export function podResolvConf(
  namespace: string,
  nameserver: string,
  domain = CLUSTER_DOMAIN,
): string {
  return [
    `search ${namespace}.svc.${domain} svc.${domain} ${domain}`,
    `nameserver ${nameserver}`,
    'options ndots:5',
    '',
  ].join('\n');
}
