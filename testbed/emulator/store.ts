/**
 * The emulator's etcd: every object of every resource, one global resourceVersion counter, and
 * a bounded event history so that a watch from an old resourceVersion can be served or answered
 * 410 Gone exactly as the real API server does once the history is compacted.
 */
import { randomUUID } from 'node:crypto';

/** A Kubernetes object as JSON. The store only relies on metadata. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }[];
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** Resource key, e.g. 'pods' or 'endpointslices.discovery.k8s.io'. */
  resource: string;
  object: KubeObject;
  /**
   * The object as it was before a MODIFIED or DELETED change. A watch with a selector needs it to
   * tell an object that stopped matching (sent as DELETED) from one that never matched.
   */
  oldObject?: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

export class StoreError extends Error {
  constructor(
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone',
    message: string,
  ) {
    super(message);
  }
}

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

/**
 * Holds objects per resource key. Callers (HTTP handlers, controllers) pass deep-copyable JSON;
 * the store stamps uid, resourceVersion and creationTimestamp and hands out copies, so that no
 * caller can change stored state without an event.
 */
export class ObjectStore {
  private rv = 1000;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  /** Changes up to and including this version are no longer in the history. */
  private compactedThrough = this.rv;

  /** Events older than this many changes are compacted away; a watch from before them gets 410. */
  constructor(private readonly historyLimit = 5000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion from which a watch can still be resumed. */
  get oldestWatchableVersion(): number {
    return this.compactedThrough;
  }

  list(resource: string, namespace?: string): KubeObject[] {
    const bucket = this.objects.get(resource);
    if (!bucket) return [];
    const out: KubeObject[] = [];
    for (const obj of bucket.values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(clone(obj));
    }
    return out.sort((a, b) =>
      keyOf(a.metadata.namespace, a.metadata.name).localeCompare(
        keyOf(b.metadata.namespace, b.metadata.name),
      ),
    );
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.objects.get(resource)?.get(keyOf(namespace, name));
    return obj ? clone(obj) : undefined;
  }

  create(resource: string, obj: KubeObject): KubeObject {
    const bucket = this.bucket(resource);
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    if (bucket.has(key)) {
      throw new StoreError('AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
    }
    const stored = clone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.metadata.generation ??= 1;
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, stored);
    this.emit('ADDED', resource, stored);
    return clone(stored);
  }

  /**
   * Replaces an object. When `expectedVersion` is given and differs from the stored one the
   * update is refused with Conflict, as an optimistic-concurrency PUT is.
   */
  update(resource: string, obj: KubeObject, expectedVersion?: string): KubeObject {
    const bucket = this.bucket(resource);
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    const current = bucket.get(key);
    if (!current) throw new StoreError('NotFound', `${resource} "${obj.metadata.name}" not found`);
    if (expectedVersion && expectedVersion !== current.metadata.resourceVersion) {
      throw new StoreError(
        'Conflict',
        `Operation cannot be fulfilled on ${resource} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const stored = clone(obj);
    stored.metadata.uid = current.metadata.uid;
    stored.metadata.creationTimestamp = current.metadata.creationTimestamp;
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, stored);
    this.emit('MODIFIED', resource, stored, current);
    return clone(stored);
  }

  /** Read-modify-write without a conflict check, for controllers. */
  mutate(
    resource: string,
    namespace: string | undefined,
    name: string,
    change: (obj: KubeObject) => void,
  ): KubeObject {
    const current = this.get(resource, namespace, name);
    if (!current) throw new StoreError('NotFound', `${resource} "${name}" not found`);
    change(current);
    return this.update(resource, current);
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject {
    const bucket = this.bucket(resource);
    const key = keyOf(namespace, name);
    const current = bucket.get(key);
    if (!current) throw new StoreError('NotFound', `${resource} "${name}" not found`);
    bucket.delete(key);
    // A DELETED event carries the object at a new resourceVersion, as the API server sends it.
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', resource, gone, current);
    return clone(gone);
  }

  /** Events after `sinceVersion`, or Gone when that version has been compacted away. */
  eventsSince(resource: string, sinceVersion: number): StoreEvent[] {
    if (sinceVersion < this.compactedThrough) {
      throw new StoreError(
        'Gone',
        `too old resource version: ${sinceVersion} (${this.oldestWatchableVersion})`,
      );
    }
    return this.history
      .filter((e) => e.resource === resource && e.resourceVersion > sinceVersion)
      .map((e) => ({
        ...e,
        object: clone(e.object),
        oldObject: e.oldObject ? clone(e.oldObject) : undefined,
      }));
  }

  /** Forgets the event history, as etcd compaction does: older watches then get 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.compactedThrough = this.rv;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }

  private emit(
    type: WatchEventType,
    resource: string,
    object: KubeObject,
    oldObject?: KubeObject,
  ): void {
    const event: StoreEvent = { type, resource, object: clone(object), resourceVersion: this.rv };
    if (oldObject) event.oldObject = clone(oldObject);
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped) this.compactedThrough = dropped.resourceVersion;
    }
    for (const listener of this.listeners) {
      listener({
        ...event,
        object: clone(object),
        oldObject: oldObject ? clone(oldObject) : undefined,
      });
    }
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
