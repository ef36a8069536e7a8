import { InventoryStore } from './inventory-store';
import type { InventoryResource, InventorySnapshot } from './types';
import type { WireList, WireObject } from './wire';

const RESOURCE_BY_KIND: Record<string, InventoryResource> = {
  Node: 'nodes',
  Pod: 'pods',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  NetworkPolicy: 'networkpolicies',
  DaemonSet: 'daemonsets',
};

/**
 * Builds a snapshot with no cluster from saved JSON: a `kubectl get ... -o json` List, a typed
 * list (PodList, ...), a single object, or an array of any of these. Kinds the inventory does
 * not hold (Endpoints, ConfigMaps, ...) are skipped and counted.
 */
export function snapshotFromObjects(
  input: unknown,
  cluster = 'offline',
): { snapshot: InventorySnapshot; skipped: number } {
  const byResource = new Map<InventoryResource, unknown[]>();
  let skipped = 0;
  const visit = (value: unknown, listKind?: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => visit(v, listKind));
      return;
    }
    if (typeof value !== 'object' || value === null) {
      skipped += 1;
      return;
    }
    const list = value as WireList;
    if (Array.isArray(list.items)) {
      // Items of a typed list (PodList) may lack their own kind, as the API server sends them.
      const itemKind = list.kind?.endsWith('List') ? list.kind.slice(0, -4) : undefined;
      list.items.forEach((item) => visit(item, itemKind));
      return;
    }
    const kind = (value as WireObject).kind ?? listKind;
    const resource = kind ? RESOURCE_BY_KIND[kind] : undefined;
    if (!resource) {
      skipped += 1;
      return;
    }
    const bucket = byResource.get(resource) ?? [];
    bucket.push(value);
    byResource.set(resource, bucket);
  };
  visit(input);

  const store = new InventoryStore(cluster);
  for (const [resource, objects] of byResource) store.replace(resource, objects);
  return { snapshot: store.snapshot(), skipped };
}
