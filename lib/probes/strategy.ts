/**
 * Picks how to probe from a source, for `strategy: auto`, and checks that podpath's account may
 * use the strategy asked for. Pure apart from `can`, the SelfSubjectAccessReview question.
 */
import type { AccessReviewRequest, ClusterClient } from '../cluster/types';
import type {
  InventoryPod,
  InventoryService,
  InventorySnapshot,
  LabelSelector,
  Labels,
} from '../inventory/types';
import type { ProbeStrategy, TraceEndpoint } from '../trace/types';

export type RequestedStrategy = 'auto' | ProbeStrategy;

/** May podpath's account do this? (SelfSubjectAccessReview.) */
export type Can = (request: AccessReviewRequest) => Promise<boolean>;

export interface StrategyInput {
  requested: RequestedStrategy;
  from: TraceEndpoint;
  to: TraceEndpoint;
  snapshot: InventorySnapshot;
  can: Can;
  /** Namespace of probe pods (pod and hostNetwork strategies). */
  probeNamespace: string;
}

export type StrategyDecision =
  | {
      ok: true;
      strategy: ProbeStrategy;
      /** Node the probe runs on. */
      node: string;
      /** Why the source's own identity matters for this trace (empty when it does not). */
      identity: string[];
      notes: string[];
    }
  | {
      ok: false;
      code: 'forbidden' | 'unsupported' | 'not-found';
      message: string;
      /** Permissions that were missing. */
      missing: AccessReviewRequest[];
    };

/** What the pod and hostNetwork strategies need in the probe namespace. */
export function probePodPermissions(namespace: string): AccessReviewRequest[] {
  return [
    { verb: 'create', resource: 'pods', namespace },
    { verb: 'get', resource: 'pods', subresource: 'log', namespace },
    { verb: 'delete', resource: 'pods', namespace },
  ];
}

/** What the ephemeral strategy needs in the source pod's namespace. */
export function ephemeralPermissions(namespace: string): AccessReviewRequest[] {
  return [
    { verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace },
    { verb: 'get', resource: 'pods', subresource: 'log', namespace },
  ];
}

/** `patch pods/ephemeralcontainers in namespace default`. */
export function describePermission(p: AccessReviewRequest): string {
  const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  return `${p.verb} ${resource}${p.namespace ? ` in namespace ${p.namespace}` : ''}`;
}

/**
 * `can` over a ClusterClient. A review that itself fails (no right to create
 * SelfSubjectAccessReviews, API hiccup) counts as allowed: the real call then answers, and a
 * refusal there is reported as a privilege problem rather than guessed here.
 */
export function canFromClient(client: Pick<ClusterClient, 'selfSubjectAccessReview'>): Can {
  return async (request) => {
    try {
      return (await client.selfSubjectAccessReview(request)).allowed;
    } catch {
      return true;
    }
  };
}

/** Label selector semantics of the API (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(value ?? '')) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const podId = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;

/** The Service a target names or addresses (ClusterIP, LoadBalancer ingress, external IP). */
function targetService(to: TraceEndpoint, snapshot: InventorySnapshot): InventoryService | null {
  if (to.kind === 'service' && to.namespace && to.name) {
    return (
      snapshot.services.find((s) => s.namespace === to.namespace && s.name === to.name) ?? null
    );
  }
  if (to.kind === 'dns' && to.name) {
    // name.namespace.svc[.cluster-domain]
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.|$)/.exec(to.name.toLowerCase());
    if (m) {
      return snapshot.services.find((s) => s.name === m[1] && s.namespace === m[2]) ?? null;
    }
  }
  const ip = to.ip;
  if (!ip) return null;
  return (
    snapshot.services.find(
      (s) => s.clusterIP === ip || s.loadBalancerIngress.includes(ip) || s.externalIPs.includes(ip),
    ) ?? null
  );
}

/** Pods behind a Service: its EndpointSlices, or its selector when it has none. */
function endpointPods(svc: InventoryService, snapshot: InventorySnapshot): InventoryPod[] {
  const slices = snapshot.endpointSlices.filter(
    (s) => s.namespace === svc.namespace && s.serviceName === svc.name,
  );
  if (slices.length === 0) {
    const selector = svc.selector;
    if (!selector || Object.keys(selector).length === 0) return [];
    return snapshot.pods.filter(
      (p) => p.namespace === svc.namespace && selectorMatches({ matchLabels: selector }, p.labels),
    );
  }
  const out = new Map<string, InventoryPod>();
  for (const slice of slices) {
    for (const ep of slice.endpoints) {
      const byRef =
        ep.targetRef?.kind === 'Pod'
          ? snapshot.pods.find(
              (p) => p.namespace === ep.targetRef?.namespace && p.name === ep.targetRef?.name,
            )
          : undefined;
      const byIP = snapshot.pods.filter(
        (p) => !p.hostNetwork && p.ip !== null && ep.addresses.includes(p.ip),
      );
      for (const p of byRef ? [byRef] : byIP) out.set(podId(p), p);
    }
  }
  return [...out.values()];
}

function targetPods(to: TraceEndpoint, snapshot: InventorySnapshot): InventoryPod[] {
  if (to.kind === 'pod' && to.namespace && to.name) {
    return snapshot.pods.filter((p) => p.namespace === to.namespace && p.name === to.name);
  }
  const svc = targetService(to, snapshot);
  if (svc) return endpointPods(svc, snapshot);
  if (to.ip) return snapshot.pods.filter((p) => !p.hostNetwork && p.ip === to.ip);
  return [];
}

/**
 * Why a probe must run as the source pod itself rather than beside it: the source is an
 * endpoint of the target Service (the connection can loop back to it: hairpin), a
 * NetworkPolicy selects it (its egress rules), or one selects a target pod for ingress (its
 * rules judge the source's labels and namespace, which a probe pod does not have).
 */
export function identityReasons(
  source: InventoryPod,
  to: TraceEndpoint,
  snapshot: InventorySnapshot,
): string[] {
  const reasons: string[] = [];
  const svc = targetService(to, snapshot);
  if (svc && endpointPods(svc, snapshot).some((p) => podId(p) === podId(source))) {
    reasons.push(
      `${podId(source)} is an endpoint of ${svc.namespace}/${svc.name}, so its connections can loop back to itself (hairpin)`,
    );
  }
  for (const np of snapshot.networkPolicies) {
    if (np.namespace === source.namespace && selectorMatches(np.podSelector, source.labels)) {
      reasons.push(`NetworkPolicy ${np.namespace}/${np.name} selects ${podId(source)}`);
    }
  }
  for (const target of targetPods(to, snapshot)) {
    if (podId(target) === podId(source)) continue;
    for (const np of snapshot.networkPolicies) {
      const ingress = np.policyTypes.includes('Ingress');
      if (
        ingress &&
        np.namespace === target.namespace &&
        selectorMatches(np.podSelector, target.labels)
      ) {
        reasons.push(
          `NetworkPolicy ${np.namespace}/${np.name} guards ${podId(target)}; its ingress rules judge the source's own labels`,
        );
      }
    }
  }
  return [...new Set(reasons)];
}

async function missingOf(can: Can, wanted: AccessReviewRequest[]): Promise<AccessReviewRequest[]> {
  const answers = await Promise.all(wanted.map((w) => can(w)));
  return wanted.filter((_, i) => !answers[i]);
}

function forbidden(strategy: string, missing: AccessReviewRequest[]): StrategyDecision {
  return {
    ok: false,
    code: 'forbidden',
    message: `the ${strategy} strategy needs permission to ${missing.map(describePermission).join(', ')}, which podpath's account does not have`,
    missing,
  };
}

/**
 * Chooses the probe strategy. Node sources use hostNetwork. For a pod source, `auto` uses an
 * ephemeral container when the pod's own identity matters (see identityReasons) and RBAC
 * allows it, a probe pod on its node otherwise; hostNetwork pods use hostNetwork on their node.
 * An explicit strategy is used as asked when RBAC allows it.
 */
export async function chooseStrategy(input: StrategyInput): Promise<StrategyDecision> {
  const { requested, from, to, snapshot, probeNamespace } = input;
  const memo = new Map<string, Promise<boolean>>();
  const can: Can = (req) => {
    const key = JSON.stringify(req);
    let answer = memo.get(key);
    if (!answer) {
      answer = input.can(req);
      memo.set(key, answer);
    }
    return answer;
  };
  const podMissing = () => missingOf(can, probePodPermissions(probeNamespace));

  if (from.kind === 'node') {
    const node = from.name ?? from.node;
    if (!node)
      return { ok: false, code: 'not-found', message: 'the source node has no name', missing: [] };
    if (requested !== 'auto' && requested !== 'hostNetwork') {
      return {
        ok: false,
        code: 'unsupported',
        message: `a node source is probed from the node's host network; the ${requested} strategy cannot do that (use hostNetwork or auto)`,
        missing: [],
      };
    }
    const missing = await podMissing();
    if (missing.length > 0) return forbidden('hostNetwork', missing);
    return { ok: true, strategy: 'hostNetwork', node, identity: [], notes: [] };
  }
  if (from.kind !== 'pod' || !from.namespace || !from.name) {
    return {
      ok: false,
      code: 'unsupported',
      message: `a trace starts from a pod or a node, not from a ${from.kind}`,
      missing: [],
    };
  }

  const pod = snapshot.pods.find((p) => p.namespace === from.namespace && p.name === from.name);
  if (!pod) {
    return {
      ok: false,
      code: 'not-found',
      message: `pod ${from.namespace}/${from.name} not found`,
      missing: [],
    };
  }
  const node = pod.nodeName;
  if (!node) {
    return {
      ok: false,
      code: 'unsupported',
      message: `pod ${podId(pod)} is not scheduled on a node yet, so there is nowhere to probe from`,
      missing: [],
    };
  }
  const ephemeralMissing = () => missingOf(can, ephemeralPermissions(pod.namespace));

  if (requested === 'hostNetwork' || (requested === 'auto' && pod.hostNetwork)) {
    const missing = await podMissing();
    if (missing.length > 0) return forbidden('hostNetwork', missing);
    const notes = pod.hostNetwork
      ? [
          `${podId(pod)} uses its node's network, so a hostNetwork probe on ${node} sees what it sees`,
        ]
      : [`the probe ran in ${node}'s host network, not in ${podId(pod)}'s network namespace`];
    return { ok: true, strategy: 'hostNetwork', node, identity: [], notes };
  }

  const identity = identityReasons(pod, to, snapshot);
  if (requested === 'ephemeral') {
    const missing = await ephemeralMissing();
    if (missing.length > 0) return forbidden('ephemeral', missing);
    return { ok: true, strategy: 'ephemeral', node, identity, notes: [] };
  }
  if (requested === 'pod') {
    const missing = await podMissing();
    if (missing.length > 0) return forbidden('pod', missing);
    const notes = pod.hostNetwork
      ? [`${podId(pod)} uses the host network but the probe pod does not`]
      : [];
    return { ok: true, strategy: 'pod', node, identity, notes };
  }

  // auto
  if (identity.length > 0) {
    const missingEphemeral = await ephemeralMissing();
    if (missingEphemeral.length === 0) {
      return { ok: true, strategy: 'ephemeral', node, identity, notes: [] };
    }
    const missingPod = await podMissing();
    if (missingPod.length === 0) {
      return {
        ok: true,
        strategy: 'pod',
        node,
        identity,
        notes: [
          `the source's identity matters (${identity.join('; ')}), but podpath may not ${missingEphemeral.map(describePermission).join(', ')}, so a probe pod on ${node} was used: hairpin and NetworkPolicy effects on ${podId(pod)} itself are not seen`,
        ],
      };
    }
    return forbidden('ephemeral or pod', [...missingEphemeral, ...missingPod]);
  }
  const missingPod = await podMissing();
  if (missingPod.length === 0) return { ok: true, strategy: 'pod', node, identity, notes: [] };
  const missingEphemeral = await ephemeralMissing();
  if (missingEphemeral.length === 0) {
    return {
      ok: true,
      strategy: 'ephemeral',
      node,
      identity,
      notes: [
        `podpath may not ${missingPod.map(describePermission).join(', ')}, so the probe ran as an ephemeral container in ${podId(pod)}`,
      ],
    };
  }
  return forbidden('pod or ephemeral', [...missingPod, ...missingEphemeral]);
}
