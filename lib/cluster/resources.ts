import type { InventoryResource } from '../inventory/types';

/** Where each inventory resource lives in the API, cluster-wide. */
export const RESOURCE_PATHS: Record<InventoryResource, string> = {
  nodes: '/api/v1/nodes',
  pods: '/api/v1/pods',
  services: '/api/v1/services',
  endpointslices: '/apis/discovery.k8s.io/v1/endpointslices',
  networkpolicies: '/apis/networking.k8s.io/v1/networkpolicies',
  daemonsets: '/apis/apps/v1/daemonsets',
};

/**
 * Resources without which no trace can be drawn. When these cannot be read (401/403) the
 * runtime fails loudly; the others (Services, slices, policies, daemon sets) only lose detail.
 */
export const ESSENTIAL_RESOURCES: readonly InventoryResource[] = ['nodes', 'pods'];
