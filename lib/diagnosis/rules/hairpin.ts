/**
 * Rule `hairpin` (S2): a pod calls a Service it is itself a ready endpoint of. kube-proxy on the
 * pod's node picks an endpoint per connection; when it picks the caller, the DNATed packet has
 * to leave the caller's bridge port (cni0) and come straight back in through the same port. A
 * Linux bridge never sends a frame out of the port it arrived on unless that port is in hairpin
 * mode, and the CNI bridge plugin (which flannel delegates to) leaves it off unless its config
 * says `hairpinMode: true`. So about one connection in N (N ready endpoints) is lost.
 */
import type {
  CniInfo,
  InventoryService,
  InventoryServicePort,
  InventorySnapshot,
} from '@/lib/inventory/types';
import { serviceEndpoints, type ServiceEndpoint } from '@/lib/topology/endpoints';
import type { ConnectSummary, Finding, FindingFix, PathElement } from '@/lib/trace/types';
import {
  connectErrors,
  describeConnects,
  flannelDaemonSet,
  linkInto,
  selectorMatches,
} from '../evidence';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult, Rule } from '../types';

/**
 * Linux's initial TCP retransmission timeout is 1 s: a connect that succeeds only after about
 * that long had its first SYN lost and got through with the resent one (which kube-proxy
 * balances anew, because the dropped SYN's conntrack entry was never confirmed).
 */
const RESENT_SYN_MS = 900;

/** Below this chance a connect count is called inconsistent with kube-proxy's random pick. */
const IMPLAUSIBLE = 0.001;

/** The most endpoints the fallback check connects to directly, one probe each. */
const MAX_DIRECT_CHECKS = 3;

/** The cluster domain podpath assumes for Service names (kubelet's default). */
const CLUSTER_DOMAIN = 'cluster.local';

/** CNIs that route each pod through its own interface (no shared bridge): loop-back works. */
const HAIRPIN_SAFE_CNIS = new Set<CniInfo['plugin']>(['calico', 'cilium']);

/** The facts that make a trace a hairpin candidate. */
interface Candidate {
  service: InventoryService;
  servicePort: InventoryServicePort | null;
  /** The caller as an endpoint of the Service. */
  self: ServiceEndpoint;
  ready: ServiceEndpoint[];
  /** How many ready endpoints kube-proxy picks among. */
  choices: number;
  /** The Service (or LoadBalancer) element the topology tagged `hairpin-candidate`. */
  element: PathElement;
  /** The address and port the connects went to. */
  frontend: string;
}

const svcName = (s: { namespace: string; name: string }) => `${s.namespace}/${s.name}`;

function candidateOf(input: DiagnosisInput): Candidate | null {
  const { expected, snapshot, from, result } = input;
  const via = expected.via.service;
  if (!via || from.kind !== 'pod' || from.hostNetwork || !from.namespace || !from.name) {
    return null;
  }
  if (HAIRPIN_SAFE_CNIS.has(snapshot.cni.plugin)) return null;
  const service = snapshot.services.find(
    (s) => s.namespace === via.namespace && s.name === via.name,
  );
  // A headless name resolves to the pods themselves: a pod calling itself never leaves it.
  if (!service || service.headless || service.type === 'ExternalName') return null;
  // The topology tags the Service element when kube-proxy on the caller's own node may send the
  // connection back to the caller; elsewhere (a NodePort of another node) it arrives from the
  // network and is no loop.
  const element =
    result.path.find((e) => e.tags?.includes('hairpin-candidate')) ??
    expected.elements.find((e) => e.tags?.includes('hairpin-candidate'));
  if (!element) return null;
  const servicePort = service.ports.find((p) => p.port === via.port) ?? service.ports[0] ?? null;
  const ready = serviceEndpoints(service, snapshot, servicePort).filter((e) => e.ready);
  const self = ready.find(
    (e) =>
      (e.pod !== null && e.pod.namespace === from.namespace && e.pod.name === from.name) ||
      (from.ip !== null && e.ip === from.ip),
  );
  if (!self) return null;
  const connectTarget = expected.connectTarget;
  return {
    service,
    servicePort,
    self,
    ready,
    choices: Math.max(1, expected.via.readyEndpoints ?? ready.length),
    element,
    frontend: connectTarget ? `${connectTarget.ip}:${connectTarget.port}` : svcName(service),
  };
}

/** A headless Service of the same namespace picking the same pods, with the port it needs. */
function headlessTwin(
  snapshot: InventorySnapshot,
  c: Candidate,
): { service: InventoryService; port: number; servicePort: number } | null {
  const selector = c.service.selector;
  if (!selector || Object.keys(selector).length === 0 || c.self.port === null) return null;
  for (const s of snapshot.services) {
    if (s.namespace !== c.service.namespace || !s.headless || !s.selector) continue;
    const same =
      Object.keys(s.selector).length === Object.keys(selector).length &&
      selectorMatches(s.selector, selector);
    if (!same) continue;
    // The headless name has no Service port translation: callers use the pods' own port.
    const sp = s.ports.find(
      (p) => serviceEndpoints(s, snapshot, p).find((e) => e.ip === c.self.ip)?.port === c.self.port,
    );
    if (sp) return { service: s, port: c.self.port, servicePort: sp.port };
  }
  return null;
}

/** The extra probes that tell the loop from a broken endpoint: the same pods, without the loop. */
function checks(input: DiagnosisInput, c: Candidate): ExtraProbeRequest[] {
  const { from } = input;
  if (!from.namespace || !from.name) return [];
  const source = { kind: 'pod' as const, namespace: from.namespace, name: from.name };
  const who = `pod:${from.namespace}/${from.name}`;
  const twin = headlessTwin(input.snapshot, c);
  if (twin) {
    const name = `${twin.service.name}.${twin.service.namespace}.svc.${CLUSTER_DOMAIN}`;
    return [
      {
        key: `connect:${who}->${name}:${twin.port}`,
        from: source,
        kind: 'connect',
        target: { name, port: twin.port },
        why: `headless-name check: ${svcName(twin.service)} reaches the same pods without the Service's loop`,
      },
    ];
  }
  return c.ready
    .filter((e) => e !== c.self && e.port !== null)
    .slice(0, MAX_DIRECT_CHECKS)
    .map((e) => ({
      key: `connect:${who}->${e.ip}:${e.port ?? 0}`,
      from: source,
      kind: 'connect' as const,
      target: { ip: e.ip, port: e.port ?? 0 },
      why: `direct check: endpoint ${e.ip}${e.pod ? ` (${svcName(e.pod)})` : ''} of ${svcName(c.service)} without the Service`,
    }));
}

/**
 * Whether the connects show the pattern the loop makes: some fail, and (with other endpoints to
 * pick) some get through; with only the caller to pick, every one fails.
 */
function loopPattern(connect: ConnectSummary, choices: number): boolean {
  const failed = connect.attempts - connect.succeeded;
  if (connect.attempts <= 0 || failed === 0) return false;
  return choices === 1 ? connect.succeeded === 0 : connect.succeeded > 0;
}

/** P(X >= k) for X ~ Binomial(n, p). */
function upperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (p >= 1) return 1;
  if (p <= 0) return 0;
  let pmf = (1 - p) ** n;
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += pmf;
    pmf *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.max(0, 1 - below);
}

/** P(X <= k) for X ~ Binomial(n, p). */
function lowerTail(k: number, n: number, p: number): number {
  return 1 - upperTail(k + 1, n, p);
}

const percent = (a: number, b: number) => `${Math.round((100 * a) / Math.max(1, b))}%`;

/** How the connects compare with kube-proxy picking the caller 1 time in N. */
function ratioEvidence(
  connect: ConnectSummary,
  choices: number,
): { line: string; tooMany: boolean } {
  const failed = connect.attempts - connect.succeeded;
  const slow = connect.results.filter((r) => r.ok && r.ms !== null && r.ms >= RESENT_SYN_MS);
  const lost = failed + slow.length;
  const p = 1 / choices;
  const tooMany = choices > 1 && upperTail(failed, connect.attempts, p) < IMPLAUSIBLE;
  const tooFew = lowerTail(lost, connect.attempts, p) < IMPLAUSIBLE;
  const times = slow.map((r) => r.ms ?? 0);
  const n = connect.attempts;
  const share =
    slow.length > 0
      ? `${failed} of ${n} connects failed, and ${slow.length} more succeeded only after about a ` +
        `second (${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms): their ` +
        `first SYN was lost and the kernel's resent one was balanced anew. So ${lost} of ${n} ` +
        `first tries went astray (${percent(lost, n)})`
      : `${failed} of ${n} connects failed (${percent(failed, n)})`;
  const verdict = tooMany
    ? 'more failures than the loop back to the caller can explain, so something else fails too'
    : tooFew
      ? 'fewer than that; kube-proxy picks at random, but this is unlikely by chance'
      : 'consistent with the loop back to the caller';
  return {
    line:
      `${share}, against 1 in ${choices} (${percent(1, choices)}) expected when kube-proxy picks ` +
      `the caller as often as each of its ${choices} ready endpoint${choices === 1 ? '' : 's'}: ${verdict}`,
    tooMany,
  };
}

function hairpinFix(snapshot: InventorySnapshot, c: Candidate): FindingFix {
  const nodes = [...new Set(c.ready.flatMap((e) => (e.node ? [e.node] : [])))].sort();
  const onNodes = nodes.length > 0 ? nodes.join(' and ') : 'every node';
  const running = (lead: string) => [
    `# ${lead} as root on ${onNodes} (pods already running keep their bridge ports as created):`,
    'for p in /sys/class/net/cni0/brif/*/hairpin_mode; do echo 1 > "$p"; done',
    'bridge -d link show master cni0',
  ];
  const flannel = snapshot.cni.plugin === 'flannel' ? flannelDaemonSet(snapshot) : null;
  if (snapshot.cni.plugin === 'flannel') {
    // kube-flannel-cfg is the upstream manifest's ConfigMap; ConfigMaps are not in the inventory.
    const ns = flannel?.namespace ?? 'kube-flannel';
    const ds = flannel?.name ?? 'kube-flannel-ds';
    return {
      title:
        `Turn on hairpin mode: set "hairpinMode": true in the delegate of flannel's CNI config ` +
        `(ConfigMap ${ns}/kube-flannel-cfg, key cni-conf.json, which flannel's init container copies ` +
        `to /etc/cni/net.d/10-flannel.conflist on each node; flannel hands the delegate to the ` +
        `bridge plugin), restart flannel so new pods get it, and switch it on for the pods ` +
        `already running on ${onNodes}`,
      commands: [
        `kubectl -n ${ns} edit configmap kube-flannel-cfg`,
        `kubectl -n ${ns} rollout restart daemonset ${ds}`,
        ...running('then,'),
      ],
      yaml: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: kube-flannel-cfg',
        `  namespace: ${ns}`,
        'data:',
        '  cni-conf.json: |',
        '    {',
        '      "name": "cbr0",',
        '      "cniVersion": "0.3.1",',
        '      "plugins": [',
        '        {',
        '          "type": "flannel",',
        '          "delegate": {',
        '            "hairpinMode": true,',
        '            "isDefaultGateway": true',
        '          }',
        '        },',
        '        {',
        '          "type": "portmap",',
        '          "capabilities": { "portMappings": true }',
        '        }',
        '      ]',
        '    }',
        '',
      ].join('\n'),
    };
  }
  return {
    title:
      `Turn on hairpin mode: set "hairpinMode": true in the bridge plugin of the CNI config in ` +
      `/etc/cni/net.d/ on every node (assumed: a bridge-based CNI with the bridge cni0), and ` +
      `switch it on for the pods already running on ${onNodes}`,
    commands: running('right away,'),
    yaml: [
      '{',
      '  "type": "bridge",',
      '  "bridge": "cni0",',
      '  "isGateway": true,',
      '  "hairpinMode": true',
      '}',
      '',
    ].join('\n'),
  };
}

function headlessFix(snapshot: InventorySnapshot, c: Candidate): FindingFix | null {
  const twin = headlessTwin(snapshot, c);
  const port = c.self.port;
  if (twin) {
    const name = `${twin.service.name}.${twin.service.namespace}.svc.${CLUSTER_DOMAIN}`;
    return {
      title:
        `Or call the headless Service ${svcName(twin.service)} instead: ${name}:${twin.port} ` +
        `resolves to the pods themselves (note the pods' port ${twin.port}, not the Service port ` +
        `${c.servicePort?.port ?? '?'}: nothing translates it), so a pod that picks itself talks ` +
        `to itself directly and never crosses the bridge`,
      commands: [
        `kubectl -n ${c.service.namespace} get endpointslices -l kubernetes.io/service-name=${twin.service.name}`,
      ],
    };
  }
  const selector = c.service.selector;
  if (!selector || Object.keys(selector).length === 0 || port === null) return null;
  const name = `${c.service.name}-headless`;
  return {
    title:
      `Or add a headless Service and call ${name}.${c.service.namespace}.svc.${CLUSTER_DOMAIN}:${port}: ` +
      `its name resolves to the pods themselves, so a pod that picks itself talks to itself ` +
      `directly and never crosses the bridge`,
    commands: [`kubectl apply -f ${name}.yaml`],
    yaml: [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${c.service.namespace}`,
      'spec:',
      '  clusterIP: None',
      '  selector:',
      ...Object.entries(selector).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
      '  ports:',
      `    - port: ${port}`,
      `      targetPort: ${port}`,
      '',
    ].join('\n'),
  };
}

function cniEvidence(cni: CniInfo): string {
  if (cni.plugin === 'flannel') {
    return (
      `the CNI is flannel (${cni.evidence[0] ?? 'detected'}): flannel delegates to the bridge ` +
      `plugin, which leaves hairpin mode off on cni0's ports unless its config says hairpinMode: true`
    );
  }
  return (
    `the CNI could not be told (${cni.evidence[0] ?? 'no signs'}); assumed a bridge-based CNI ` +
    `(the bridge plugin) without hairpinMode, as flannel's older default was`
  );
}

function evaluate(input: DiagnosisInput, extra: ReadonlyMap<string, ExtraProbeResult>): Finding[] {
  const c = candidateOf(input);
  if (!c) return [];
  const { result, snapshot } = input;
  const measured = result.connect && result.connect.attempts > 0 ? result.connect : null;
  // All good clears the rule; every connect failing while other endpoints could be picked (or
  // one getting through when only the caller can be) is some other fault, for other rules.
  if (measured && !loopPattern(measured, c.choices)) return [];
  const connect = measured;

  const source = `${input.from.namespace ?? ''}/${input.from.name ?? ''}`;
  const selfNode = c.self.node ?? input.from.node ?? 'its node';
  const evidence: string[] = [
    `${source} (${c.self.ip} on ${selfNode}) is one of the ${c.ready.length} ready endpoints of ` +
      `${svcName(c.service)}: ${c.ready
        .map((e) => `${e.ip}${e.port !== null ? `:${e.port}` : ''} on ${e.node ?? '?'}`)
        .join(', ')}`,
    `the ${c.element.kind === 'loadbalancer' ? 'LoadBalancer' : 'Service'} element ` +
      `${c.element.id} is tagged hairpin-candidate: kube-proxy on ${selfNode} can translate ` +
      `${c.frontend} to the caller itself (${c.self.ip}${c.self.port !== null ? `:${c.self.port}` : ''})`,
    cniEvidence(snapshot.cni),
  ];
  let tooMany = false;
  if (connect) {
    const errors = connectErrors(connect);
    evidence.push(
      `from ${source}: ${describeConnects(connect)}${errors.length > 0 ? ` (${errors.join(', ')})` : ''}`,
    );
    const ratio = ratioEvidence(connect, c.choices);
    evidence.push(ratio.line);
    tooMany = ratio.tooMany;
  }

  const requests = connect ? checks(input, c) : [];
  const got = requests.map((r) => ({ request: r, result: extra.get(r.key) }));
  for (const { request, result: r } of got) {
    const target = `${request.target.name ?? request.target.ip}:${request.target.port ?? ''}`;
    evidence.push(
      !r
        ? `${request.why}: did not run`
        : r.ok && r.connect
          ? `${request.why}: ${describeConnects(r.connect)} (straight to ${target})`
          : `${request.why}: could not run: ${r.error ?? 'no result'}`,
    );
  }
  const checked = got.filter((g) => g.result?.ok && g.result.connect);
  const allGood =
    got.length > 0 &&
    checked.length === got.length &&
    checked.every(
      (g) => g.result?.connect && g.result.connect.succeeded === g.result.connect.attempts,
    );
  const someBad = checked.some(
    (g) => g.result?.connect && g.result.connect.succeeded < g.result.connect.attempts,
  );
  const confirmed = allGood && !tooMany;

  const n = c.choices;
  let explanation =
    `${source} calls ${svcName(c.service)}, and it is itself one of the pods behind that Service. ` +
    `For each new connection kube-proxy on ${selfNode} picks one of the ${n} ready ` +
    `endpoint${n === 1 ? '' : 's'} at random${n === 1 ? ' (here only the caller)' : ''}. ` +
    `When it picks the caller, the packet must go out of the pod's veth into the bridge cni0 and ` +
    `straight back in through the same port. A Linux bridge refuses to send a frame back out of ` +
    `the port it came in on unless that port has hairpin mode, which the CNI leaves off, so ` +
    `the connection is silently dropped: the caller sees a timeout (or, when the kernel's resent ` +
    `SYN is balanced to another pod, a connect that takes a second). That is why about 1 call in ` +
    `${n} fails while the others work.`;
  if (!confirmed) {
    const why = !connect
      ? 'no connects ran'
      : tooMany
        ? 'more connects failed than the loop can explain'
        : someBad
          ? 'the pods fail even when called without the Service, so the loop is not the only cause'
          : requests.length === 0
            ? 'there was no other way to reach the pods to compare with'
            : 'the check without the Service did not run';
    const confirm =
      requests.length > 0
        ? `every connect of the check (${requests.map((r) => r.why.split(':')[0]).join(', ')}) succeeding while about 1 in ${n} connects to ${c.frontend} fail`
        : `connects to ${c.frontend} from ${source} failing about 1 time in ${n}, while the pods answer when called directly`;
    explanation += ` Not confirmed: ${why}. What would confirm it: ${confirm}.`;
  }

  const fix: FindingFix[] = [hairpinFix(snapshot, c)];
  const headless = headlessFix(snapshot, c);
  if (headless) fix.push(headless);
  return [
    {
      rule: 'hairpin',
      severity: confirmed ? 'error' : 'warning',
      link: linkInto(result, c.element.id),
      title: `Hairpin: ${source} cannot reach itself through ${svcName(c.service)} (about 1 call in ${n} fails)`,
      explanation,
      evidence,
      fix,
    },
  ];
}

/** S2: a pod that calls its own Service loses the connections kube-proxy sends back to it. */
export const hairpinRule: Rule = {
  name: 'hairpin',
  applies: (input) => candidateOf(input) !== null,
  probes(input) {
    const c = candidateOf(input);
    const connect = input.result.connect;
    // Only the loop's pattern needs the check; a clean series clears the rule without a probe.
    if (!c || !connect || !loopPattern(connect, c.choices)) return [];
    return checks(input, c);
  },
  evaluate,
};
