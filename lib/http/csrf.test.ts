import { describe, expect, it } from 'vitest';
import {
  checkCsrf,
  csrfOptionsFromEnv,
  isLoopbackHost,
  isStateChanging,
  normalizeOrigin,
  type CsrfRequest,
} from './csrf';

const base: CsrfRequest = {
  method: 'POST',
  host: '127.0.0.1:3000',
  origin: null,
  marker: '1',
  protocol: 'http',
};

describe('checkCsrf', () => {
  it('lets safe methods through without the header', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(checkCsrf({ ...base, method, marker: null, origin: 'https://evil.test' })).toEqual({
        ok: true,
      });
    }
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'delete'])('requires the header on %s', (method) => {
    const verdict = checkCsrf({ ...base, method, marker: null });
    expect(verdict).toMatchObject({ ok: false, code: 'csrf-header-missing' });
  });

  it('rejects a header with another value', () => {
    expect(checkCsrf({ ...base, marker: 'true' })).toMatchObject({
      ok: false,
      code: 'csrf-header-missing',
    });
    expect(checkCsrf({ ...base, marker: '' })).toMatchObject({ ok: false });
  });

  it('accepts the header without an Origin (CLI, scripts)', () => {
    expect(checkCsrf(base)).toEqual({ ok: true });
  });

  it('accepts the dashboard own origin', () => {
    expect(checkCsrf({ ...base, origin: 'http://127.0.0.1:3000' })).toEqual({ ok: true });
  });

  it('rejects a foreign origin even with the header', () => {
    expect(checkCsrf({ ...base, origin: 'http://evil.test' })).toMatchObject({
      ok: false,
      code: 'csrf-origin-mismatch',
    });
  });

  it('treats another port or scheme as another origin', () => {
    expect(checkCsrf({ ...base, origin: 'http://127.0.0.1:3001' }).ok).toBe(false);
    expect(checkCsrf({ ...base, origin: 'https://127.0.0.1:3000' }).ok).toBe(false);
  });

  it('rejects the opaque origin "null" of sandboxed frames', () => {
    expect(checkCsrf({ ...base, origin: 'null' }).ok).toBe(false);
  });

  it('compares origins in canonical form', () => {
    const req = { ...base, host: 'LOCALHOST:80', origin: 'http://localhost' };
    expect(checkCsrf(req)).toEqual({ ok: true });
  });

  it('uses the forwarded protocol to build its own origin', () => {
    const req = {
      ...base,
      host: 'podpath.example',
      protocol: 'https',
      origin: 'https://podpath.example',
    };
    expect(checkCsrf(req)).toEqual({ ok: true });
    expect(checkCsrf({ ...req, protocol: 'http' }).ok).toBe(false);
  });

  it('accepts explicitly allowed origins', () => {
    const req = { ...base, origin: 'https://podpath.corp.example' };
    expect(checkCsrf(req).ok).toBe(false);
    expect(checkCsrf(req, { allowedOrigins: ['https://podpath.corp.example/'] })).toEqual({
      ok: true,
    });
  });

  it('refuses a rebinding host name when the server listens on loopback only', () => {
    const req = { ...base, host: 'rebind.evil.test:3000', origin: 'http://rebind.evil.test:3000' };
    expect(checkCsrf(req, { loopbackOnly: false })).toEqual({ ok: true });
    expect(checkCsrf(req, { loopbackOnly: true })).toMatchObject({
      ok: false,
      code: 'csrf-origin-mismatch',
    });
    expect(
      checkCsrf(
        { ...base, host: 'localhost:3000', origin: 'http://localhost:3000' },
        { loopbackOnly: true },
      ),
    ).toEqual({ ok: true });
  });
});

describe('helpers', () => {
  it('isStateChanging', () => {
    expect(isStateChanging('GET')).toBe(false);
    expect(isStateChanging('POST')).toBe(true);
  });

  it('normalizeOrigin', () => {
    expect(normalizeOrigin('HTTP://Example.COM:80')).toBe('http://example.com');
    expect(normalizeOrigin('https://example.com:8443/path')).toBe('https://example.com:8443');
    expect(normalizeOrigin('null')).toBeNull();
    expect(normalizeOrigin('file:///etc/passwd')).toBeNull();
  });

  it('isLoopbackHost', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('10.0.0.5')).toBe(false);
  });

  it('csrfOptionsFromEnv', () => {
    expect(csrfOptionsFromEnv({})).toEqual({ allowedOrigins: [], loopbackOnly: true });
    expect(
      csrfOptionsFromEnv({
        HOST: '0.0.0.0',
        PODPATH_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      }),
    ).toEqual({ allowedOrigins: ['https://a.example', 'https://b.example'], loopbackOnly: false });
  });
});
