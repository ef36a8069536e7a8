import type { TraceEngine, TraceEvent } from './types';

/** How often an idle stream gets a comment line, so proxies and browsers keep it open. */
export const KEEP_ALIVE_MS = 15_000;

/** What EventSource waits before reconnecting after a dropped stream, in milliseconds. */
export const RETRY_MS = 3_000;

/**
 * One server-sent event: `id` (the hub's sequence number, which a reconnecting EventSource
 * sends back as Last-Event-ID), `event` (the event type) and the event as one line of JSON.
 * JSON.stringify escapes every newline, so the data can never end the frame early.
 */
export function formatSseEvent(seq: number, event: TraceEvent): string {
  return `id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A comment line: ignored by EventSource, but it keeps the connection busy. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** Reads a Last-Event-ID header value: the sequence number to resume after, 0 when absent. */
export function parseLastEventId(value: string | null | undefined): number {
  if (!value || !/^\d{1,9}$/.test(value.trim())) return 0;
  return Number(value.trim());
}

export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: a compressing proxy (or Next's own gzip) must not hold events back.
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx buffers proxied responses unless told not to.
  'X-Accel-Buffering': 'no',
};

export interface TraceEventStreamOptions {
  /** Resume after this sequence number (Last-Event-ID). */
  afterSeq?: number;
  keepAliveMs?: number;
  /** The request's signal: when the client goes away, the subscription ends. */
  signal?: AbortSignal;
}

/**
 * The `text/event-stream` body of a trace: its events so far, then each new one, ending after
 * `done` (which carries the final TraceResult; a finished trace gets it at once). Null when
 * the engine does not know the trace.
 */
export async function createTraceEventStream(
  engine: Pick<TraceEngine, 'subscribe'>,
  id: string,
  options: TraceEventStreamOptions = {},
): Promise<ReadableStream<Uint8Array> | null> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let finished = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  let unsubscribe: (() => void) | null = null;

  const cleanup = () => {
    finished = true;
    if (timer) clearInterval(timer);
    timer = null;
    unsubscribe?.();
    unsubscribe = null;
    options.signal?.removeEventListener('abort', onAbort);
  };
  const write = (text: string) => {
    if (finished) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      // The client went away between two events.
      cleanup();
    }
  };
  const end = () => {
    if (finished) return;
    cleanup();
    try {
      controller.close();
    } catch {
      // Already closed by the client.
    }
  };
  const onAbort = () => end();

  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cleanup();
    },
  });

  // The first bytes go out at once, so the client sees the stream open before any probe ran.
  write(`retry: ${RETRY_MS}\n${formatSseComment('podpath trace events')}`);
  const sub = await engine.subscribe(
    id,
    ({ seq, event }) => {
      write(formatSseEvent(seq, event));
      if (event.type === 'done') end();
    },
    options.afterSeq ?? 0,
  );
  if (!sub) {
    cleanup();
    return null;
  }
  if (finished) {
    sub.unsubscribe();
    return stream;
  }
  unsubscribe = () => sub.unsubscribe();
  timer = setInterval(
    () => write(formatSseComment('keep-alive')),
    options.keepAliveMs ?? KEEP_ALIVE_MS,
  );
  if (options.signal?.aborted) end();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return stream;
}
