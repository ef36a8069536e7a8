/**
 * The transport against a scripted local HTTP server: real client-node fetch, auth and watch,
 * with the answers (429s, pages, errors) under the test's control.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubeTransport } from './transport';

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const seen: {
  method: string;
  url: URL;
  auth: string | undefined;
  contentType: string | undefined;
}[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({
      method: req.method ?? '',
      url,
      auth: req.headers.authorization,
      contentType: req.headers['content-type'],
    });
    handler(req, url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

function transport(options: ConstructorParameters<typeof KubeTransport>[1] = {}): KubeTransport {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: baseUrl, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return new KubeTransport(kc, { retry: { baseDelayMs: 10, maxDelayMs: 2_000 }, ...options });
}

const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const statusBody = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
});

describe('KubeTransport.request', () => {
  it('sends the kubeconfig token and parses JSON', async () => {
    handler = (_req, _url, res) => json(res, 200, { kind: 'Pod', metadata: { name: 'p' } });
    const pod = await transport().request<{ metadata: { name: string } }>({
      method: 'GET',
      path: '/api/v1/namespaces/default/pods/p',
    });
    expect(pod.metadata.name).toBe('p');
    expect(seen[0]?.auth).toBe('Bearer secret-token');
  });

  it('waits for Retry-After on 429 and then succeeds', async () => {
    let calls = 0;
    handler = (_req, _url, res) => {
      calls += 1;
      if (calls === 1)
        json(res, 429, statusBody(429, 'TooManyRequests', 'slow down'), { 'retry-after': '1' });
      else json(res, 200, { ok: true });
    };
    const started = Date.now();
    await expect(transport().request({ method: 'GET', path: '/x' })).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the bounded number of 429 retries', async () => {
    handler = (_req, _url, res) =>
      json(res, 429, statusBody(429, 'TooManyRequests', 'still busy'), { 'retry-after': '0' });
    await expect(
      transport({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } }).request({
        method: 'GET',
        path: '/x',
      }),
    ).rejects.toMatchObject({
      code: 'too-many-requests',
      status: 429,
    });
    expect(seen).toHaveLength(3);
  });

  it.each([
    [401, 'Unauthorized', 'unauthorized'],
    [403, 'Forbidden', 'forbidden'],
    [404, 'NotFound', 'not-found'],
    [422, 'Invalid', 'invalid'],
  ] as const)('fails at once on %i with ClusterError %s', async (code, reason, expected) => {
    handler = (_req, _url, res) =>
      json(res, code, statusBody(code, reason, `pods "p" is ${reason}`));
    await expect(transport().request({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      name: 'ClusterError',
      code: expected,
      status: code,
      message: `pods "p" is ${reason}`,
    });
    expect(seen).toHaveLength(1);
  });

  it('sends bodies with the requested content type and returns text for logs', async () => {
    handler = (req, url, res) => {
      if (url.pathname.endsWith('/log')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('line 1\nline 2\n');
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => json(res, 200, { echoed: JSON.parse(body) }));
    };
    const t = transport();
    await expect(
      t.request({
        method: 'PATCH',
        path: '/p',
        body: { a: 1 },
        contentType: 'application/strategic-merge-patch+json',
      }),
    ).resolves.toEqual({ echoed: { a: 1 } });
    expect(seen[0]?.contentType).toBe('application/strategic-merge-patch+json');
    await expect(t.request({ method: 'GET', path: '/p/log', responseType: 'text' })).resolves.toBe(
      'line 1\nline 2\n',
    );
  });

  it('maps a refused connection to unreachable', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    await expect(
      new KubeTransport(kc).request({ method: 'GET', path: '/x', what: 'list pods' }),
    ).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining('list pods: cannot reach the API server'),
    });
  });

  it('turns a hung request into a timeout', async () => {
    handler = () => {
      // never answers
    };
    await expect(
      transport().request({ method: 'GET', path: '/slow', timeoutMs: 200 }),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});

describe('KubeTransport.listAll', () => {
  it('pages with limit=500 and continue, keeping the first page resourceVersion', async () => {
    handler = (_req, url, res) => {
      const token = url.searchParams.get('continue');
      if (!token)
        json(res, 200, {
          items: [{ n: 1 }, { n: 2 }],
          metadata: { resourceVersion: '100', continue: 'p2' },
        });
      else if (token === 'p2')
        json(res, 200, { items: [{ n: 3 }], metadata: { resourceVersion: '100', continue: 'p3' } });
      else json(res, 200, { items: null, metadata: { resourceVersion: '100' } });
    };
    const result = await transport().listAll('/api/v1/pods', { labelSelector: 'app=x' });
    expect(result).toEqual({ items: [{ n: 1 }, { n: 2 }, { n: 3 }], resourceVersion: '100' });
    expect(
      seen.map((s) => [s.url.searchParams.get('limit'), s.url.searchParams.get('continue')]),
    ).toEqual([
      ['500', null],
      ['500', 'p2'],
      ['500', 'p3'],
    ]);
    expect(seen.every((s) => s.url.searchParams.get('labelSelector') === 'app=x')).toBe(true);
  });

  it('starts over once when the continue token expires (410)', async () => {
    let expired = false;
    handler = (_req, url, res) => {
      const token = url.searchParams.get('continue');
      if (token === 'old' && !expired) {
        expired = true;
        json(res, 410, statusBody(410, 'Expired', 'The provided continue parameter is too old'));
      } else if (!token && !expired)
        json(res, 200, { items: [{ n: 1 }], metadata: { resourceVersion: '5', continue: 'old' } });
      else json(res, 200, { items: [{ n: 1 }, { n: 2 }], metadata: { resourceVersion: '9' } });
    };
    await expect(transport().listAll('/api/v1/pods')).resolves.toEqual({
      items: [{ n: 1 }, { n: 2 }],
      resourceVersion: '9',
    });
  });
});

describe('KubeTransport.watch', () => {
  it('streams events and reports an HTTP error answer as a ClusterError', async () => {
    handler = (_req, url, res) => {
      if (url.searchParams.get('resourceVersion') === '1') {
        json(res, 403, statusBody(403, 'Forbidden', 'no watching'));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`);
      res.end(`${JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'a' } } })}\n`);
    };
    const t = transport();
    const events: string[] = [];
    const done = await new Promise<unknown>((resolve) => {
      void t.watch('/api/v1/pods', { resourceVersion: '5' }, (type) => events.push(type), resolve);
    });
    expect(events).toEqual(['ADDED', 'DELETED']);
    expect(done).toBeNull();
    expect(seen[0]?.url.searchParams.get('watch')).toBe('true');
    expect(seen[0]?.url.searchParams.get('allowWatchBookmarks')).toBe('true');

    const failed = await new Promise<unknown>((resolve) => {
      void t.watch('/api/v1/pods', { resourceVersion: '1' }, () => undefined, resolve);
    });
    expect(failed).toMatchObject({ name: 'ClusterError', code: 'forbidden', status: 403 });
  });
});
