/**
 * Rule `dns`: a `dns:` target that did not resolve from the source. The lookup is the trace's
 * first step, so nothing after it was tried. The finding shows the lookup as the resolver
 * printed it, what the cluster does know under that name or near it (a Service in another
 * namespace is the classic: a short name is only searched in the caller's own namespace), and
 * the fixes of article 002, part 2, where they apply: the Service's full name, a CoreDNS `hosts`
 * entry for a machine outside the cluster, a CoreDNS `rewrite` onto a Service.
 */
import { parseNslookup } from '@/lib/engine/dns-output';
import { editDistance as distance } from '../evidence';
import type { InventoryPod, InventoryService, InventorySnapshot } from '@/lib/inventory/types';
import { serviceEndpoints } from '@/lib/topology/endpoints';
import type { Finding, FindingFix } from '@/lib/trace/types';
import { describeEndpoint, evaluateNetworkPolicies, type PolicyFlow } from '../network-policy-eval';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult, Rule } from '../types';
import { allowPolicyYaml } from './network-policy';

/** The kubelet's default clusterDomain, used when the lookup printed no search name. */
const DEFAULT_DOMAIN = 'cluster.local';
/** The label CoreDNS pods carry and the kube-dns Service selects (kubeadm, k3s and others). */
const DNS_POD_LABEL = { key: 'k8s-app', value: 'kube-dns' };
/** How many lines of the lookup the evidence quotes. */
const QUOTED_LINES = 8;

type Outcome = 'nxdomain' | 'servfail' | 'refused' | 'no-answer' | 'timeout' | 'failed';

/** What the lookup printed, reduced to what the rule reasons about. */
interface Lookup {
  name: string;
  outcome: Outcome;
  /** The resolver's own word for it: NXDOMAIN, SERVFAIL, no servers could be reached... */
  error: string;
  /** The server the resolver asked, when it printed one. */
  server: string | null;
  /** Each `can't find NAME: CODE` line, in order, once. */
  failures: { name: string; code: string }[];
  /** The output's lines as printed (blank lines and repeats left out); null when only notes. */
  printed: string[] | null;
}

type CandidateKind = 'namespace' | 'typo' | 'alias';

/** A Service the asked name most likely means. */
interface Candidate {
  service: InventoryService;
  fqdn: string;
  kind: CandidateKind;
}

interface Case {
  lookup: Lookup;
  source: string;
  /** The namespace whose search list the source's resolver uses (pods with cluster DNS). */
  sourceNamespace: string | null;
  domain: string;
  /** The name read as a Service name: `svc`, `svc.ns`, `svc.ns.svc[.domain]`. */
  serviceForm: { service: string; namespace: string | null } | null;
  /** The Service the name already names correctly, if there is one. */
  named: InventoryService | null;
  candidates: Candidate[];
  kubeDns: InventoryService | null;
}

function sourceName(input: DiagnosisInput): string {
  const { from } = input;
  if (from.kind === 'pod' && from.namespace && from.name) return `${from.namespace}/${from.name}`;
  return from.node ? `node ${from.node}` : from.ref;
}

/** Reads the lookup from raw.dns, or from the engine's note when only that is left. */
function readLookup(input: DiagnosisInput): Lookup | null {
  const { result, to } = input;
  if (result.to.kind !== 'dns' || result.to.ip) return null;
  const name = (to.name ?? result.to.name ?? '').replace(/\.$/, '').toLowerCase();
  if (!name) return null;
  const text = result.raw.dns;
  if (text !== undefined) {
    const answer = parseNslookup(text);
    // An output that is no lookup's (a missing binary) proves nothing about the name.
    if (answer.addresses.length > 0 || !answer.understood) return null;
    const failures: Lookup['failures'] = [];
    for (const line of text.split('\n')) {
      const m = /can't find ([^\s:]+):\s*(.+?)\s*$/i.exec(line);
      if (m?.[1] && m[2] && !failures.some((f) => f.name === m[1] && f.code === m[2])) {
        failures.push({ name: m[1].replace(/\.$/, ''), code: m[2] });
      }
    }
    const server = /^Server:\s*(\S+)/im.exec(text)?.[1]?.replace(/[#:]53$/, '') ?? null;
    // Lines once each (busybox prints every failure for A and AAAA), tabs as single spaces.
    const printed = [...new Set(text.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')))].filter(
      (l) => l !== '',
    );
    const error = answer.error ?? 'no address';
    return { name, outcome: outcomeOf(error, failures), error, server, failures, printed };
  }
  const prefix = `${to.name ?? name} did not resolve from the source: `;
  const note = result.notes?.find((n) => n.startsWith(prefix));
  if (!note) return null;
  const error = note.slice(prefix.length);
  return { name, outcome: outcomeOf(error, []), error, server: null, failures: [], printed: null };
}

/**
 * The last failure decides: the resolver ends with the name as asked, after the search list
 * (bind's nslookup prints only that one; busybox prints each name it tried).
 */
function outcomeOf(error: string, failures: Lookup['failures']): Outcome {
  const text = `${failures.at(-1)?.code ?? ''} ${error}`;
  if (/timed out|no servers could be reached/i.test(error)) return 'timeout';
  if (/SERVFAIL/i.test(text)) return 'servfail';
  if (/NXDOMAIN/i.test(text)) return 'nxdomain';
  if (/REFUSED/i.test(text)) return 'refused';
  if (/no answer/i.test(text)) return 'no-answer';
  return 'failed';
}

/** The cluster domain, from a search name the resolver tried (`x.default.svc.DOMAIN`). */
function clusterDomain(lookup: Lookup): string {
  for (const f of lookup.failures) {
    const m = /\.svc\.([a-z0-9.-]+)$/.exec(f.name);
    if (m?.[1]) return m[1];
  }
  return DEFAULT_DOMAIN;
}

function namespaces(snapshot: InventorySnapshot): Set<string> {
  return new Set([
    ...snapshot.pods.map((p) => p.namespace),
    ...snapshot.services.map((s) => s.namespace),
  ]);
}

/** The name read as a Service's, or null when it is some other (outside) name. */
function serviceFormOf(
  name: string,
  domain: string,
  snapshot: InventorySnapshot,
): Case['serviceForm'] {
  const parts = name.split('.');
  const [service, namespace, svc] = parts;
  if (!service) return null;
  if (parts.length === 1) return { service, namespace: null };
  if (!namespace) return null;
  if (parts.length === 2) {
    // `a.b` is `svc.namespace` or an outside name; only a namespace the cluster has, or a
    // Service of that name, makes it the first.
    const known =
      namespaces(snapshot).has(namespace) || snapshot.services.some((s) => s.name === service);
    return known ? { service, namespace } : null;
  }
  const rest = parts.slice(3).join('.');
  if (svc === 'svc' && (rest === '' || rest === domain)) return { service, namespace };
  return null;
}

function caseOf(input: DiagnosisInput): Case | null {
  const lookup = readLookup(input);
  if (!lookup) return null;
  const { snapshot, from } = input;
  const domain = clusterDomain(lookup);
  const pod = from.kind === 'pod' ? from.pod : undefined;
  const sourceNamespace = pod && !pod.hostNetwork ? pod.namespace : null;
  const serviceForm = serviceFormOf(lookup.name, domain, snapshot);
  const fqdn = (s: InventoryService) => `${s.name}.${s.namespace}.svc.${domain}`;
  const usable = snapshot.services.filter((s) => s.type !== 'ExternalName');

  // Of same-named Services, the source's own namespace first: that is what a caller usually means.
  const bySourceFirst = (list: InventoryService[]) =>
    [...list].sort(
      (a, b) => Number(b.namespace === sourceNamespace) - Number(a.namespace === sourceNamespace),
    );
  let named: InventoryService | null = null;
  const candidates: Candidate[] = [];
  if (serviceForm) {
    const ns = serviceForm.namespace ?? sourceNamespace;
    named = usable.find((s) => s.name === serviceForm.service && s.namespace === ns) ?? null;
    if (!named) {
      for (const s of bySourceFirst(usable.filter((x) => x.name === serviceForm.service))) {
        candidates.push({ service: s, fqdn: fqdn(s), kind: 'namespace' });
      }
      if (candidates.length === 0 && serviceForm.service.length >= 4) {
        const close = usable
          .map((s) => ({ s, d: distance(serviceForm.service, s.name) }))
          .filter((x) => x.d > 0 && x.d <= 2)
          // The namespace the name points at first, then the closest.
          .sort((a, b) => Number(b.s.namespace === ns) - Number(a.s.namespace === ns) || a.d - b.d);
        for (const { s } of close) candidates.push({ service: s, fqdn: fqdn(s), kind: 'typo' });
      }
    }
  } else {
    const first = lookup.name.split('.')[0];
    for (const s of bySourceFirst(usable.filter((x) => x.name === first))) {
      candidates.push({ service: s, fqdn: fqdn(s), kind: 'alias' });
    }
  }
  const kubeDns =
    snapshot.services.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns') ?? null;
  return {
    lookup,
    source: sourceName(input),
    sourceNamespace,
    domain,
    serviceForm,
    named,
    candidates: candidates.slice(0, 3),
    kubeDns,
  };
}

/** The lookup that would confirm the best suggestion, from the same source. */
function confirmRequest(input: DiagnosisInput, c: Case): ExtraProbeRequest | null {
  const best = c.candidates[0];
  // With no server answering, or a resolver that knows no cluster name, another name would
  // fail the same way and confirm nothing.
  if (!best || c.lookup.outcome === 'timeout' || !usesClusterDns(c)) return null;
  const { from } = input;
  const source: ExtraProbeRequest['from'] | null =
    from.kind === 'pod' && from.namespace && from.name
      ? { kind: 'pod', namespace: from.namespace, name: from.name }
      : from.kind === 'node' && from.node
        ? { kind: 'node', node: from.node }
        : null;
  if (!source) return null;
  return {
    key: `dns:${from.ref}->${best.fqdn}`,
    from: source,
    kind: 'dns',
    target: { name: best.fqdn },
    why: `lookup of the suggested name ${best.fqdn}`,
  };
}

function outcomeWords(l: Lookup): string {
  switch (l.outcome) {
    case 'nxdomain':
      return 'NXDOMAIN: the DNS server says no such name exists';
    case 'servfail':
      return 'SERVFAIL: the DNS server failed to find an answer';
    case 'refused':
      return 'REFUSED: the DNS server would not answer';
    case 'no-answer':
      return 'the name exists but has no address';
    case 'timeout':
      return 'no DNS server answered';
    default:
      return l.error;
  }
}

function searchList(ns: string, domain: string): string[] {
  return [`${ns}.svc.${domain}`, `svc.${domain}`, domain];
}

function dnsPods(snapshot: InventorySnapshot, kubeDns: InventoryService | null): InventoryPod[] {
  if (kubeDns) {
    const pods = serviceEndpoints(kubeDns, snapshot)
      .filter((e) => e.ready && e.pod)
      .map((e) => e.pod as InventoryPod);
    if (pods.length > 0) return pods;
  }
  return snapshot.pods.filter(
    (p) => p.namespace === 'kube-system' && p.labels[DNS_POD_LABEL.key] === DNS_POD_LABEL.value,
  );
}

/** The Deployment that runs CoreDNS: its ReplicaSet's name without the pod-template-hash. */
function corednsDeployment(pods: InventoryPod[]): string {
  const pod = pods.find((p) => p.owner?.kind === 'ReplicaSet');
  const hash = pod?.labels['pod-template-hash'];
  if (pod?.owner && hash && pod.owner.name.endsWith(`-${hash}`)) {
    return pod.owner.name.slice(0, -(hash.length + 1));
  }
  return 'coredns';
}

function corefileYaml(block: string[], comment: string): string {
  return [
    `# ${comment}`,
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: coredns',
    '  namespace: kube-system',
    'data:',
    '  Corefile: |',
    '    .:53 {',
    ...block.map((l) => `        ${l}`),
    '        # ...the plugins already there stay as they are (errors, health, kubernetes, forward, cache, reload...)',
    '    }',
    '',
  ].join('\n');
}

function reloadNote(deployment: string): string {
  return (
    `CoreDNS's reload plugin (in the default Corefile) picks the edit up once the kubelet has ` +
    `refreshed the mounted ConfigMap, within a minute or two; a Corefile without reload needs ` +
    `kubectl -n kube-system rollout restart deployment ${deployment}.`
  );
}

function fixes(input: DiagnosisInput, c: Case, confirmed: boolean | null): FindingFix[] {
  const { lookup } = c;
  const out: FindingFix[] = [];
  const port = input.result.to.port ?? input.to.port ?? null;
  const suffix = port !== null ? `:${port}` : '';
  const deployment = corednsDeployment(dnsPods(input.snapshot, c.kubeDns));
  const best = c.candidates[0];

  if (lookup.outcome === 'timeout') return timeoutFixes(input, c, deployment);
  if (!usesClusterDns(c)) return otherResolverFixes(input, c);
  if (c.named) {
    return [
      {
        title: `The name is right and CoreDNS answered ${lookup.error}: read what CoreDNS logs about it.`,
        commands: [
          `kubectl -n kube-system logs -l ${DNS_POD_LABEL.key}=${DNS_POD_LABEL.value} --tail=50`,
        ],
      },
    ];
  }

  // 1) The name the cluster answers: the Service's full name.
  if (best && best.kind !== 'alias') {
    const svc = `${best.service.namespace}/${best.service.name}`;
    const why =
      best.kind === 'typo'
        ? `the cluster has Service ${svc}, one or two letters from ${lookup.name}`
        : c.serviceForm?.namespace === null && c.sourceNamespace
          ? `a short name is searched only in the caller's namespace ${c.sourceNamespace}; Service ${svc} is in ${best.service.namespace}`
          : `Service ${best.service.name} is in namespace ${best.service.namespace}`;
    out.push({
      title:
        `Call ${best.fqdn}${suffix} instead of ${lookup.name} (${why})` +
        (confirmed === true ? '; it resolves from the source' : '') +
        '. Change the name where the caller is configured, then trace again:',
      commands: [`npx podpath trace ${input.result.from.ref} dns:${best.fqdn}${suffix}`],
    });
  }

  // 2) An outside machine: a hosts entry CoreDNS serves before asking its upstream.
  // A short name nothing in the cluster carries, or a name outside the cluster's forms.
  const outside = !best && (c.serviceForm === null || c.serviceForm.namespace === null);
  if (outside) {
    const node = input.snapshot.nodes.find((n) => n.name === lookup.name);
    const address = node?.internalIP ?? null;
    const ip = address ?? '<ADDRESS>';
    out.push({
      title:
        `If ${lookup.name} is a machine outside the cluster, let CoreDNS answer it from a hosts ` +
        `entry (article 002, part 2)` +
        (address
          ? `: node ${node?.name}'s InternalIP ${address}`
          : `: put its address in place of <ADDRESS>; podpath does not know it`) +
        `. fallthrough hands every other name to the next plugins. ${reloadNote(deployment)}`,
      commands: ['kubectl -n kube-system edit configmap coredns'],
      yaml: corefileYaml(
        ['hosts {', `    ${ip} ${lookup.name}`, '    fallthrough', '}'],
        `kubectl -n kube-system edit configmap coredns: add the hosts block inside .:53 { }`,
      ),
    });
  }

  // 3) A name that should point at a Service: rewrite it onto the Service's name.
  const target =
    best && (best.kind === 'alias' || (best.kind === 'namespace' && lookup.name.includes('.')));
  if (best && target) {
    out.push({
      title:
        `Or keep the name the callers use and let CoreDNS rewrite ${lookup.name} to ${best.fqdn}` +
        ` (article 002, part 2): an exact name rule also turns the answer's name back into ` +
        `${lookup.name}, which resolvers check. ${reloadNote(deployment)}`,
      commands: ['kubectl -n kube-system edit configmap coredns'],
      yaml: corefileYaml(
        [`rewrite name ${lookup.name} ${best.fqdn}`],
        `kubectl -n kube-system edit configmap coredns: add the rewrite line inside .:53 { }`,
      ),
    });
  }
  return out;
}

/** Whether the lookup went to the cluster DNS (or the output does not say otherwise). */
function usesClusterDns(c: Case): boolean {
  const clusterIP = c.kubeDns?.clusterIP;
  return !c.lookup.server || !clusterIP || c.lookup.server === clusterIP;
}

/** The source asked a resolver that is not the cluster DNS: a node, or a host-network pod. */
function otherResolverFixes(input: DiagnosisInput, c: Case): FindingFix[] {
  const clusterIP = c.kubeDns?.clusterIP ?? '';
  const pod = input.from.kind === 'pod' ? input.from.pod : undefined;
  if (pod?.hostNetwork) {
    return [
      {
        title:
          `Give ${pod.namespace}/${pod.name} the cluster DNS with dnsPolicy: ClusterFirstWithHostNet: ` +
          `a host-network pod otherwise uses its node's resolver, which knows no cluster name. Set it ` +
          `in the pod template (a Pod's dnsPolicy cannot change in place).`,
        yaml: [
          'apiVersion: v1',
          'kind: Pod',
          'metadata:',
          `  name: ${pod.name}`,
          `  namespace: ${pod.namespace}`,
          'spec:',
          '  hostNetwork: true',
          '  dnsPolicy: ClusterFirstWithHostNet',
          '  # the rest of the spec unchanged',
          '',
        ].join('\n'),
      },
    ];
  }
  return [
    {
      title:
        `${c.source} resolves with its own resolver (${c.lookup.server ?? 'not the cluster DNS'}), ` +
        `which knows no cluster name; ask the cluster DNS for it directly:`,
      commands: [`nslookup ${c.lookup.name} ${clusterIP}`],
    },
  ];
}

/** No server answered: the cluster DNS itself, or the way to it. */
function timeoutFixes(input: DiagnosisInput, c: Case, deployment: string): FindingFix[] {
  const out: FindingFix[] = [];
  const blocked = dnsPolicyBlock(input, c);
  if (blocked) {
    const yaml = allowPolicyYaml(blocked.flow, 'egress');
    if (yaml) {
      out.push({
        title:
          `Let ${c.source} send DNS queries to CoreDNS: a NetworkPolicy ${yaml.namespace}/${yaml.name} ` +
          `admitting UDP/53 to the kube-dns pods (add TCP/53 too for answers that do not fit in UDP). ` +
          `kubectl apply -f - reads it from stdin.`,
        commands: ['kubectl apply -f -'],
        yaml: yaml.yaml,
      });
    }
  }
  // A policy that drops the queries explains the silence; otherwise look at CoreDNS itself.
  if (out.length > 0) return out;
  out.push({
    title: `See whether CoreDNS runs and is behind kube-system/kube-dns, and restart it if it is stuck:`,
    commands: [
      `kubectl -n kube-system get pods -l ${DNS_POD_LABEL.key}=${DNS_POD_LABEL.value} -o wide`,
      'kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns',
      `kubectl -n kube-system rollout restart deployment ${deployment}`,
    ],
  });
  return out;
}

/** A NetworkPolicy that keeps the source's DNS queries from every CoreDNS pod, if one does. */
function dnsPolicyBlock(
  input: DiagnosisInput,
  c: Case,
): { flow: PolicyFlow; policies: string[] } | null {
  const pod = input.from.kind === 'pod' ? input.from.pod : undefined;
  if (!pod || pod.hostNetwork) return null;
  const targets = dnsPods(input.snapshot, c.kubeDns);
  if (targets.length === 0) return null;
  let blockedFlow: PolicyFlow | null = null;
  const policies = new Set<string>();
  for (const target of targets) {
    const flow = {
      from: { kind: 'pod' as const, pod },
      to: { kind: 'pod' as const, pod: target },
      port: 53,
      protocol: 'UDP' as const,
    };
    const verdict = evaluateNetworkPolicies(input.snapshot, flow);
    if (verdict.verdict !== 'denied') return null;
    for (const d of [verdict.egress, verdict.ingress]) {
      if (d?.verdict === 'denied')
        for (const p of d.selecting) policies.add(`${p.namespace}/${p.name}`);
    }
    blockedFlow ??= flow;
  }
  return blockedFlow ? { flow: blockedFlow, policies: [...policies] } : null;
}

function evidenceOf(
  input: DiagnosisInput,
  c: Case,
  extra: ReadonlyMap<string, ExtraProbeResult>,
): { evidence: string[]; confirmed: boolean | null } {
  const { lookup } = c;
  const evidence: string[] = [];
  const server = lookup.server ? `server ${lookup.server}` : 'no server named in the output';
  evidence.push(`nslookup ${lookup.name} from ${c.source} (${server}): ${outcomeWords(lookup)}`);
  if (lookup.printed) {
    const shown = lookup.printed.slice(0, QUOTED_LINES);
    const more = lookup.printed.length - shown.length;
    evidence.push(`as printed: ${shown.join(' · ')}${more > 0 ? ` · … ${more} more lines` : ''}`);
  } else {
    evidence.push(
      `the engine noted: ${lookup.name} did not resolve from the source: ${lookup.error}`,
    );
  }

  const kubeDns = c.kubeDns;
  if (kubeDns?.clusterIP) {
    const ready = serviceEndpoints(kubeDns, input.snapshot).filter((e) => e.ready).length;
    const who = `kube-system/kube-dns (ClusterIP ${kubeDns.clusterIP}, ${ready} ready endpoint(s))`;
    if (lookup.server && lookup.server !== kubeDns.clusterIP) {
      evidence.push(
        `the lookup went to ${lookup.server}, not the cluster DNS ${who}: the source does not use cluster DNS, so no cluster name resolves there`,
      );
    } else if (lookup.outcome === 'timeout') {
      evidence.push(
        ready === 0
          ? `the cluster DNS ${who} has no ready endpoint: no CoreDNS pod is there to answer`
          : `the cluster DNS is ${who}`,
      );
    } else {
      evidence.push(`the server is the cluster DNS, ${who}`);
    }
  }
  if (lookup.outcome === 'timeout') {
    const blocked = dnsPolicyBlock(input, c);
    if (blocked) {
      evidence.push(
        `NetworkPolicy ${blocked.policies.join(', ')} admits no UDP/53 from ${describeEndpoint(blocked.flow.from)} to the CoreDNS pods: the queries are dropped`,
      );
    }
  }

  // Without an answer from any server, what the cluster calls the name is beside the point.
  if (lookup.outcome === 'timeout') return { evidence, confirmed: null };
  if (c.sourceNamespace && c.serviceForm && c.serviceForm.namespace === null) {
    const list = searchList(c.sourceNamespace, c.domain).map((d) => `${lookup.name}.${d}`);
    evidence.push(
      `a pod in namespace ${c.sourceNamespace} looks a short name up as ${list.join(', ')}, then ${lookup.name} itself`,
    );
  }
  if (c.named) {
    evidence.push(
      `the name is right: Service ${c.named.namespace}/${c.named.name} exists (${c.named.name}.${c.named.namespace}.svc.${c.domain})`,
    );
  }
  for (const cand of c.candidates) {
    const s = cand.service;
    const address = s.clusterIP ? `ClusterIP ${s.clusterIP}` : 'headless';
    const how =
      cand.kind === 'namespace'
        ? `Service ${s.name} exists in namespace ${s.namespace}`
        : cand.kind === 'typo'
          ? `Service ${s.namespace}/${s.name} has a name close to ${c.serviceForm?.service ?? lookup.name}`
          : `Service ${s.namespace}/${s.name} carries the first label of ${lookup.name}`;
    evidence.push(`${how}: ${cand.fqdn} (${address})`);
  }
  if (!c.named && c.candidates.length === 0) {
    evidence.push(
      c.serviceForm
        ? `no Service of the cluster is named ${c.serviceForm.service} or close to it`
        : `${lookup.name} is not a cluster name, and no Service is named after its first label: CoreDNS asks its upstream (forward) for it`,
    );
  }

  const request = confirmRequest(input, c);
  const got = request ? extra.get(request.key) : undefined;
  let confirmed: boolean | null = null;
  if (request && got) {
    const name = request.target.name ?? '';
    if (!got.ok) {
      evidence.push(
        `the lookup of ${name} from ${c.source} could not run: ${got.error ?? 'no result'}`,
      );
    } else if (got.addresses.length > 0) {
      confirmed = true;
      evidence.push(`from ${c.source}, ${name} resolves to ${got.addresses.join(', ')}`);
    } else {
      confirmed = false;
      evidence.push(`from ${c.source}, ${name} does not resolve either`);
    }
  }
  return { evidence, confirmed };
}

function titleOf(c: Case): string {
  const { lookup } = c;
  const head = `${lookup.name} does not resolve from ${c.source}`;
  if (lookup.outcome === 'timeout') return `${head}: no DNS server answered`;
  const code = lookup.outcome === 'failed' ? lookup.error : lookup.outcome.toUpperCase();
  if (!usesClusterDns(c)) {
    return `${head} (${code}): it asked ${c.lookup.server ?? 'another resolver'}, not the cluster DNS`;
  }
  const best = c.candidates[0];
  if (best?.kind === 'namespace') {
    return `${head} (${code}): Service ${best.service.name} is in namespace ${best.service.namespace}`;
  }
  if (best?.kind === 'typo') return `${head} (${code}): did you mean ${best.fqdn}?`;
  if (best?.kind === 'alias') return `${head} (${code}): the cluster knows it only as ${best.fqdn}`;
  return `${head} (${code})`;
}

function explanationOf(c: Case, confirmed: boolean | null): string {
  const { lookup } = c;
  const first = `The trace starts by looking ${lookup.name} up from ${c.source}, and that failed (${outcomeWords(lookup)}), so no packet was sent to it.`;
  const best = c.candidates[0];
  if (lookup.outcome === 'timeout') {
    return `${first} The resolver got no answer at all: the cluster DNS is down, has no ready pod, or something drops the queries on the way (a NetworkPolicy, a broken service proxy). What the inventory says about each is below.`;
  }
  if (!usesClusterDns(c)) {
    return `${first} The lookup went to ${lookup.server ?? 'another resolver'}, not to the cluster DNS: only the cluster DNS (CoreDNS) knows the cluster's names.`;
  }
  if (c.named) {
    return `${first} The name itself is right, so the DNS server is the problem: either the source does not use the cluster DNS, or CoreDNS failed to answer.`;
  }
  if (best && best.kind !== 'alias') {
    const check =
      confirmed === true
        ? ` ${best.fqdn} does resolve from the source.`
        : confirmed === false
          ? ` But ${best.fqdn} did not resolve from the source either, so the DNS server may be failing as well.`
          : ` What would confirm it: a lookup of ${best.fqdn} from the source that answers.`;
    return best.kind === 'typo'
      ? `${first} No Service has that name; ${best.fqdn} is one or two letters away.${check}`
      : `${first} No Service of that name lives in the namespace the name points at; the cluster has one in ${best.service.namespace}.${check}`;
  }
  if (best) {
    return `${first} The name is not a cluster name, but a Service carries its first label: CoreDNS can answer the name with that Service's address through a rewrite.`;
  }
  return `${first} The cluster has no Service under that name or near it; if it names a machine outside the cluster, CoreDNS can serve it from a hosts entry, or the upstream DNS it forwards to must know it.`;
}

function evaluate(input: DiagnosisInput, extra: ReadonlyMap<string, ExtraProbeResult>): Finding[] {
  const c = caseOf(input);
  if (!c) return [];
  const { evidence, confirmed } = evidenceOf(input, c, extra);
  return [
    {
      rule: 'dns',
      severity: 'error',
      link: input.result.links.length > 0 ? 0 : null,
      title: titleOf(c),
      explanation: explanationOf(c, confirmed),
      evidence,
      fix: fixes(input, c, confirmed),
    },
  ];
}

/** A `dns:` target the source could not resolve. */
export const dnsRule: Rule = {
  name: 'dns',
  applies: (input) => caseOf(input) !== null,
  probes(input) {
    const c = caseOf(input);
    const request = c ? confirmRequest(input, c) : null;
    return request ? [request] : [];
  },
  evaluate,
};
