/**
 * core/v1 Events as the scheduler and kubelet record them (kubectl describe pod shows them),
 * expired after an hour like the API server's event TTL.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject, ObjectStore } from '../store';
import { RESOURCES, timestamp } from './kube';

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** 'kubelet' or 'default-scheduler'. */
  component: string;
  /** The node, for kubelet events. */
  host?: string;
  /** e.g. spec.containers{web-client}. */
  fieldPath?: string;
}

export interface EventRecorder {
  record(involved: KubeObject, event: EventInput): void;
  stop(): void;
}

const EVENT_TTL_MS = 60 * 60 * 1000;

/** Writes Events into the store and deletes them once older than the TTL. */
export function createEventRecorder(store: ObjectStore): EventRecorder {
  let stopped = false;
  const expiry = setInterval(() => {
    const cutoff = Date.now() - EVENT_TTL_MS;
    for (const ev of store.list(RESOURCES.events)) {
      const t = Date.parse(String(ev.lastTimestamp ?? ev.metadata.creationTimestamp ?? ''));
      if (!Number.isNaN(t) && t < cutoff) {
        try {
          store.delete(RESOURCES.events, ev.metadata.namespace, ev.metadata.name);
        } catch {
          // Already gone: someone deleted it through the API.
        }
      }
    }
  }, 60_000);
  expiry.unref();

  return {
    record(involved, input) {
      if (stopped) return;
      const at = timestamp();
      const namespace = involved.metadata.namespace ?? 'default';
      // The kubelet names events <object>.<hex nanoseconds>; random hex keeps them unique.
      const name = `${involved.metadata.name}.${randomBytes(8).toString('hex')}`;
      const involvedObject: Record<string, unknown> = {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
      };
      if (input.fieldPath) involvedObject.fieldPath = input.fieldPath;
      const source: Record<string, string> = { component: input.component };
      if (input.host) source.host = input.host;
      store.create(RESOURCES.events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject,
        reason: input.reason,
        message: input.message,
        source,
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
        type: input.type,
        eventTime: null,
        reportingComponent: input.component,
        reportingInstance: input.host ?? '',
      });
    },
    stop() {
      stopped = true;
      clearInterval(expiry);
    },
  };
}
