import { expect, test } from '@playwright/test';

// Journey: a page on another site tries to make podpath change state. The contract: every
// state-changing request needs X-Podpath-Request: 1 and, with an Origin, podpath's own origin.

const body = { context: 'demo' };

test.describe('CSRF protection', () => {
  test('refuses a POST without the header', async ({ request }) => {
    const res = await request.post('/api/context', { data: body });
    expect(res.status()).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: 'csrf-header-missing', message: expect.any(String) },
    });
  });

  test('refuses a POST with the header from a foreign origin', async ({ request }) => {
    const res = await request.post('/api/context', {
      data: body,
      headers: { 'X-Podpath-Request': '1', Origin: 'http://evil.example' },
    });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe('csrf-origin-mismatch');
  });

  test('accepts the header from its own origin, and without an Origin (CLI)', async ({
    request,
    baseURL,
  }) => {
    const own = await request.post('/api/context', {
      data: body,
      headers: { 'X-Podpath-Request': '1', Origin: new URL(baseURL!).origin },
    });
    expect(own.status()).not.toBe(403);
    expect(own.status()).toBe(200);
    expect((await own.json()).current).toBe('demo');

    const cli = await request.post('/api/context', {
      data: body,
      headers: { 'X-Podpath-Request': '1' },
    });
    expect(cli.status()).toBe(200);
  });

  test('refuses any state-changing method without the header, even on read-only routes', async ({
    request,
  }) => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await request.fetch('/api/health', { method });
      expect(res.status(), method).toBe(403);
    }
  });

  test('never grants a CORS preflight', async ({ request }) => {
    const res = await request.fetch('/api/context', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-podpath-request, content-type',
      },
    });
    expect(res.status()).toBe(403);
    const allow = Object.keys(res.headers()).filter((h) => h.startsWith('access-control-allow'));
    expect(allow).toEqual([]);
  });

  test('a page on another origin cannot send the header from a browser', async ({
    page,
    baseURL,
  }) => {
    // localhost and 127.0.0.1 are different origins to the browser: a page served from one
    // plays the foreign site calling the other.
    const target = new URL('/api/context', baseURL!).toString();
    const foreign = target.replace('127.0.0.1', 'localhost');
    await page.goto(new URL('/api/health', foreign).toString());
    const outcome = await page.evaluate(async (url) => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'X-Podpath-Request': '1', 'Content-Type': 'application/json' },
          body: JSON.stringify({ context: 'demo' }),
        });
        return `answered ${res.status}`;
      } catch {
        return 'blocked';
      }
    }, target);
    expect(outcome).toBe('blocked');
  });
});
