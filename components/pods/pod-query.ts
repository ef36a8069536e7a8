/** Namespace filter and free-text pod search, shared by the pod list and the graph. */
import type { InventoryPod } from '@/lib/inventory/types';

/**
 * True when every whitespace-separated term of `query` is found in the pod's name, namespace,
 * IP, node or one of its labels (`key=value` matches a label exactly, anything else is a
 * case-insensitive substring). An empty query matches every pod.
 */
export function podMatches(pod: InventoryPod, query: string): boolean {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const haystack = [
    pod.name,
    pod.namespace,
    `${pod.namespace}/${pod.name}`,
    ...pod.ips,
    pod.nodeName ?? '',
    pod.hostNetwork ? 'hostnetwork host-network' : '',
  ].map((s) => s.toLowerCase());
  const labels = Object.entries(pod.labels).map(([k, v]) => `${k}=${v}`.toLowerCase());
  return terms.every((term) =>
    term.includes('=')
      ? labels.includes(term)
      : haystack.some((h) => h.includes(term)) || labels.some((l) => l.includes(term)),
  );
}

/** Pods in the namespace (null: all) that match the query, ordered by namespace then name. */
export function filterPods(
  pods: InventoryPod[],
  namespace: string | null,
  query: string,
): InventoryPod[] {
  return pods
    .filter((p) => (namespace === null || p.namespace === namespace) && podMatches(p, query))
    .sort(
      (a, b) => a.namespace.localeCompare(b.namespace, 'en') || a.name.localeCompare(b.name, 'en'),
    );
}

/** Every namespace that has pods or Services, sorted. */
export function namespacesOf(snapshot: {
  pods: { namespace: string }[];
  services: { namespace: string }[];
}): string[] {
  const set = new Set([...snapshot.pods, ...snapshot.services].map((x) => x.namespace));
  return [...set].sort((a, b) => a.localeCompare(b, 'en'));
}
