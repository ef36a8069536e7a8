import { expect, test } from '@playwright/test';

// Journey: a script waits for podpath to be usable (the contract's health check), then reads
// the inventory and the contexts the UI builds on.

test('health says which cluster is loaded', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, cluster: 'demo', demo: true });
});

test('the inventory is the demo cluster', async ({ request }) => {
  const res = await request.get('/api/inventory');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toBe('no-store');
  const inv = await res.json();
  expect(inv).toMatchObject({ cluster: 'demo', context: 'demo', demo: true });
  expect(['lab', 'replay', 'none']).toContain(inv.dataPlane);
  expect(inv.nodes.map((n: { name: string }) => n.name).sort()).toEqual([
    'controlplane',
    'node-1',
    'node-2',
  ]);
  expect(inv.cni).toMatchObject({ plugin: 'flannel', backend: 'host-gw' });
});

test('contexts lists the demo context as current', async ({ request }) => {
  const res = await request.get('/api/contexts');
  expect(await res.json()).toMatchObject({ current: 'demo', contexts: ['demo'], demo: true });
});

test('an unknown context is a 404 and a malformed body a 400, in the error shape', async ({
  request,
}) => {
  const headers = { 'X-Podpath-Request': '1' };
  const unknown = await request.post('/api/context', { data: { context: 'nope' }, headers });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toMatchObject({ code: 'not-found' });
  const bad = await request.post('/api/context', { data: { ctx: 1 }, headers });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ code: 'invalid-request' });
  // The failed switch left the demo cluster in place.
  expect((await (await request.get('/api/health')).json()).cluster).toBe('demo');
});
