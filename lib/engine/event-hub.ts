import type { TraceEvent } from './types';

/** One event as the hub numbers it; `seq` starts at 1 and becomes the SSE `id:` field. */
export interface SequencedEvent {
  seq: number;
  event: TraceEvent;
}

export type TraceEventListener = (e: SequencedEvent) => void;

interface Channel {
  events: SequencedEvent[];
  listeners: Set<TraceEventListener>;
  closed: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Progress events per running trace. Events are kept until the trace ends (and `retainMs`
 * after), so a subscriber who comes late, or reconnects with Last-Event-ID, still gets every
 * hop from the first one instead of a stream that starts halfway.
 */
export class TraceEventHub {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly retainMs = 60_000) {}

  /** Starts the channel of a new trace. */
  open(id: string): void {
    if (!this.channels.has(id))
      this.channels.set(id, { events: [], listeners: new Set(), closed: false, timer: null });
  }

  /** True while the hub holds the trace's events. */
  has(id: string): boolean {
    return this.channels.has(id);
  }

  /** Appends an event and hands it to every listener; `done` closes the channel. */
  emit(id: string, event: TraceEvent): void {
    const ch = this.channels.get(id);
    if (!ch || ch.closed) return;
    const item = { seq: ch.events.length + 1, event };
    ch.events.push(item);
    if (event.type === 'done') {
      ch.closed = true;
      ch.timer = setTimeout(() => this.channels.delete(id), this.retainMs);
      // A pending timer must not keep a CLI process alive after its trace ended.
      ch.timer.unref?.();
    }
    for (const listener of [...ch.listeners]) {
      try {
        listener(item);
      } catch {
        // One broken subscriber (a closed SSE stream) must not stop the others or the trace.
      }
    }
    if (ch.closed) ch.listeners.clear();
  }

  /**
   * Replays the events after `afterSeq` and then follows the trace. Returns the unsubscribe
   * function, or null when the hub does not hold this trace.
   */
  subscribe(id: string, listener: TraceEventListener, afterSeq = 0): (() => void) | null {
    const ch = this.channels.get(id);
    if (!ch) return null;
    for (const item of ch.events) if (item.seq > afterSeq) listener(item);
    if (ch.closed) return () => {};
    ch.listeners.add(listener);
    return () => ch.listeners.delete(listener);
  }

  /** Drops every channel (engine shutdown). */
  clear(): void {
    for (const ch of this.channels.values()) if (ch.timer) clearTimeout(ch.timer);
    this.channels.clear();
  }
}
