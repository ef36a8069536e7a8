import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceResult } from '@/lib/trace/types';

const importTrace = vi.fn();
vi.mock('@/lib/server/trace-runtime', () => ({
  importTrace: (t: TraceResult) => importTrace(t),
  traceErrorResponse: () =>
    Response.json({ error: { code: 'internal', message: 'x' } }, { status: 500 }),
}));

const { POST } = await import('./route');

const trace: TraceResult = {
  id: 'V1StGXR8_Z5jdHi6B-myTbE3',
  createdAt: '2026-11-21T22:34:06Z',
  cluster: 'demo',
  from: { ref: 'pod:default/web-client', kind: 'pod', ip: '10.244.2.3', node: 'node-2' },
  to: { ref: 'pod:default/httpd', kind: 'pod', ip: '10.244.1.3', node: 'node-1' },
  strategy: 'pod',
  status: 'reachable',
  hops: [],
  path: [],
  links: [],
  findings: [],
  raw: {},
};

function post(body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return POST(
    new Request('http://127.0.0.1:3000/api/traces/import', {
      method: 'POST',
      body,
      headers: { host: '127.0.0.1:3000', 'X-Podpath-Request': '1', ...headers },
    }),
  );
}

describe('POST /api/traces/import', () => {
  beforeEach(() => {
    importTrace.mockReset();
    importTrace.mockResolvedValue({
      id: 'NEWidNEWidNEWidNEWid0000',
      url: '/traces/NEWidNEWidNEWidNEWid0000',
    });
  });

  it('stores a pretty-printed export and answers 201 with its new id', async () => {
    const res = await post(`\uFEFF${JSON.stringify(trace, null, 2)}`);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      id: 'NEWidNEWidNEWidNEWid0000',
      url: '/traces/NEWidNEWidNEWidNEWid0000',
    });
    expect(importTrace).toHaveBeenCalledWith(trace);
  });

  it('answers 400 invalid-export naming the field', async () => {
    const res = await post(JSON.stringify({ ...trace, status: 'green' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid-export');
    expect(body.error.message).toMatch(/status/);
    expect(importTrace).not.toHaveBeenCalled();
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await post('hello');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /not JSON/,
    );
  });

  it('answers 413 from the declared length without reading', async () => {
    const res = await post('{}', { 'content-length': String(6 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it('answers 413 when the body read grows past 5 MB', async () => {
    const big = new ReadableStream<Uint8Array>({
      start(c) {
        const chunk = new Uint8Array(1024 * 1024).fill(0x20);
        for (let i = 0; i < 6; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const res = await POST(
      new Request('http://127.0.0.1:3000/api/traces/import', {
        method: 'POST',
        body: big,
        headers: { host: '127.0.0.1:3000', 'X-Podpath-Request': '1' },
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
  });

  it('refuses a request without the CSRF header', async () => {
    const res = await POST(
      new Request('http://127.0.0.1:3000/api/traces/import', {
        method: 'POST',
        body: JSON.stringify(trace),
        headers: { host: '127.0.0.1:3000' },
      }),
    );
    expect(res.status).toBe(403);
    expect(importTrace).not.toHaveBeenCalled();
  });
});
