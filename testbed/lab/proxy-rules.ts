/**
 * The lab's service proxy: iptables-restore input in the shape kube-proxy's iptables mode
 * writes (KUBE-SERVICES -> KUBE-SVC-* -> KUBE-SEP-* with statistic-mode random choice,
 * KUBE-EXT-* for LoadBalancer IPs and NodePorts, KUBE-MARK-MASQ / KUBE-POSTROUTING for SNAT,
 * filter rules that reject Services without endpoints and drop Local-policy traffic on nodes
 * without a local endpoint). Pure: the same ports and options always give the same text.
 *
 * Deliberate choices, each reproducing a scenario:
 * - kube-proxy runs without --cluster-cidr, so nothing short-circuits pod traffic to a
 *   Local-policy LoadBalancer IP (S3 fails from a node without a local endpoint);
 * - `hairpinMasquerade` is kube-proxy's per-endpoint `-s EP -j KUBE-MARK-MASQ` (S2 needs it
 *   *and* the bridge port's hairpin mode);
 * - `captureHostExternalIPs: false` leaves traffic from the host network namespace to external
 *   IPs untranslated (S4), as in clusters where the proxy only sees pod traffic to them.
 */
import { createHash } from 'node:crypto';
import { STAGE_ADDRESS } from './plan';
import type { ProxyServicePort } from './service-model';

export interface ProxyOptions {
  hairpinMasquerade: boolean;
  captureHostExternalIPs: boolean;
}

export interface ProxyRuleSet {
  /** Input for `iptables-restore --noflush`. */
  text: string;
  /** Per-service nat chains now in use; pass back as `previousChains` on the next sync. */
  chains: string[];
}

const MASQ_MARK = '0x4000';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** kube-proxy's chain naming: a prefix and the first 16 base32 chars of a SHA-256. */
export function chainName(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('')).digest();
  return `${prefix}${base32(digest).slice(0, 16)}`;
}

/**
 * The chain of a service port (KUBE-SVC/EXT/SVL) or, with an endpoint `ip:port`, of one of its
 * endpoints (KUBE-SEP), named as kube-proxy does: the hash covers the service port name and
 * the protocol in lower case, so kube-dns:dns over UDP is KUBE-SVC-TCOU7JCQXEZGVUNU here too.
 */
export function portChainName(
  prefix: string,
  port: Pick<ProxyServicePort, 'id' | 'protocol'>,
  endpoint?: string,
): string {
  return chainName(prefix, port.id, port.protocol.toLowerCase(), ...(endpoint ? [endpoint] : []));
}

function quote(comment: string): string {
  return `"${comment.replace(/"/g, "'")}"`;
}

function proto(p: ProxyServicePort): string {
  const lower = p.protocol.toLowerCase();
  return `-p ${lower} -m ${lower}`;
}

/** Rules installed once per node namespace: the jumps from the built-in chains. */
export function nodeBaseRules(): string {
  return [
    '*filter',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-EXTERNAL-SERVICES - [0:0]',
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    'COMMIT',
    '*nat',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    'COMMIT',
    '',
  ].join('\n');
}

/** Rules installed once in a node's service stage. */
export function stageBaseRules(): string {
  return [
    '*filter',
    ':KUBE-SERVICES - [0:0]',
    '-A INPUT -m conntrack --ctstate NEW -j KUBE-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -j KUBE-SERVICES',
    'COMMIT',
    '*nat',
    ':KUBE-SERVICES - [0:0]',
    '-A PREROUTING -j KUBE-SERVICES',
    // Replies must come back through the stage to be un-DNATed, so it answers as itself.
    '-A POSTROUTING -m conntrack --ctstate DNAT -j MASQUERADE',
    'COMMIT',
    '',
  ].join('\n');
}

function probability(remaining: number): string {
  return (1 / remaining).toFixed(10);
}

/** KUBE-SVC / KUBE-SVL style load balancing over endpoints, plus their KUBE-SEP chains. */
function balance(
  chain: string,
  port: ProxyServicePort,
  endpoints: ProxyServicePort['endpoints'],
  hairpinMasquerade: boolean,
  rules: string[],
  chains: Set<string>,
): void {
  endpoints.forEach((ep, i) => {
    const sep = portChainName('KUBE-SEP-', port, `${ep.ip}:${ep.port}`);
    chains.add(sep);
    const remaining = endpoints.length - i;
    const stat =
      remaining > 1 ? ` -m statistic --mode random --probability ${probability(remaining)}` : '';
    rules.push(
      `-A ${chain} -m comment --comment ${quote(`${port.id} -> ${ep.ip}:${ep.port}`)}${stat} -j ${sep}`,
    );
    if (hairpinMasquerade) {
      rules.push(
        `-A ${sep} -s ${ep.ip}/32 -m comment --comment ${quote(port.id)} -j KUBE-MARK-MASQ`,
      );
    }
    rules.push(
      `-A ${sep} ${proto(port)} -m comment --comment ${quote(port.id)} -j DNAT --to-destination ${ep.ip}:${ep.port}`,
    );
  });
}

function assemble(
  filterChains: string[],
  filterRules: string[],
  natChains: string[],
  natRules: string[],
  chains: Set<string>,
  previousChains: string[],
): ProxyRuleSet {
  const current = [...chains].sort();
  const stale = previousChains.filter((c) => !chains.has(c)).sort();
  const text = [
    '*filter',
    ...filterChains.map((c) => `:${c} - [0:0]`),
    ...filterRules,
    'COMMIT',
    '*nat',
    ...natChains.map((c) => `:${c} - [0:0]`),
    ...current.map((c) => `:${c} - [0:0]`),
    // Declaring a stale chain flushes it, so it can be deleted in the same transaction.
    ...stale.map((c) => `:${c} - [0:0]`),
    ...natRules,
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ].join('\n');
  return { text, chains: current };
}

/**
 * The full rule set of one node for the given service ports. Applied with
 * `iptables-restore --noflush`, it rewrites every KUBE-* chain in one transaction and leaves
 * other rules (an article's fix appended to nat OUTPUT or POSTROUTING) alone.
 */
export function nodeProxyRules(input: {
  nodeName: string;
  ports: ProxyServicePort[];
  options: ProxyOptions;
  previousChains: string[];
}): ProxyRuleSet {
  const { nodeName, ports, options } = input;
  const filter: string[] = [];
  const nat: string[] = [
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`,
    `-A KUBE-POSTROUTING -s ${STAGE_ADDRESS}/32 -m comment --comment "service stage: host traffic DNATed to a ClusterIP" -j MASQUERADE`,
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ];
  const services: string[] = [];
  const nodePorts: string[] = [];
  const chains = new Set<string>();

  for (const port of ports) {
    const svc = portChainName('KUBE-SVC-', port);
    const ext = portChainName('KUBE-EXT-', port);
    const svl = portChainName('KUBE-SVL-', port);
    const p = proto(port);
    const has = port.endpoints.length > 0;
    const local = port.endpoints.filter((e) => e.nodeName === nodeName);
    const localPolicy = port.externalTrafficPolicy === 'Local';
    const hasExternal = port.externalIPs.length > 0 || port.nodePort !== null;

    if (has) {
      chains.add(svc);
      if (port.clusterIP) {
        services.push(
          `-A KUBE-SERVICES -d ${port.clusterIP}/32 ${p} --dport ${port.port} -m comment --comment ${quote(`${port.id} cluster IP`)} -j ${svc}`,
        );
      }
      balance(svc, port, port.endpoints, options.hairpinMasquerade, nat, chains);
    } else if (port.clusterIP) {
      filter.push(
        `-A KUBE-SERVICES -d ${port.clusterIP}/32 ${p} --dport ${port.port} -m comment --comment ${quote(`${port.id} has no endpoints`)} -j REJECT --reject-with icmp-port-unreachable`,
      );
    }

    if (!hasExternal) continue;
    if (!has) {
      for (const ip of port.externalIPs) {
        filter.push(
          `-A KUBE-EXTERNAL-SERVICES -d ${ip}/32 ${p} --dport ${port.port} -m comment --comment ${quote(`${port.id} has no endpoints`)} -j REJECT --reject-with icmp-port-unreachable`,
        );
      }
      if (port.nodePort !== null) {
        filter.push(
          `-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL ${p} --dport ${port.nodePort} -m comment --comment ${quote(`${port.id} has no endpoints`)} -j REJECT --reject-with icmp-port-unreachable`,
        );
      }
      continue;
    }

    chains.add(ext);
    const hostScope = options.captureHostExternalIPs ? '' : ' -m addrtype ! --src-type LOCAL';
    for (const ip of port.externalIPs) {
      services.push(
        `-A KUBE-SERVICES -d ${ip}/32 ${p} --dport ${port.port}${hostScope} -m comment --comment ${quote(`${port.id} loadbalancer IP`)} -j ${ext}`,
      );
    }
    if (port.nodePort !== null) {
      nodePorts.push(
        `-A KUBE-NODEPORTS ${p} --dport ${port.nodePort} -m comment --comment ${quote(port.id)} -j ${ext}`,
      );
    }
    if (!localPolicy) {
      nat.push(
        `-A ${ext} -m comment --comment ${quote(`masquerade traffic for ${port.id} external destinations`)} -j KUBE-MARK-MASQ`,
        `-A ${ext} -j ${svc}`,
      );
      continue;
    }
    // Local policy: the node's own traffic may use any endpoint; everything else only local ones.
    nat.push(
      `-A ${ext} -m comment --comment ${quote(`masquerade LOCAL traffic for ${port.id} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
      `-A ${ext} -m comment --comment ${quote(`route LOCAL traffic for ${port.id} external destinations`)} -m addrtype --src-type LOCAL -j ${svc}`,
    );
    if (local.length > 0) {
      chains.add(svl);
      nat.push(`-A ${ext} -j ${svl}`);
      balance(svl, port, local, options.hairpinMasquerade, nat, chains);
    } else {
      for (const ip of port.externalIPs) {
        filter.push(
          `-A KUBE-EXTERNAL-SERVICES -d ${ip}/32 ${p} --dport ${port.port} -m comment --comment ${quote(`${port.id} has no local endpoints`)} -j DROP`,
        );
      }
      if (port.nodePort !== null) {
        filter.push(
          `-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL ${p} --dport ${port.nodePort} -m comment --comment ${quote(`${port.id} has no local endpoints`)} -j DROP`,
        );
      }
    }
  }

  services.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  return assemble(
    ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES'],
    filter,
    ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
    [...services, ...nodePorts, ...nat],
    chains,
    input.previousChains,
  );
}

/**
 * The rule set of a node's service stage: ClusterIPs only, no masquerade marks (the stage
 * masquerades everything it DNATs), rejects for Services without endpoints.
 */
export function stageProxyRules(input: {
  ports: ProxyServicePort[];
  previousChains: string[];
}): ProxyRuleSet {
  const filter: string[] = [];
  const services: string[] = [];
  const nat: string[] = [];
  const chains = new Set<string>();
  for (const port of input.ports) {
    if (!port.clusterIP) continue;
    const p = proto(port);
    if (port.endpoints.length === 0) {
      filter.push(
        `-A KUBE-SERVICES -d ${port.clusterIP}/32 ${p} --dport ${port.port} -m comment --comment ${quote(`${port.id} has no endpoints`)} -j REJECT --reject-with icmp-port-unreachable`,
      );
      continue;
    }
    const svc = portChainName('KUBE-SVC-', port);
    chains.add(svc);
    services.push(
      `-A KUBE-SERVICES -d ${port.clusterIP}/32 ${p} --dport ${port.port} -m comment --comment ${quote(`${port.id} cluster IP`)} -j ${svc}`,
    );
    balance(svc, port, port.endpoints, false, nat, chains);
  }
  return assemble(
    ['KUBE-SERVICES'],
    filter,
    ['KUBE-SERVICES'],
    [...services, ...nat],
    chains,
    input.previousChains,
  );
}
