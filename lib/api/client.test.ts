import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, apiRequest, retryUnlessClientError } from './client';

function fakeFetch(status: number, body: string) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const impl = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

const schema = z.object({ ok: z.boolean() });

describe('apiRequest', () => {
  it('sends the CSRF header and a JSON body, and parses the answer', async () => {
    const { impl, calls } = fakeFetch(200, '{"ok":true}');
    const data = await apiRequest('/api/x', schema, {
      method: 'POST',
      body: { context: 'a' },
      fetchImpl: impl,
    });
    expect(data).toEqual({ ok: true });
    const headers = calls[0]?.init?.headers as Record<string, string>;
    expect(headers['X-Podpath-Request']).toBe('1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(calls[0]?.init?.body).toBe('{"context":"a"}');
    expect(calls[0]?.init?.method).toBe('POST');
  });

  it('throws the server error body as ApiError', async () => {
    const { impl } = fakeFetch(404, '{"error":{"code":"unknown-context","message":"no such"}}');
    const err = await apiRequest('/api/x', schema, { fetchImpl: impl }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'unknown-context', message: 'no such' });
  });

  it('reports a non-JSON error page with its status', async () => {
    const { impl } = fakeFetch(502, '<html>bad gateway</html>');
    await expect(apiRequest('/api/x', schema, { fetchImpl: impl })).rejects.toMatchObject({
      status: 502,
      code: 'http-error',
    });
  });

  it('parses a non-2xx answer the caller declared as one', async () => {
    const { impl } = fakeFetch(503, '{"ok":false}');
    const data = await apiRequest('/api/x', schema, { fetchImpl: impl, answerStatuses: [503] });
    expect(data).toEqual({ ok: false });
    await expect(apiRequest('/api/x', schema, { fetchImpl: impl })).rejects.toMatchObject({
      status: 503,
    });
  });

  it('rejects a body that does not match the schema', async () => {
    const { impl } = fakeFetch(200, '{"ok":"yes"}');
    await expect(apiRequest('/api/x', schema, { fetchImpl: impl })).rejects.toMatchObject({
      code: 'bad-response',
    });
  });
});

describe('retryUnlessClientError', () => {
  it('does not retry 4xx', () => {
    expect(retryUnlessClientError(0, new ApiError(403, 'forbidden', 'no'))).toBe(false);
    expect(retryUnlessClientError(0, new ApiError(404, 'not-found', 'no'))).toBe(false);
  });

  it('does not retry a schema mismatch', () => {
    expect(retryUnlessClientError(0, new ApiError(200, 'bad-response', 'x'))).toBe(false);
  });

  it('retries 5xx and network errors a few times', () => {
    expect(retryUnlessClientError(0, new ApiError(503, 'not-ready', 'x'))).toBe(true);
    expect(retryUnlessClientError(2, new TypeError('fetch failed'))).toBe(true);
    expect(retryUnlessClientError(3, new TypeError('fetch failed'))).toBe(false);
  });
});
