/**
 * Rule `no-endpoints` (S6): the traffic reaches a Service that has nothing to send it to. A
 * Service is a name and a virtual address; kube-proxy forwards to the ready pods its selector
 * picks (the EndpointSlices list them). With none, it rejects the connection ("Connection
 * refused"). Three shapes, told apart from the inventory: no ready endpoint at all (the selector
 * matches no pod, or only pods that are not ready, or a Service without a selector whose slices
 * are empty); no endpoint on the caller's node under internalTrafficPolicy Local; or endpoints
 * whose containers do not expose the Service's targetPort.
 */
import type {
  InventoryPod,
  InventoryService,
  InventoryServicePort,
  InventorySnapshot,
  Labels,
} from '@/lib/inventory/types';
import { serviceEndpoints, type ServiceEndpoint } from '@/lib/topology/endpoints';
import type { ConnectSummary, Finding, FindingFix, PathElement } from '@/lib/trace/types';
import {
  connectErrors,
  describeConnects,
  formatSelector,
  linkInto,
  podsSelectedBy,
  selectorMatches,
  editDistance as distance,
} from '../evidence';
import type { DiagnosisInput, Rule } from '../types';

type Shape =
  /** No ready endpoint anywhere. */
  | 'none-ready'
  /** Ready endpoints, none on the caller's node, and internalTrafficPolicy Local. */
  | 'none-local'
  /** Ready endpoints whose containers expose no port the targetPort names. */
  | 'port';

interface Target {
  service: InventoryService;
  servicePort: InventoryServicePort | null;
  /** The Service (or LoadBalancer) element the traffic enters. */
  element: PathElement | null;
  endpoints: ServiceEndpoint[];
  ready: ServiceEndpoint[];
  shape: Shape;
}

/** Labels controllers add to every pod they make; pointing a Service at them pins one revision. */
const GENERATED_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/controller-uid',
  'controller-uid',
]);

/** How many nearby pods the evidence names. */
const NEARBY = 3;

const svcName = (s: { namespace: string; name: string }) => `${s.namespace}/${s.name}`;

/** Whether a pod's container exposes the port a targetPort names (number or port name). */
function exposes(pod: InventoryPod, targetPort: number | string, protocol: string): boolean {
  const numeric =
    typeof targetPort === 'number'
      ? targetPort
      : /^\d+$/.test(targetPort)
        ? Number(targetPort)
        : null;
  return pod.ports.some(
    (p) =>
      p.protocol === protocol &&
      (numeric !== null ? p.containerPort === numeric : p.name === targetPort),
  );
}

function targetOf(input: DiagnosisInput): Target | null {
  const { expected, snapshot, result } = input;
  const via = expected.via.service;
  if (!via) return null;
  const service = snapshot.services.find(
    (s) => s.namespace === via.namespace && s.name === via.name,
  );
  if (!service || service.type === 'ExternalName') return null;
  const servicePort = service.ports.find((p) => p.port === via.port) ?? service.ports[0] ?? null;
  const endpoints = serviceEndpoints(service, snapshot, servicePort);
  const ready = endpoints.filter((e) => e.ready);
  const element =
    result.path.find(
      (e) =>
        (e.kind === 'service' || e.kind === 'loadbalancer') &&
        (e.tags?.includes('virtual') || e.tags?.includes('no-endpoints')),
    ) ?? null;
  const base = { service, servicePort, element, endpoints, ready };
  if (ready.length === 0) return { ...base, shape: 'none-ready' };
  // ClusterIP traffic only; LoadBalancer and NodePort traffic follows externalTrafficPolicy.
  if (
    service.internalTrafficPolicy === 'Local' &&
    expected.via.readyEndpoints === 0 &&
    !expected.via.loadBalancer &&
    !expected.via.nodePort
  ) {
    return { ...base, shape: 'none-local' };
  }
  if (servicePort) {
    const pods = ready.flatMap((e) => (e.pod ? [e.pod] : []));
    // containerPort is informational: a pod that declares no ports may still listen anywhere.
    const declared = pods.length === ready.length && pods.every((p) => p.ports.length > 0);
    if (declared && !pods.some((p) => exposes(p, servicePort.targetPort, servicePort.protocol))) {
      return { ...base, shape: 'port' };
    }
  }
  return null;
}

/** How close a pod's labels come to a selector: exact pairs count most, then near values. */
function closeness(selector: Labels, labels: Labels): number {
  let score = 0;
  for (const [key, want] of Object.entries(selector)) {
    const have = labels[key];
    if (have === want) score += 4;
    else if (have !== undefined) {
      score += 1 + 1 - distance(have, want) / Math.max(have.length, want.length, 1);
    } else if (Object.values(labels).includes(want)) score += 1;
  }
  return score;
}

/** "app=legacy-client (the selector wants app=legacy-api)": where a pod's labels differ. */
function difference(selector: Labels, labels: Labels): string {
  const parts: string[] = [];
  for (const [key, want] of Object.entries(selector)) {
    const have = labels[key];
    if (have === want) parts.push(`${key}=${have}`);
    else if (have !== undefined) parts.push(`${key}=${have} (the selector wants ${key}=${want})`);
    else parts.push(`no ${key} label (the selector wants ${key}=${want})`);
  }
  return parts.join(', ');
}

const shownLabels = (labels: Labels) =>
  formatSelector(
    Object.fromEntries(Object.entries(labels).filter(([k]) => !GENERATED_LABELS.has(k))),
  ) || 'no labels';

const candidatePods = (snapshot: InventorySnapshot) =>
  snapshot.pods.filter(
    (p) => !p.isProbe && !p.terminating && p.phase !== 'Succeeded' && p.phase !== 'Failed',
  );

/** Evidence about the labels pods near the Service do have. */
function nearbyEvidence(snapshot: InventorySnapshot, service: InventoryService, selector: Labels) {
  const lines: string[] = [];
  const inNamespace = candidatePods(snapshot).filter((p) => p.namespace === service.namespace);
  const ranked = inNamespace
    .map((pod) => ({ pod, score: closeness(selector, pod.labels) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.pod.name.localeCompare(b.pod.name, 'en'));
  if (ranked.length > 0) {
    lines.push(
      `closest labels in namespace ${service.namespace}: ${ranked
        .slice(0, NEARBY)
        .map((r) => `${r.pod.name} has ${difference(selector, r.pod.labels)}`)
        .join('; ')}`,
    );
  } else if (inNamespace.length > 0) {
    lines.push(
      `no pod in namespace ${service.namespace} has any of the selector's labels; the labels its pods do have: ${inNamespace
        .slice(0, 5)
        .map((p) => `${p.name}: ${shownLabels(p.labels)}`)
        .join('; ')}`,
    );
  } else {
    lines.push(`namespace ${service.namespace} has no pods at all`);
  }
  const elsewhere = candidatePods(snapshot).filter(
    (p) => p.namespace !== service.namespace && selectorMatches(selector, p.labels),
  );
  if (elsewhere.length > 0) {
    lines.push(
      `${elsewhere
        .slice(0, NEARBY)
        .map(svcName)
        .join(', ')} ${elsewhere.length === 1 ? 'has' : 'have'} ${formatSelector(selector)}, ` +
        `but a Service only selects pods of its own namespace (${service.namespace})`,
    );
  }
  return lines;
}

/** Why a pod is not ready, from its phase and container states. */
function notReadyReason(pod: InventoryPod): string {
  const waiting = (pod.containers ?? [])
    .filter((c) => !c.ephemeral && !c.ready)
    .map((c) => `${c.name} ${c.state}${c.reason ? `: ${c.reason}` : ''}`);
  return `${pod.phase}${pod.terminating ? ', terminating' : ''}${waiting.length > 0 ? `; ${waiting.join(', ')}` : ', not ready'}`;
}

function sliceEvidence(snapshot: InventorySnapshot, t: Target): string {
  const slices = snapshot.endpointSlices.filter(
    (s) => s.namespace === t.service.namespace && s.serviceName === t.service.name,
  );
  if (slices.length === 0) {
    return `no EndpointSlice carries kubernetes.io/service-name=${t.service.name} in ${t.service.namespace}`;
  }
  return slices
    .map((s) => {
      const listed = s.endpoints.map(
        (e) =>
          `${e.addresses[0] ?? '?'}${e.targetRef ? ` (${e.targetRef.name})` : ''}${e.ready ? ' ready' : ' not ready'}`,
      );
      return `EndpointSlice ${s.namespace}/${s.name} lists ${
        listed.length === 0 ? 'no endpoints' : `${listed.length}: ${listed.join(', ')}`
      }`;
    })
    .join('; ');
}

const portText = (sp: InventoryServicePort | null) =>
  sp ? `port ${sp.port}/${sp.protocol} -> targetPort ${sp.targetPort}` : 'no ports';

/** The name for a new backend pod: the Service's own, unless a pod has it already. */
function backendName(snapshot: InventorySnapshot, service: InventoryService): string {
  const taken = (n: string) =>
    snapshot.pods.some((p) => p.namespace === service.namespace && p.name === n);
  return taken(service.name) ? `${service.name}-backend` : service.name;
}

function backendFix(snapshot: InventorySnapshot, t: Target, selector: Labels): FindingFix | null {
  const sp = t.servicePort;
  if (!sp || Object.keys(selector).length === 0) return null;
  const named = typeof sp.targetPort === 'string' && !/^\d+$/.test(sp.targetPort);
  const port = named ? sp.port : Number(sp.targetPort);
  const name = backendName(snapshot, t.service);
  const labels = formatSelector(selector);
  const ns = t.service.namespace;
  // nginx serves port 80 as it comes; another port needs the real server's image or a config.
  const caveat =
    port === 80
      ? ''
      : ` (nginx stands in for the real server here: stock nginx answers on 80, so put the image of the server that listens on ${port} in its place)`;
  const portLines = named
    ? [`            - name: ${sp.targetPort}`, `              containerPort: ${port}`]
    : [`            - containerPort: ${port}`];
  if (sp.protocol !== 'TCP') portLines.push(`              protocol: ${sp.protocol}`);
  const yaml = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    'spec:',
    '  replicas: 1',
    '  selector:',
    '    matchLabels:',
    ...Object.entries(selector).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
    '  template:',
    '    metadata:',
    '      labels:',
    ...Object.entries(selector).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`),
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    '          image: nginx',
    '          ports:',
    ...portLines,
    '',
  ].join('\n');
  return {
    title:
      `Start a backend that carries ${labels} and serves ${named ? `a port named ${sp.targetPort}` : `port ${port}`}${caveat}; ` +
      `the Deployment below is the lasting form`,
    commands: [
      // kubectl run cannot name a container port, so a named targetPort needs the Deployment.
      ...(named
        ? [`kubectl apply -f ${name}.yaml`]
        : [
            `kubectl run ${name} --namespace ${ns} --image=nginx --labels=${labels} --port=${port}`,
          ]),
      `kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${t.service.name}`,
    ],
    yaml,
  };
}

/** A running pod that already serves the targetPort under other labels, with the selector to use. */
function retargetFix(snapshot: InventorySnapshot, t: Target, selector: Labels): FindingFix | null {
  const sp = t.servicePort;
  if (!sp) return null;
  const ranked = candidatePods(snapshot)
    .filter(
      (p) =>
        p.namespace === t.service.namespace &&
        p.phase === 'Running' &&
        !p.hostNetwork &&
        !selectorMatches(selector, p.labels) &&
        exposes(p, sp.targetPort, sp.protocol),
    )
    .sort(
      (a, b) =>
        closeness(selector, b.labels) - closeness(selector, a.labels) ||
        a.name.localeCompare(b.name, 'en'),
    );
  const pod = ranked[0];
  if (!pod) return null;
  const own = Object.entries(pod.labels).filter(([k]) => !GENERATED_LABELS.has(k));
  // Keep the selector's keys where the pod has them (app=... stays app=...); else its own labels.
  const sameKeys = own.filter(([k]) => k in selector);
  const chosen = Object.fromEntries(sameKeys.length > 0 ? sameKeys : own);
  if (Object.keys(chosen).length === 0) return null;
  const also = candidatePods(snapshot).filter(
    (p) => p.namespace === t.service.namespace && p !== pod && selectorMatches(chosen, p.labels),
  );
  const patch = JSON.stringify([{ op: 'replace', path: '/spec/selector', value: chosen }]);
  return {
    title:
      `Or point the selector at ${pod.name}, which already serves ${sp.targetPort}/${sp.protocol}: ` +
      `select ${formatSelector(chosen)} instead of ${formatSelector(selector)}` +
      (also.length > 0
        ? ` (that also picks ${also.map((p) => p.name).join(', ')}; check that they serve it too)`
        : ''),
    commands: [
      `kubectl -n ${t.service.namespace} patch service ${t.service.name} --type=json -p '${patch}'`,
    ],
  };
}

/** Repoint targetPort at the one port the selected pods do declare. */
function targetPortFix(t: Target): FindingFix | null {
  const sp = t.servicePort;
  if (!sp) return null;
  const declared = new Set(
    t.ready.flatMap((e) =>
      (e.pod?.ports ?? []).filter((p) => p.protocol === sp.protocol).map((p) => p.containerPort),
    ),
  );
  if (declared.size !== 1) return null;
  const [port] = [...declared];
  const index = t.service.ports.indexOf(sp);
  const patch = JSON.stringify([
    { op: 'replace', path: `/spec/ports/${index}/targetPort`, value: port },
  ]);
  return {
    title: `Point targetPort at ${port}, the port the pods declare (or make the containers listen on ${sp.targetPort})`,
    commands: [
      `kubectl -n ${t.service.namespace} patch service ${t.service.name} --type=json -p '${patch}'`,
    ],
  };
}

function connectLine(source: string, connect: ConnectSummary): string {
  const errors = connectErrors(connect);
  return `from ${source}: ${describeConnects(connect)}${errors.length > 0 ? ` (${errors.join(', ')})` : ''}`;
}

const refusedOnly = (connect: ConnectSummary) =>
  connect.results.some((r) => !r.ok) &&
  connect.results.every((r) => r.ok || /refused|reset/i.test(r.error ?? ''));

function evaluate(input: DiagnosisInput): Finding[] {
  const t = targetOf(input);
  if (!t) return [];
  const { result, snapshot } = input;
  const connect = result.connect && result.connect.attempts > 0 ? result.connect : null;
  // Traffic got through: the inventory is behind the cluster, or a pod answers undeclared.
  if (connect && connect.succeeded > 0) return [];

  const { service, servicePort: sp } = t;
  const name = svcName(service);
  const source = result.from.ref.replace(/^(pod|node):/, '');
  const frontend = connect ? `${connect.target}:${connect.port}` : name;
  const selector =
    service.selector && Object.keys(service.selector).length > 0 ? service.selector : null;
  const evidence: string[] = [
    `${name}: type ${service.type}, ${portText(sp)}, selector ${selector ? formatSelector(selector) : 'none'}`,
    sliceEvidence(snapshot, t),
  ];
  const fix: FindingFix[] = [];
  let title: string;
  let explanation: string;
  const intro =
    `A Service is only a name and a virtual address: kube-proxy sends its traffic on to the ready ` +
    `pods its selector picks, which the EndpointSlices list. `;

  if (t.shape === 'none-ready' && !selector) {
    title = `No endpoints: ${name} has no selector and no ready endpoint`;
    explanation =
      intro +
      `${name} has no selector, so Kubernetes does not fill its EndpointSlices: whoever manages ` +
      `them by hand has listed no ready address, and kube-proxy has nowhere to send the traffic.`;
  } else if (t.shape === 'none-ready' && selector) {
    const picked = podsSelectedBy(snapshot, service.namespace, selector);
    if (picked.length === 0) {
      title = `No endpoints: ${name} selects ${formatSelector(selector)}, which no pod has`;
      evidence.push(`no pod in namespace ${service.namespace} has ${formatSelector(selector)}`);
      evidence.push(...nearbyEvidence(snapshot, service, selector));
      explanation =
        intro +
        `${name} picks pods labelled ${formatSelector(selector)}, and no pod in ${service.namespace} ` +
        `has those labels, so the Service has no endpoints and kube-proxy rejects what is sent to ` +
        `${frontend}. Either the backend was never started, or the labels differ from the selector ` +
        `(compare the closest labels below).`;
    } else {
      title = `No endpoints: the pods ${name} selects (${formatSelector(selector)}) are not ready`;
      evidence.push(
        `pods with ${formatSelector(selector)}: ${picked
          .map((p) => `${p.name} (${notReadyReason(p)})`)
          .join('; ')}`,
      );
      explanation =
        intro +
        `${name} picks ${picked.length} pod${picked.length === 1 ? '' : 's'} (${formatSelector(selector)}), ` +
        `but none is ready, and only ready pods become endpoints, so kube-proxy has nowhere to ` +
        `send the traffic. The pods' status says why they are not ready.`;
      const first = picked[0];
      if (first) {
        fix.push({
          title: `Find out why ${first.name} is not ready (failing readiness probe, crash, pending)`,
          commands: [
            `kubectl -n ${service.namespace} describe pod ${first.name}`,
            `kubectl -n ${service.namespace} logs ${first.name}`,
          ],
        });
      }
    }
    const backend = backendFix(snapshot, t, selector);
    if (backend && picked.length === 0) fix.push(backend);
    const retarget = retargetFix(snapshot, t, selector);
    if (retarget) fix.push(retarget);
  } else if (t.shape === 'none-local') {
    const node = input.expected.sourceNode ?? 'the caller’s node';
    title = `No endpoints on ${node}: ${name} has internalTrafficPolicy Local`;
    evidence.push(
      `internalTrafficPolicy Local; ready endpoints run on ${[
        ...new Set(t.ready.map((e) => e.node ?? '?')),
      ].join(', ')}, none on ${node}`,
    );
    explanation =
      intro +
      `${name} has internalTrafficPolicy: Local, so kube-proxy on each node only uses the ` +
      `endpoints on that same node. ${node} has none, so traffic from ${source} is dropped there ` +
      `although the Service has ready pods elsewhere.`;
    fix.push({
      title: `Let every node use every ready endpoint: internalTrafficPolicy Cluster`,
      commands: [
        `kubectl -n ${service.namespace} patch service ${service.name} -p '{"spec":{"internalTrafficPolicy":"Cluster"}}'`,
      ],
    });
  } else {
    const target = sp ? String(sp.targetPort) : '?';
    title = `No endpoint serves ${name}'s targetPort ${target}`;
    evidence.push(
      `the ready endpoints' containers declare: ${t.ready
        .map(
          (e) =>
            `${e.pod?.name ?? e.ip} ${
              (e.pod?.ports ?? [])
                .map((p) => `${p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ''}`)
                .join(', ') || 'nothing'
            }`,
        )
        .join('; ')}`,
    );
    explanation =
      intro +
      `${name} has ready pods, but it forwards to their port ${target}, and none of their ` +
      `containers exposes that port, so each connection reaches a pod on a port nothing listens on.`;
    const repoint = targetPortFix(t);
    if (repoint) fix.push(repoint);
    if (selector) {
      const retarget = retargetFix(snapshot, t, selector);
      if (retarget) fix.push(retarget);
    }
  }

  if (connect) {
    evidence.push(connectLine(source, connect));
    if (refusedOnly(connect) && t.shape !== 'port') {
      evidence.push(
        `refused at once: kube-proxy answers a Service without endpoints with a reject ("has no endpoints")`,
      );
    }
  }
  // The port case rests on declarations, which a container may not make: only refusals confirm it.
  const confirmed = connect !== null && (t.shape !== 'port' || refusedOnly(connect));
  if (!confirmed) {
    explanation += connect
      ? ` Not confirmed: the connects failed without a refusal, so a pod may be listening on an undeclared port behind something else that drops the traffic. What would confirm it: connects to ${frontend} refused.`
      : ` Not confirmed: no connect ran. What would confirm it: a connect to ${frontend} that is refused or times out.`;
  }
  return [
    {
      rule: 'no-endpoints',
      severity: confirmed ? 'error' : 'warning',
      link: t.element ? linkInto(result, t.element.id) : null,
      title,
      explanation,
      evidence,
      fix,
    },
  ];
}

/** S6: a Service with nothing behind it (or nothing on the port it forwards to). */
export const noEndpointsRule: Rule = {
  name: 'no-endpoints',
  applies: (input) => targetOf(input) !== null,
  evaluate,
};
