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

/**
 * Traces outlive a context switch (each names its own cluster), so they have their own root.
 * Lists are keyed by their query, so every filter combination is cached on its own.
 */
export const traceKeys = {
  all: ['traces'] as const,
  lists: () => [...traceKeys.all, 'list'] as const,
  list: (query: { from?: string; to?: string; status?: string; limit?: number }) =>
    [...traceKeys.lists(), query] as const,
  details: () => [...traceKeys.all, 'detail'] as const,
  detail: (id: string) => [...traceKeys.details(), id] as const,
};
