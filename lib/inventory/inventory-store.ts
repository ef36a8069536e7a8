import { detectCni } from './cni';
import {
  objectKey,
  toInventoryDaemonSet,
  toInventoryEndpointSlice,
  toInventoryNetworkPolicy,
  toInventoryNode,
  toInventoryPod,
  toInventoryService,
} from './reshape';
import type {
  InventoryDaemonSet,
  InventoryEndpointSlice,
  InventoryNetworkPolicy,
  InventoryNode,
  InventoryPod,
  InventoryResource,
  InventoryService,
  InventorySnapshot,
} from './types';
import type { WireObject } from './wire';

export type InventoryEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface ItemsByResource {
  nodes: InventoryNode;
  pods: InventoryPod;
  services: InventoryService;
  endpointslices: InventoryEndpointSlice;
  networkpolicies: InventoryNetworkPolicy;
  daemonsets: InventoryDaemonSet;
}

type Reshapers = { [R in InventoryResource]: (wire: never) => ItemsByResource[R] };

const RESHAPE: Reshapers = {
  nodes: toInventoryNode,
  pods: toInventoryPod,
  services: toInventoryService,
  endpointslices: toInventoryEndpointSlice,
  networkpolicies: toInventoryNetworkPolicy,
  daemonsets: toInventoryDaemonSet,
};

interface Entry {
  item: ItemsByResource[InventoryResource];
  /** The reshaped item serialised, to tell a real change from a resync of the same state. */
  fingerprint: string;
}

/**
 * The inventory's cache: one map per resource keyed by `namespace/name`, fed by informer
 * events (or a saved dump), handing out immutable snapshots. The revision only moves when a
 * reshaped item really changes, so a relist that finds the same cluster is not a change.
 */
export class InventoryStore {
  private readonly maps = new Map<InventoryResource, Map<string, Entry>>();
  private readonly listeners = new Set<(snapshot: InventorySnapshot) => void>();
  private rev = 0;
  private cached: InventorySnapshot | null = null;
  private notifyScheduled = false;

  constructor(readonly cluster: string) {}

  get revision(): number {
    return this.rev;
  }

  /** Applies one watch event; returns whether the inventory changed. */
  apply(resource: InventoryResource, type: InventoryEventType, object: unknown): boolean {
    if (!isWireObject(object)) return false;
    const map = this.map(resource);
    const key = objectKey(object);
    if (type === 'DELETED') {
      if (!map.delete(key)) return false;
      this.changed();
      return true;
    }
    const entry = reshape(resource, object);
    if (map.get(key)?.fingerprint === entry.fingerprint) return false;
    map.set(key, entry);
    this.changed();
    return true;
  }

  /** Replaces everything known about a resource with a fresh list (initial list or relist). */
  replace(resource: InventoryResource, objects: readonly unknown[]): boolean {
    const old = this.map(resource);
    const next = new Map<string, Entry>();
    for (const object of objects) {
      if (isWireObject(object)) next.set(objectKey(object), reshape(resource, object));
    }
    const same =
      old.size === next.size &&
      [...next].every(([key, entry]) => old.get(key)?.fingerprint === entry.fingerprint);
    if (same) return false;
    this.maps.set(resource, next);
    this.changed();
    return true;
  }

  /** The current state as a deeply frozen snapshot; the same object until the next change. */
  snapshot(): InventorySnapshot {
    if (this.cached) return this.cached;
    const nodes = this.items('nodes');
    const daemonSets = this.items('daemonsets');
    const snapshot: InventorySnapshot = {
      cluster: this.cluster,
      revision: this.rev,
      nodes,
      pods: this.items('pods'),
      services: this.items('services'),
      endpointSlices: this.items('endpointslices'),
      networkPolicies: this.items('networkpolicies'),
      daemonSets,
      cni: detectCni(nodes, daemonSets),
    };
    this.cached = deepFreeze(snapshot);
    return this.cached;
  }

  /**
   * Calls `listener` after changes. Changes made in the same tick (a burst of watch events read
   * from one chunk) are announced once, with the snapshot that includes all of them.
   */
  onChange(listener: (snapshot: InventorySnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private items<R extends InventoryResource>(resource: R): ItemsByResource[R][] {
    const map = this.map(resource);
    return [...map.keys()].sort().map((key) => map.get(key)!.item as ItemsByResource[R]);
  }

  private map(resource: InventoryResource): Map<string, Entry> {
    let map = this.maps.get(resource);
    if (!map) {
      map = new Map();
      this.maps.set(resource, map);
    }
    return map;
  }

  private changed(): void {
    this.rev += 1;
    this.cached = null;
    if (this.notifyScheduled || this.listeners.size === 0) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      const snapshot = this.snapshot();
      for (const listener of [...this.listeners]) {
        try {
          listener(snapshot);
        } catch {
          // One failing subscriber (a closed SSE stream, say) must not starve the others.
        }
      }
    });
  }
}

function reshape(resource: InventoryResource, object: WireObject): Entry {
  const item = (RESHAPE[resource] as (wire: WireObject) => ItemsByResource[InventoryResource])(
    object,
  );
  return { item, fingerprint: JSON.stringify(item) };
}

function isWireObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
