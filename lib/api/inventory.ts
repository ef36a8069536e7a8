/**
 * Wire schemas of the inventory as the API serves it. They mirror lib/inventory/types.ts; the
 * type assertions at the bottom fail to compile the moment the two drift apart.
 */
import { z } from 'zod';
import type {
  InventoryDaemonSet,
  InventoryEndpointSlice,
  InventoryNetworkPolicy,
  InventoryNode,
  InventoryPod,
  InventoryService,
  InventorySnapshot,
} from '@/lib/inventory/types';

const labels = z.record(z.string(), z.string());
const cniPlugin = z.enum(['flannel', 'calico', 'cilium', 'unknown']);

export const inventoryNodeSchema = z.object({
  name: z.string(),
  internalIP: z.string().nullable(),
  externalIP: z.string().nullable(),
  podCIDRs: z.array(z.string()),
  ready: z.boolean(),
  labels,
  taints: z.array(z.object({ key: z.string(), value: z.string().optional(), effect: z.string() })),
  cni: z.object({
    plugin: cniPlugin,
    backend: z.string().nullable(),
    publicIP: z.string().nullable(),
    tunnelIP: z.string().nullable(),
  }),
});

export const inventoryPodSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  ip: z.string().nullable(),
  ips: z.array(z.string()),
  nodeName: z.string().nullable(),
  hostNetwork: z.boolean(),
  labels,
  phase: z.string(),
  ready: z.boolean(),
  ports: z.array(
    z.object({ containerPort: z.number(), name: z.string().nullable(), protocol: z.string() }),
  ),
  owner: z.object({ kind: z.string(), name: z.string() }).nullable(),
  isProbe: z.boolean(),
});

export const inventoryServiceSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']),
  clusterIP: z.string().nullable(),
  headless: z.boolean(),
  ports: z.array(
    z.object({
      name: z.string().nullable(),
      port: z.number(),
      targetPort: z.union([z.number(), z.string()]),
      nodePort: z.number().nullable(),
      protocol: z.string(),
    }),
  ),
  selector: labels.nullable(),
  loadBalancerIngress: z.array(z.string()),
  externalIPs: z.array(z.string()),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).nullable(),
  internalTrafficPolicy: z.enum(['Cluster', 'Local']).nullable(),
});

export const inventoryEndpointSliceSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  serviceName: z.string().nullable(),
  addressType: z.string(),
  endpoints: z.array(
    z.object({
      addresses: z.array(z.string()),
      ready: z.boolean(),
      serving: z.boolean(),
      terminating: z.boolean(),
      nodeName: z.string().nullable(),
      targetRef: z.object({ kind: z.string(), namespace: z.string(), name: z.string() }).nullable(),
    }),
  ),
  ports: z.array(
    z.object({ name: z.string().nullable(), port: z.number().nullable(), protocol: z.string() }),
  ),
});

const labelSelector = z.object({
  matchLabels: labels.optional(),
  matchExpressions: z
    .array(
      z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() }),
    )
    .optional(),
});

export const inventoryNetworkPolicySchema = z.object({
  namespace: z.string(),
  name: z.string(),
  podSelector: labelSelector,
  policyTypes: z.array(z.enum(['Ingress', 'Egress'])),
  ingress: z.array(z.unknown()),
  egress: z.array(z.unknown()),
});

export const inventoryDaemonSetSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  labels,
  images: z.array(z.string()),
  hostNetwork: z.boolean(),
});

export const inventorySnapshotSchema = z.object({
  cluster: z.string(),
  revision: z.number(),
  nodes: z.array(inventoryNodeSchema),
  pods: z.array(inventoryPodSchema),
  services: z.array(inventoryServiceSchema),
  endpointSlices: z.array(inventoryEndpointSliceSchema),
  networkPolicies: z.array(inventoryNetworkPolicySchema),
  daemonSets: z.array(inventoryDaemonSetSchema),
  cni: z.object({
    plugin: cniPlugin,
    backend: z.string().nullable(),
    evidence: z.array(z.string()),
  }),
});

/** Where the demo cluster's containers run: the network lab, recorded outputs, or nowhere. */
export const dataPlaneSchema = z.enum(['lab', 'replay', 'none']);
export type DataPlane = z.infer<typeof dataPlaneSchema>;

/** `GET /api/inventory`: the snapshot plus what the UI says about the cluster it came from. */
export const inventoryResponseSchema = inventorySnapshotSchema.extend({
  context: z.string(),
  demo: z.boolean(),
  /** Only set for the demo cluster; 'replay' means the probes answer with recorded outputs. */
  dataPlane: dataPlaneSchema.nullable(),
});
export type InventoryResponse = z.infer<typeof inventoryResponseSchema>;

// Compile-time drift guard: each pair must be mutually assignable.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _InventoryDriftGuard = [
  Assert<Same<z.infer<typeof inventoryNodeSchema>, InventoryNode>>,
  Assert<Same<z.infer<typeof inventoryPodSchema>, InventoryPod>>,
  Assert<Same<z.infer<typeof inventoryServiceSchema>, InventoryService>>,
  Assert<Same<z.infer<typeof inventoryEndpointSliceSchema>, InventoryEndpointSlice>>,
  Assert<Same<z.infer<typeof inventoryNetworkPolicySchema>, InventoryNetworkPolicy>>,
  Assert<Same<z.infer<typeof inventoryDaemonSetSchema>, InventoryDaemonSet>>,
  Assert<Same<z.infer<typeof inventorySnapshotSchema>, InventorySnapshot>>,
];
