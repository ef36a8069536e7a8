/**
 * Pure reshaping of wire objects (API server JSON or a `kubectl get -o json` dump) into
 * podpath's inventory types. Missing fields get the defaults the API server would apply, so a
 * trimmed dump and a live object reshape alike.
 */
import type {
  CniPlugin,
  InventoryContainerPort,
  InventoryContainerStatus,
  InventoryDaemonSet,
  InventoryEndpointSlice,
  InventoryNetworkPolicy,
  InventoryNode,
  InventoryPod,
  InventoryService,
  LabelSelector,
} from './types';
import type {
  WireCondition,
  WireContainer,
  WireContainerStatus,
  WireDaemonSet,
  WireEndpointSlice,
  WireLabelSelector,
  WireNetworkPolicy,
  WireNode,
  WireObject,
  WirePod,
  WireService,
} from './wire';

/** Label podpath puts on every probe pod it creates. */
export const PROBE_LABEL = { key: 'app.kubernetes.io/managed-by', value: 'podpath' } as const;

/** Node annotations the CNI agents write, which tell the plugin, its backend and addresses. */
export const ANNOTATIONS = {
  flannelBackendType: 'flannel.alpha.coreos.com/backend-type',
  flannelPublicIP: 'flannel.alpha.coreos.com/public-ip',
  calicoIPv4Address: 'projectcalico.org/IPv4Address',
  calicoIPIPTunnelAddr: 'projectcalico.org/IPv4IPIPTunnelAddr',
  calicoVXLANTunnelAddr: 'projectcalico.org/IPv4VXLANTunnelAddr',
  ciliumHostIP: 'network.cilium.io/ipv4-cilium-host',
  // Cilium before 1.14 wrote the same fact under this older key.
  ciliumHostIPLegacy: 'io.cilium.network.ipv4-cilium-host',
} as const;

/** `namespace/name`, or `name` for cluster-scoped objects: the key every inventory map uses. */
export function objectKey(obj: WireObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** Reshapes a Node, reading addresses, pod CIDRs, readiness, taints and CNI annotations. */
export function toInventoryNode(node: WireNode): InventoryNode {
  const annotations = node.metadata?.annotations ?? {};
  const addresses = node.status?.addresses ?? [];
  const addressOf = (type: string) => addresses.find((a) => a.type === type)?.address ?? null;
  // podCIDRs is authoritative when present (dual stack); older nodes only have podCIDR.
  const podCIDRs = node.spec?.podCIDRs?.length
    ? [...node.spec.podCIDRs]
    : node.spec?.podCIDR
      ? [node.spec.podCIDR]
      : [];
  return {
    name: node.metadata?.name ?? '',
    internalIP: addressOf('InternalIP'),
    externalIP: addressOf('ExternalIP'),
    podCIDRs,
    ready: conditionTrue(node.status?.conditions, 'Ready'),
    labels: { ...(node.metadata?.labels ?? {}) },
    taints: (node.spec?.taints ?? []).map((t) => ({
      key: t.key ?? '',
      ...(t.value !== undefined && t.value !== '' ? { value: t.value } : {}),
      effect: t.effect ?? '',
    })),
    cni: nodeCni(annotations),
  };
}

function nodeCni(annotations: Record<string, string>): InventoryNode['cni'] {
  const has = (prefix: string) => Object.keys(annotations).some((k) => k.startsWith(prefix));
  const ciliumHost =
    annotations[ANNOTATIONS.ciliumHostIP] ?? annotations[ANNOTATIONS.ciliumHostIPLegacy];
  let plugin: CniPlugin = 'unknown';
  // Canal clusters carry both flannel and calico annotations; flannel moves the packets there.
  if (has('flannel.alpha.coreos.com/')) plugin = 'flannel';
  else if (has('projectcalico.org/')) plugin = 'calico';
  else if (has('network.cilium.io/') || has('io.cilium.network.')) plugin = 'cilium';

  if (plugin === 'flannel') {
    return {
      plugin,
      backend: annotations[ANNOTATIONS.flannelBackendType] ?? null,
      publicIP: annotations[ANNOTATIONS.flannelPublicIP] ?? null,
      tunnelIP: null,
    };
  }
  if (plugin === 'calico') {
    const ipip = annotations[ANNOTATIONS.calicoIPIPTunnelAddr];
    const vxlan = annotations[ANNOTATIONS.calicoVXLANTunnelAddr];
    return {
      plugin,
      // Without a tunnel address calico routes natively over BGP.
      backend: ipip ? 'ipip' : vxlan ? 'vxlan' : 'bgp',
      publicIP: stripPrefix(annotations[ANNOTATIONS.calicoIPv4Address]),
      tunnelIP: ipip ?? vxlan ?? null,
    };
  }
  if (plugin === 'cilium') {
    return { plugin, backend: null, publicIP: null, tunnelIP: ciliumHost ?? null };
  }
  return { plugin, backend: null, publicIP: null, tunnelIP: null };
}

/** Reshapes a Pod; container statuses are kept so probes can see exit codes. */
export function toInventoryPod(pod: WirePod): InventoryPod {
  const labels = { ...(pod.metadata?.labels ?? {}) };
  const podIP = pod.status?.podIP || null;
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (ips.length === 0 && podIP) ips.push(podIP);
  const owners = pod.metadata?.ownerReferences ?? [];
  const owner = owners.find((o) => o.controller) ?? owners[0];
  const spec = pod.spec ?? {};
  const ports: InventoryContainerPort[] = (spec.containers ?? []).flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => typeof p.containerPort === 'number')
      .map((p) => ({
        containerPort: p.containerPort as number,
        name: p.name ?? null,
        protocol: p.protocol ?? 'TCP',
      })),
  );
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    ip: podIP,
    ips,
    nodeName: spec.nodeName || null,
    hostNetwork: spec.hostNetwork === true,
    labels,
    phase: pod.status?.phase ?? 'Pending',
    ready: conditionTrue(pod.status?.conditions, 'Ready'),
    ports,
    owner: owner?.kind && owner.name ? { kind: owner.kind, name: owner.name } : null,
    isProbe: labels[PROBE_LABEL.key] === PROBE_LABEL.value,
    terminating: !!pod.metadata?.deletionTimestamp,
    containers: [
      ...containerStatuses(spec.containers, pod.status?.containerStatuses, false),
      ...containerStatuses(spec.ephemeralContainers, pod.status?.ephemeralContainerStatuses, true),
    ],
  };
}

function containerStatuses(
  declared: WireContainer[] | undefined,
  statuses: WireContainerStatus[] | undefined,
  ephemeral: boolean,
): InventoryContainerStatus[] {
  const byName = new Map((statuses ?? []).map((s) => [s.name ?? '', s]));
  // Declared containers without a status yet (just created, or image pulling) count as waiting.
  const names = new Set([...(declared ?? []).map((c) => c.name ?? ''), ...byName.keys()]);
  return [...names].map((name) => {
    const status = byName.get(name);
    const spec = declared?.find((c) => c.name === name);
    const state = status?.state;
    const base = {
      name,
      ephemeral,
      image: status?.image ?? spec?.image ?? '',
      ready: status?.ready === true,
      restartCount: status?.restartCount ?? 0,
    };
    if (state?.terminated) {
      return {
        ...base,
        state: 'terminated' as const,
        reason: state.terminated.reason ?? null,
        message: state.terminated.message ?? null,
        exitCode: state.terminated.exitCode ?? null,
      };
    }
    if (state?.running) {
      return { ...base, state: 'running' as const, reason: null, message: null, exitCode: null };
    }
    return {
      ...base,
      state: 'waiting' as const,
      reason: state?.waiting?.reason ?? null,
      message: state?.waiting?.message ?? null,
      exitCode: null,
    };
  });
}

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

/** Reshapes a Service; `clusterIP: None` becomes a headless Service with a null clusterIP. */
export function toInventoryService(svc: WireService): InventoryService {
  const spec = svc.spec ?? {};
  const type = SERVICE_TYPES.find((t) => t === spec.type) ?? 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  const selector =
    spec.selector && Object.keys(spec.selector).length > 0 ? { ...spec.selector } : null;
  return {
    namespace: svc.metadata?.namespace ?? 'default',
    name: svc.metadata?.name ?? '',
    type,
    clusterIP: headless || !spec.clusterIP ? null : spec.clusterIP,
    headless,
    ports: (spec.ports ?? []).map((p) => ({
      name: p.name || null,
      port: p.port ?? 0,
      // The API defaults targetPort to the port number.
      targetPort: p.targetPort ?? p.port ?? 0,
      nodePort: p.nodePort ?? null,
      protocol: p.protocol ?? 'TCP',
    })),
    // An empty selector selects nothing for Services (the endpoint controller skips it), so it
    // reads the same as no selector: endpoints are managed by hand.
    selector,
    loadBalancerIngress: (svc.status?.loadBalancer?.ingress ?? [])
      .map((i) => i.ip ?? i.hostname)
      .filter((a): a is string => !!a),
    externalIPs: [...(spec.externalIPs ?? [])],
    externalTrafficPolicy: trafficPolicy(spec.externalTrafficPolicy),
    internalTrafficPolicy: trafficPolicy(spec.internalTrafficPolicy),
  };
}

function trafficPolicy(value: string | undefined): 'Cluster' | 'Local' | null {
  return value === 'Cluster' || value === 'Local' ? value : null;
}

/** Reshapes an EndpointSlice, applying the API's nil semantics for endpoint conditions. */
export function toInventoryEndpointSlice(slice: WireEndpointSlice): InventoryEndpointSlice {
  return {
    namespace: slice.metadata?.namespace ?? 'default',
    name: slice.metadata?.name ?? '',
    serviceName: slice.metadata?.labels?.['kubernetes.io/service-name'] ?? null,
    addressType: slice.addressType ?? 'IPv4',
    endpoints: (slice.endpoints ?? []).map((e) => {
      // discovery/v1: nil ready means "unknown, treat as ready"; nil serving defers to ready;
      // nil terminating means not terminating.
      const ready = e.conditions?.ready ?? true;
      return {
        addresses: [...(e.addresses ?? [])],
        ready,
        serving: e.conditions?.serving ?? ready,
        terminating: e.conditions?.terminating ?? false,
        nodeName: e.nodeName ?? null,
        targetRef:
          e.targetRef?.name !== undefined
            ? {
                kind: e.targetRef.kind ?? 'Pod',
                namespace: e.targetRef.namespace ?? slice.metadata?.namespace ?? 'default',
                name: e.targetRef.name,
              }
            : null,
      };
    }),
    // A nil port in a slice means "all ports"; it is kept as null.
    ports: (slice.ports ?? []).map((p) => ({
      name: p.name ?? null,
      port: p.port ?? null,
      protocol: p.protocol ?? 'TCP',
    })),
  };
}

/** Reshapes a NetworkPolicy, deriving policyTypes the way the API server defaults them. */
export function toInventoryNetworkPolicy(policy: WireNetworkPolicy): InventoryNetworkPolicy {
  const spec = policy.spec ?? {};
  const declared = (spec.policyTypes ?? []).filter(
    (t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress',
  );
  // Unset policyTypes: every policy affects ingress, and egress too when it has egress rules.
  const policyTypes: ('Ingress' | 'Egress')[] =
    declared.length > 0
      ? declared
      : spec.egress !== undefined
        ? ['Ingress', 'Egress']
        : ['Ingress'];
  return {
    namespace: policy.metadata?.namespace ?? 'default',
    name: policy.metadata?.name ?? '',
    podSelector: labelSelector(spec.podSelector),
    policyTypes,
    ingress: structuredClone(spec.ingress ?? []),
    egress: structuredClone(spec.egress ?? []),
  };
}

function labelSelector(selector: WireLabelSelector | undefined): LabelSelector {
  const out: LabelSelector = {};
  if (selector?.matchLabels) out.matchLabels = { ...selector.matchLabels };
  if (selector?.matchExpressions) {
    out.matchExpressions = selector.matchExpressions.map((e) => ({
      key: e.key ?? '',
      operator: e.operator ?? 'In',
      ...(e.values ? { values: [...e.values] } : {}),
    }));
  }
  return out;
}

/** Reshapes a DaemonSet; init container images count, since CNI installers run there. */
export function toInventoryDaemonSet(ds: WireDaemonSet): InventoryDaemonSet {
  const podSpec = ds.spec?.template?.spec ?? {};
  const images = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])]
    .map((c) => c.image)
    .filter((i): i is string => !!i);
  return {
    namespace: ds.metadata?.namespace ?? 'default',
    name: ds.metadata?.name ?? '',
    labels: { ...(ds.metadata?.labels ?? {}) },
    images: [...new Set(images)],
    hostNetwork: podSpec.hostNetwork === true,
  };
}

function conditionTrue(conditions: WireCondition[] | undefined, type: string): boolean {
  return conditions?.find((c) => c.type === type)?.status === 'True';
}

function stripPrefix(cidr: string | undefined): string | null {
  if (!cidr) return null;
  return cidr.split('/')[0] ?? null;
}
