/**
 * TanStack Query key factories. Everything about the current cluster hangs under one root so a
 * context switch can invalidate it all with one call.
 */
export const clusterKeys = {
  all: ['cluster'] as const,
  health: () => [...clusterKeys.all, 'health'] as const,
  inventory: () => [...clusterKeys.all, 'inventory'] as const,
  contexts: () => [...clusterKeys.all, 'contexts'] as const,
};
