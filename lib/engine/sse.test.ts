import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../trace/types';
import { TraceEventHub } from './event-hub';
import {
  createTraceEventStream,
  formatSseComment,
  formatSseEvent,
  parseLastEventId,
  SSE_HEADERS,
} from './sse';
import type { TraceEngine, TraceEvent } from './types';

const result = { id: 'abc', status: 'reachable', notes: ['a\nb'] } as unknown as TraceResult;

/** The subscribe half of an engine over a hub, as the engine wires it. */
function engineOver(hub: TraceEventHub, stored: Record<string, TraceResult> = {}) {
  const subscribe: TraceEngine['subscribe'] = async (id, listener, afterSeq = 0) => {
    const off = hub.subscribe(id, listener, afterSeq);
    if (off) return { unsubscribe: off };
    const done = stored[id];
    if (!done) return null;
    listener({ seq: afterSeq + 1, event: { type: 'done', result: done } });
    return { unsubscribe: () => {} };
  };
  return { subscribe };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

/** Splits an SSE body into frames the way EventSource does (blank line ends a frame). */
function frames(body: string): { id?: string; event?: string; data?: string; comment?: string }[] {
  return body
    .split('\n\n')
    .filter((f) => f.length > 0)
    .map((frame) => {
      const out: { id?: string; event?: string; data?: string; comment?: string } = {};
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) out.comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) out.id = line.slice(4);
        else if (line.startsWith('event: ')) out.event = line.slice(7);
        else if (line.startsWith('data: ')) out.data = (out.data ?? '') + line.slice(6);
      }
      return out;
    });
}

describe('SSE framing', () => {
  it('frames an event with id, type and one data line, whatever the JSON holds', () => {
    const frame = formatSseEvent(7, { type: 'done', result });
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(frame.slice(0, -2)).not.toContain('\n\n');
    const lines = frame.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('id: 7');
    expect(lines[1]).toBe('event: done');
    expect(JSON.parse(lines[2]!.slice('data: '.length))).toEqual({ type: 'done', result });
  });

  it('keeps comments on one line', () => {
    expect(formatSseComment('keep\nalive')).toBe(': keep alive\n\n');
  });

  it('reads Last-Event-ID', () => {
    expect(parseLastEventId('12')).toBe(12);
    expect(parseLastEventId(null)).toBe(0);
    expect(parseLastEventId('x1')).toBe(0);
    expect(parseLastEventId('-3')).toBe(0);
  });

  it('says it is an event stream that nothing may buffer or cache', () => {
    expect(SSE_HEADERS['Content-Type']).toMatch(/^text\/event-stream/);
    expect(SSE_HEADERS['Cache-Control']).toContain('no-transform');
  });
});

describe('trace event stream', () => {
  it('replays, follows, and ends after done', async () => {
    const hub = new TraceEventHub();
    hub.open('t1');
    const hop: TraceEvent = {
      type: 'hop',
      hop: { ttl: 1, ip: '10.244.2.1', rttMs: [0.4], entity: null },
    };
    hub.emit('t1', { type: 'running', probe: 'traceroute', pod: 'p' });
    const stream = await createTraceEventStream(engineOver(hub), 't1', { keepAliveMs: 5 });
    expect(stream).not.toBeNull();
    const body = readAll(stream!);
    hub.emit('t1', hop);
    // Idle long enough for a keep-alive comment.
    await new Promise((r) => setTimeout(r, 20));
    hub.emit('t1', { type: 'done', result });
    const got = frames(await body);
    expect(got[0]?.comment).toBe('podpath trace events');
    const events = got.filter((f) => f.event);
    expect(events.map((f) => [f.id, f.event])).toEqual([
      ['1', 'running'],
      ['2', 'hop'],
      ['3', 'done'],
    ]);
    expect(JSON.parse(events[2]!.data!)).toEqual({ type: 'done', result });
    expect(got.some((f) => f.comment === 'keep-alive')).toBe(true);
  });

  it('resumes after Last-Event-ID', async () => {
    const hub = new TraceEventHub();
    hub.open('t1');
    hub.emit('t1', { type: 'running', probe: 'traceroute', pod: 'p' });
    hub.emit('t1', { type: 'connect', attempt: 1, ok: true, ms: 1 });
    hub.emit('t1', { type: 'done', result });
    const stream = await createTraceEventStream(engineOver(hub), 't1', { afterSeq: 2 });
    const got = frames(await readAll(stream!)).filter((f) => f.event);
    expect(got.map((f) => f.event)).toEqual(['done']);
  });

  it('sends done at once for a finished trace, and null for an unknown one', async () => {
    const hub = new TraceEventHub();
    const engine = engineOver(hub, { old: result });
    const got = frames(await readAll((await createTraceEventStream(engine, 'old'))!));
    expect(got.filter((f) => f.event).map((f) => f.event)).toEqual(['done']);
    expect(await createTraceEventStream(engine, 'nope')).toBeNull();
  });

  it('stops following when the client goes away', async () => {
    const hub = new TraceEventHub();
    hub.open('t1');
    const controller = new AbortController();
    const stream = await createTraceEventStream(engineOver(hub), 't1', {
      signal: controller.signal,
      keepAliveMs: 1_000,
    });
    const body = readAll(stream!);
    controller.abort();
    await body;
    // The hub no longer calls into the closed stream.
    hub.emit('t1', { type: 'running', probe: 'traceroute', pod: 'p' });
    const late: number[] = [];
    hub.subscribe('t1', ({ seq }) => late.push(seq));
    expect(late).toEqual([1]);
  });
});

describe('event hub', () => {
  it('numbers events, closes on done and forgets the trace after the retention', async () => {
    const hub = new TraceEventHub(10);
    hub.open('t');
    const seen: number[] = [];
    hub.subscribe('t', ({ seq }) => seen.push(seq));
    hub.emit('t', { type: 'running', probe: 'dns', pod: null });
    hub.emit('t', { type: 'done', result });
    hub.emit('t', { type: 'running', probe: 'dns', pod: null });
    expect(seen).toEqual([1, 2]);
    expect(hub.has('t')).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(hub.has('t')).toBe(false);
    expect(hub.subscribe('t', () => {})).toBeNull();
  });

  it('keeps delivering when one listener throws', () => {
    const hub = new TraceEventHub();
    hub.open('t');
    const seen: string[] = [];
    hub.subscribe('t', () => {
      throw new Error('closed stream');
    });
    hub.subscribe('t', ({ event }) => seen.push(event.type));
    hub.emit('t', { type: 'running', probe: 'dns', pod: null });
    expect(seen).toEqual(['running']);
  });
});
