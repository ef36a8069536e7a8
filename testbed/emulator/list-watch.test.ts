import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from './index';
import { api, eventually, events, startTestEmulator, stream } from './test-support';

let emulator: Emulator;

beforeAll(async () => {
  ({ emulator } = await startTestEmulator({ bookmarkIntervalMs: 100 }));
});

afterAll(async () => {
  await emulator.close();
});

const names = (list: { items: { metadata: { name: string } }[] }) =>
  list.items.map((i) => i.metadata.name).sort();

const configMap = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data: { k: 'v' },
});

describe('list and get', () => {
  it('lists pods of all namespaces as a PodList with a resourceVersion', async () => {
    const r = await api(emulator, 'GET', '/api/v1/pods');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect(Number(r.json.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(names(r.json)).toEqual(
      expect.arrayContaining(['httpd', 'web-client', 'nginx-ingress-controller-7d9fb']),
    );
    // Items of a list carry no kind/apiVersion, exactly as a real API server sends them.
    expect(r.json.items[0].kind).toBeUndefined();
  });

  it('lists one namespace', async () => {
    const r = await api(emulator, 'GET', '/api/v1/namespaces/kube-system/pods');
    const namespaces = new Set(
      r.json.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace),
    );
    expect([...namespaces]).toEqual(['kube-system']);
  });

  it('gets one object and answers 404 for a missing one', async () => {
    const pod = await api(emulator, 'GET', '/api/v1/namespaces/default/pods/httpd');
    expect(pod.json).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'httpd' } });
    const missing = await api(emulator, 'GET', '/api/v1/namespaces/default/pods/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    const slice = await api(
      emulator,
      'GET',
      '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/nope',
    );
    expect(slice.json.message).toBe('endpointslices.discovery.k8s.io "nope" not found');
    expect(slice.json.details).toEqual({
      name: 'nope',
      group: 'discovery.k8s.io',
      kind: 'endpointslices',
    });
  });

  it('serves grouped resources', async () => {
    const slices = await api(emulator, 'GET', '/apis/discovery.k8s.io/v1/endpointslices');
    expect(slices.json.kind).toBe('EndpointSliceList');
    const ds = await api(emulator, 'GET', '/apis/apps/v1/namespaces/kube-system/daemonsets');
    expect(names(ds.json)).toContain('kube-flannel-ds');
  });

  it('answers a Table when the Accept header asks for one', async () => {
    const r = await api(emulator, 'GET', '/api/v1/nodes', {
      headers: {
        Accept:
          'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      },
    });
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(r.json.rows.map((row: { cells: unknown[] }) => row.cells[0])).toEqual([
      'controlplane',
      'node-1',
      'node-2',
    ]);
    const one = await api(emulator, 'GET', '/api/v1/nodes/node-2', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(one.json.kind).toBe('Table');
    expect(one.json.rows).toHaveLength(1);
  });
});

describe('selectors', () => {
  const podNames = async (query: string) => {
    const r = await api(emulator, 'GET', `/api/v1/namespaces/default/pods?${query}`);
    expect(r.status).toBe(200);
    return names(r.json);
  };

  it('supports the whole label selector syntax', async () => {
    const q = (s: string) => `labelSelector=${encodeURIComponent(s)}`;
    expect(await podNames(q('app=k8s-go-demo'))).toEqual([
      'k8s-go-demo-deploy-66cdbcd8d9-fxrql',
      'k8s-go-demo-deploy-66cdbcd8d9-x88b8',
    ]);
    expect(await podNames(q('run==httpd'))).toEqual(['httpd']);
    expect(await podNames(q('run in (httpd, nginx)'))).toEqual(['httpd', 'nginx']);
    expect(await podNames(q('run,run notin (httpd,nginx,my-pod)'))).toEqual(['web-client']);
    expect(await podNames(q('app'))).toEqual([
      'k8s-go-demo-deploy-66cdbcd8d9-fxrql',
      'k8s-go-demo-deploy-66cdbcd8d9-x88b8',
      'web-client',
    ]);
    expect(await podNames(q('!run'))).toEqual([
      'k8s-go-demo-deploy-66cdbcd8d9-fxrql',
      'k8s-go-demo-deploy-66cdbcd8d9-x88b8',
    ]);
    // != also matches objects without the key.
    expect(await podNames(q('app!=k8s-go-demo'))).toEqual([
      'httpd',
      'my-pod',
      'nginx',
      'web-client',
    ]);
  });

  it('rejects a malformed label selector with 400', async () => {
    const r = await api(
      emulator,
      'GET',
      `/api/v1/pods?labelSelector=${encodeURIComponent('a in b')}`,
    );
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe('BadRequest');
  });

  it('supports field selectors on name, namespace, node and phase', async () => {
    expect(await podNames('fieldSelector=metadata.name%3Dhttpd')).toEqual(['httpd']);
    expect(await podNames('fieldSelector=spec.nodeName%3Dnode-2')).toEqual([
      'k8s-go-demo-deploy-66cdbcd8d9-x88b8',
      'my-pod',
      'web-client',
    ]);
    expect(
      await podNames(
        `fieldSelector=${encodeURIComponent('spec.nodeName!=node-2,metadata.name!=nginx')}`,
      ),
    ).toEqual(['httpd', 'k8s-go-demo-deploy-66cdbcd8d9-fxrql']);
    const all = await api(
      emulator,
      'GET',
      '/api/v1/pods?fieldSelector=metadata.namespace%3Dkube-system',
    );
    expect(
      all.json.items.every(
        (i: { metadata: { namespace: string } }) => i.metadata.namespace === 'kube-system',
      ),
    ).toBe(true);
    const running = await eventually(async () => {
      const r = await podNames('fieldSelector=status.phase%3DRunning');
      return r.length === 6 ? r : undefined;
    });
    expect(running).toContain('httpd');
    expect(await podNames('fieldSelector=status.phase%3DPending')).toEqual([]);
  });

  it('answers 400 for a field the resource cannot select on', async () => {
    const r = await api(emulator, 'GET', '/api/v1/pods?fieldSelector=spec.foo%3Dbar');
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('field label not supported: spec.foo');
  });
});

describe('pagination', () => {
  it('pages with limit and continue, counting what remains', async () => {
    const all = await api(emulator, 'GET', '/api/v1/pods');
    const total = all.json.items.length as number;
    const seen: string[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const q = `limit=4${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const page = await api(emulator, 'GET', `/api/v1/pods?${q}`);
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(4);
      if (first) {
        expect(page.json.metadata.remainingItemCount).toBe(total - 4);
        first = false;
      }
      seen.push(
        ...page.json.items.map(
          (i: { metadata: { namespace: string; name: string } }) =>
            `${i.metadata.namespace}/${i.metadata.name}`,
        ),
      );
      token = page.json.metadata.continue;
    } while (token);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('keeps the first page resourceVersion and omits the count under a selector', async () => {
    const first = await api(emulator, 'GET', '/api/v1/pods?limit=1&labelSelector=app');
    expect(first.json.metadata.remainingItemCount).toBeUndefined();
    expect(first.json.metadata.continue).toBeTruthy();
    const next = await api(
      emulator,
      'GET',
      `/api/v1/pods?limit=1&labelSelector=app&continue=${encodeURIComponent(first.json.metadata.continue)}`,
    );
    expect(next.json.metadata.resourceVersion).toBe(first.json.metadata.resourceVersion);
  });

  it('rejects a malformed continue token', async () => {
    const r = await api(emulator, 'GET', '/api/v1/pods?limit=1&continue=garbage');
    expect(r.status).toBe(400);
  });
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after the list resourceVersion', async () => {
    const list = await api(emulator, 'GET', '/api/v1/namespaces/default/configmaps');
    const w = await stream(
      emulator,
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.json.metadata.resourceVersion}`,
    );
    expect(w.status).toBe(200);
    await api(emulator, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('w1') });
    await api(emulator, 'PATCH', '/api/v1/namespaces/default/configmaps/w1', {
      body: { data: { k: 'changed' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    await api(emulator, 'DELETE', '/api/v1/namespaces/default/configmaps/w1');
    await w.until((lines) => lines.length >= 3);
    const evs = events(w.lines);
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(evs[0]?.object).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'w1' },
    });
    expect(evs[1]?.object.data).toEqual({ k: 'changed' });
    w.close();
  });

  it('starts with ADDED for every object when no resourceVersion is given', async () => {
    const w = await stream(emulator, '/api/v1/nodes?watch=true');
    await w.until((lines) => lines.length >= 3);
    expect(events(w.lines).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED controlplane',
      'ADDED node-1',
      'ADDED node-2',
    ]);
    w.close();
  });

  it('turns a label change into DELETED and ADDED for a selector', async () => {
    await api(emulator, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: configMap('sel', { tier: 'a' }),
    });
    const rv = (await api(emulator, 'GET', '/api/v1/namespaces/default/configmaps')).json.metadata
      .resourceVersion;
    const w = await stream(
      emulator,
      `/api/v1/namespaces/default/configmaps?watch=1&labelSelector=tier%3Da&resourceVersion=${rv}`,
    );
    const relabel = (tier: string) =>
      api(emulator, 'PATCH', '/api/v1/namespaces/default/configmaps/sel', {
        body: { metadata: { labels: { tier } } },
        headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      });
    await relabel('b');
    await relabel('a');
    await w.until((lines) => lines.length >= 2);
    const evs = events(w.lines);
    expect(evs.map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
    // The DELETED event shows the object as it last matched.
    expect(evs[0]?.object.metadata.labels).toEqual({ tier: 'a' });
    w.close();
  });

  it('sends BOOKMARK events when allowed', async () => {
    const w = await stream(
      emulator,
      '/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&resourceVersion=0',
    );
    await w.until((lines) => events(lines).some((e) => e.type === 'BOOKMARK'));
    const bookmark = events(w.lines).find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect(Number(bookmark?.object.metadata.resourceVersion)).toBeGreaterThan(0);
    w.close();
  });

  it('marks the end of initial events for sendInitialEvents', async () => {
    const w = await stream(
      emulator,
      '/api/v1/nodes?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
    );
    await w.until((lines) => lines.length >= 4);
    const last = events(w.lines)[3];
    expect(last?.type).toBe('BOOKMARK');
    expect(last?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    w.close();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = await stream(
      emulator,
      '/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&timeoutSeconds=1',
    );
    await w.ended;
    expect(events(w.lines).length).toBeGreaterThan(0);
  });

  it('serves the deprecated /watch/ paths and ignores ?watch on a named object', async () => {
    const w = await stream(emulator, '/api/v1/watch/namespaces/default/pods/httpd');
    await w.until((lines) => lines.length >= 1);
    expect(events(w.lines).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED httpd',
    ]);
    w.close();
    const get = await api(emulator, 'GET', '/api/v1/namespaces/default/pods/httpd?watch=true');
    expect(get.json).toMatchObject({ kind: 'Pod', metadata: { name: 'httpd' } });
  });

  it('ends every open stream on dropWatches()', async () => {
    const a = await stream(emulator, '/api/v1/pods?watch=1');
    const b = await stream(emulator, '/api/v1/nodes?watch=1');
    emulator.dropWatches();
    await Promise.all([a.ended, b.ended]);
  });
});

describe('410 Expired', () => {
  it('answers a compacted resourceVersion with an ERROR event carrying a 410 Status', async () => {
    const { emulator: small } = await startTestEmulator({ historyLimit: 5 });
    try {
      const rv = (await api(small, 'GET', '/api/v1/namespaces/default/configmaps')).json.metadata
        .resourceVersion;
      for (let i = 0; i < 10; i++) {
        await api(small, 'POST', '/api/v1/namespaces/default/configmaps', {
          body: configMap(`c${i}`),
        });
      }
      const w = await stream(
        small,
        `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`,
      );
      await w.ended;
      expect(w.status).toBe(200);
      const [error] = events(w.lines);
      expect(error?.type).toBe('ERROR');
      expect(error?.object).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Expired',
        code: 410,
      });
      expect(error?.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);

      const page = await api(small, 'GET', '/api/v1/namespaces/default/configmaps?limit=2');
      for (let i = 10; i < 20; i++) {
        await api(small, 'POST', '/api/v1/namespaces/default/configmaps', {
          body: configMap(`c${i}`),
        });
      }
      const expired = await api(
        small,
        'GET',
        `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(page.json.metadata.continue)}`,
      );
      expect(expired.status).toBe(410);
      expect(expired.json.reason).toBe('Expired');
    } finally {
      await small.close();
    }
  });

  it('lets a client-node informer relist after a 410 and keep up', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    let lists = 0;
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/default/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'default' });
    });
    const added = new Set<string>();
    informer.on('add', (cm) => added.add(cm.metadata?.name ?? ''));
    await informer.start();
    try {
      await api(emulator, 'POST', '/api/v1/namespaces/default/configmaps', {
        body: configMap('before'),
      });
      await eventually(() => (added.has('before') ? true : undefined));
      // A dropped connection, a change the informer cannot see and a compaction, all before it
      // reconnects: its resume point is gone, the re-watch gets 410 and it must list again.
      emulator.dropWatches();
      emulator.store.create('configmaps', {
        ...configMap('gap'),
        metadata: { name: 'gap', namespace: 'default' },
      });
      emulator.store.compact();
      await api(emulator, 'POST', '/api/v1/namespaces/default/configmaps', {
        body: configMap('after'),
      });
      await eventually(() => (added.has('gap') && added.has('after') ? true : undefined), 10_000);
      expect(informer.list('default').map((c) => c.metadata?.name)).toEqual(
        expect.arrayContaining(['before', 'gap', 'after']),
      );
      expect(lists).toBeGreaterThanOrEqual(2);
    } finally {
      await informer.stop();
    }
  });
});
