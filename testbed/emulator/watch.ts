/**
 * Watch streams: newline-delimited JSON events as the API server's watch cache sends them,
 * including the selector transitions (an object that stops matching arrives as DELETED), bookmarks,
 * the initial-events bookmark, timeouts and the 410 Expired ERROR event for a compacted version.
 */
import type { ServerResponse } from 'node:http';
import type { ResourceDef } from './resources';
import { apiVersionOf } from './resources';
import {
  matchesFields,
  matchesLabels,
  type FieldRequirement,
  type LabelSelector,
} from './selectors';
import { badRequest, gone } from './status';
import { StoreError, type KubeObject, type ObjectStore, type StoreEvent } from './store';

export interface WatchRequest {
  def: ResourceDef;
  namespace?: string;
  resourceVersion?: string;
  labels: LabelSelector;
  fields: FieldRequirement[];
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  /** Seconds until the server ends the stream; the real default is 30 to 60 minutes. */
  timeoutSeconds?: number;
  /** Turns each event's object into what the client asked for (a Table row, or the object). */
  transform: (obj: KubeObject, first: boolean) => unknown;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Keeps every open watch stream, so that they can be dropped together or closed on shutdown. */
export class WatchRegistry {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly store: ObjectStore,
    private readonly bookmarkIntervalMs: number,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Ends every open stream; clients see a normal end of stream and reconnect. */
  dropAll(): void {
    for (const end of [...this.open]) end();
  }

  /** Serves one watch on `res`. Throws an ApiError before writing anything for a bad request. */
  serve(req: WatchRequest, res: ServerResponse): void {
    const { store } = this;
    let since: number | null = null;
    const rv = req.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== '0') {
      if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
      since = Number(rv);
    }
    const matches = (obj: KubeObject | undefined) =>
      obj !== undefined &&
      (req.namespace === undefined || obj.metadata.namespace === req.namespace) &&
      matchesLabels(req.labels, obj.metadata.labels) &&
      matchesFields(req.fields, obj);

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();

    let first = true;
    let ended = false;
    const write = (type: EventType, object: unknown) => {
      if (ended) return;
      res.write(JSON.stringify({ type, object }) + '\n');
    };
    const writeObject = (type: EventType, obj: KubeObject) => {
      write(type, req.transform(obj, first));
      first = false;
    };

    let backlog: StoreEvent[] = [];
    if (since !== null) {
      try {
        backlog = store.eventsSince(req.def.storeKey, since);
      } catch (err) {
        if (err instanceof StoreError && err.reason === 'Gone') {
          write('ERROR', gone(err.message).toStatus());
          res.end();
          return;
        }
        throw err;
      }
    }

    const deliver = (event: StoreEvent) => {
      const now = event.type !== 'DELETED' && matches(event.object);
      const before = event.type === 'ADDED' ? false : matches(event.oldObject ?? event.object);
      if (event.type === 'DELETED') {
        if (before) writeObject('DELETED', event.object);
      } else if (now && before) {
        writeObject('MODIFIED', event.object);
      } else if (now) {
        writeObject('ADDED', event.object);
      } else if (before) {
        // The cacher sends the object as it last matched, at the event's resourceVersion.
        const last = structuredClone(event.oldObject ?? event.object);
        last.metadata.resourceVersion = String(event.resourceVersion);
        writeObject('DELETED', last);
      }
    };

    // Snapshot and subscription happen in one synchronous step, so no change can fall between.
    const unsubscribe = store.subscribe((event) => {
      if (event.resource !== req.def.storeKey) return;
      // The listener runs inside whoever wrote to the store: a failure here must end this
      // stream, never surface in the writer.
      try {
        deliver(event);
      } catch (err) {
        process.stderr.write(
          `emulator watch: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        end();
      }
    });
    if (since === null) {
      for (const obj of store.list(req.def.storeKey, req.namespace)) {
        if (matches(obj)) writeObject('ADDED', obj);
      }
      if (req.sendInitialEvents && req.allowBookmarks) {
        write('BOOKMARK', this.bookmark(req.def, { 'k8s.io/initial-events-end': 'true' }));
      }
    } else {
      for (const event of backlog) deliver(event);
    }

    const timers: NodeJS.Timeout[] = [];
    if (req.allowBookmarks) {
      const t = setInterval(
        () => write('BOOKMARK', this.bookmark(req.def)),
        this.bookmarkIntervalMs,
      );
      t.unref();
      timers.push(t);
    }
    const timeoutMs =
      req.timeoutSeconds !== undefined
        ? req.timeoutSeconds * 1000
        : (1800 + Math.random() * 1800) * 1000;
    const timeout = setTimeout(() => end(), timeoutMs);
    timeout.unref();
    timers.push(timeout);

    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.open.delete(end);
      res.end();
    };
    this.open.add(end);
    res.on('close', end);
  }

  private bookmark(def: ResourceDef, annotations?: Record<string, string>): object {
    const metadata: Record<string, unknown> = {
      resourceVersion: String(this.store.resourceVersion),
      creationTimestamp: null,
    };
    if (annotations) metadata.annotations = annotations;
    return { kind: def.kind, apiVersion: apiVersionOf(def), metadata };
  }
}
