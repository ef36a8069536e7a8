import { afterEach, describe, expect, it, vi } from 'vitest';
import { csrfRequestFrom, isPreflight, refuseForgedRequest, withCsrf } from './guard';

const url = 'http://127.0.0.1:3000/api/context';

function post(headers: Record<string, string>) {
  return new Request(url, { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers } });
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('csrfRequestFrom', () => {
  it('reads host, origin, marker and protocol', () => {
    const req = post({ origin: 'http://127.0.0.1:3000', 'x-podpath-request': '1' });
    expect(csrfRequestFrom(req)).toEqual({
      method: 'POST',
      host: '127.0.0.1:3000',
      origin: 'http://127.0.0.1:3000',
      marker: '1',
      protocol: 'http:',
    });
  });

  it('prefers X-Forwarded-Proto behind a TLS-terminating proxy', () => {
    const req = post({ 'x-forwarded-proto': 'https, http' });
    expect(csrfRequestFrom(req).protocol).toBe('https');
  });
});

describe('withCsrf', () => {
  it('never calls the handler for a forged request', async () => {
    const handler = vi.fn(async () => new Response('done'));
    const guarded = withCsrf(handler);
    const res = await guarded(post({}));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'csrf-header-missing' } });
    const foreign = await guarded(post({ 'x-podpath-request': '1', origin: 'http://evil.test' }));
    expect(foreign.status).toBe(403);
    expect(handler).not.toHaveBeenCalled();
  });

  it('calls the handler for a request with the header from its own origin', async () => {
    const handler = vi.fn(async () => new Response('done'));
    const res = await withCsrf(handler)(
      post({ 'x-podpath-request': '1', origin: 'http://127.0.0.1:3000' }),
    );
    expect(await res.text()).toBe('done');
    expect(handler).toHaveBeenCalledOnce();
  });

  it('reads extra allowed origins from the environment', () => {
    vi.stubEnv('PODPATH_ALLOWED_ORIGINS', 'https://podpath.example');
    expect(
      refuseForgedRequest(post({ 'x-podpath-request': '1', origin: 'https://podpath.example' })),
    ).toBeNull();
  });
});

describe('isPreflight', () => {
  it('recognises CORS preflights only', () => {
    const preflight = new Request(url, {
      method: 'OPTIONS',
      headers: { 'access-control-request-method': 'POST' },
    });
    expect(isPreflight(preflight)).toBe(true);
    expect(isPreflight(new Request(url, { method: 'OPTIONS' }))).toBe(false);
    expect(isPreflight(post({}))).toBe(false);
  });
});
