import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from './index';
import { api, startTestEmulator } from './test-support';

let emulator: Emulator;

beforeAll(async () => {
  ({ emulator } = await startTestEmulator());
});

afterAll(async () => {
  await emulator.close();
});

describe('health and version', () => {
  it('answers /healthz, /readyz and /livez without credentials', async () => {
    for (const path of ['/healthz', '/readyz', '/livez']) {
      const r = await api(emulator, 'GET', path, { token: null });
      expect(r.status).toBe(200);
      expect(r.text).toBe('ok');
    }
  });

  it('reports the scenario Kubernetes version', async () => {
    const r = await api(emulator, 'GET', '/version', { token: null });
    expect(r.json).toMatchObject({ major: '1', minor: '30', gitVersion: 'v1.30.2' });
  });

  it('answers 401 Unauthorized without or with a wrong token', async () => {
    for (const token of [null, 'wrong']) {
      const r = await api(emulator, 'GET', '/api/v1/pods', { token });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });
});

describe('legacy discovery', () => {
  it('lists the core version and the named groups', async () => {
    const core = await api(emulator, 'GET', '/api');
    expect(core.json.kind).toBe('APIVersions');
    expect(core.json.versions).toEqual(['v1']);
    const groups = await api(emulator, 'GET', '/apis');
    expect(groups.json.kind).toBe('APIGroupList');
    const names = groups.json.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'apps',
        'discovery.k8s.io',
        'networking.k8s.io',
        'authorization.k8s.io',
      ]),
    );
    const apps = groups.json.groups.find((g: { name: string }) => g.name === 'apps');
    expect(apps.preferredVersion).toEqual({ groupVersion: 'apps/v1', version: 'v1' });
  });

  it('describes core resources with short names, categories and subresources', async () => {
    const r = await api(emulator, 'GET', '/api/v1');
    expect(r.json).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const byName = new Map<string, Record<string, unknown>>(
      r.json.resources.map((x: { name: string }) => [x.name, x]),
    );
    expect(byName.get('pods')).toMatchObject({
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(byName.get('pods')?.verbs).toEqual(
      expect.arrayContaining(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    );
    expect(byName.get('services')).toMatchObject({ shortNames: ['svc'], categories: ['all'] });
    expect(byName.get('nodes')).toMatchObject({ namespaced: false, shortNames: ['no'] });
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, shortNames: ['ns'] });
    expect(byName.get('configmaps')).toMatchObject({ shortNames: ['cm'] });
    expect(byName.get('pods/log')).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    expect(byName.get('pods/ephemeralcontainers')).toMatchObject({
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    });
    expect(byName.get('pods/status')).toMatchObject({ kind: 'Pod' });
    expect(byName.get('pods/binding')).toMatchObject({ kind: 'Binding', verbs: ['create'] });
  });

  it('describes grouped resources', async () => {
    const apps = await api(emulator, 'GET', '/apis/apps/v1');
    const names = apps.json.resources.map((x: { name: string }) => x.name);
    expect(names).toEqual(expect.arrayContaining(['daemonsets', 'deployments', 'replicasets']));
    const ds = apps.json.resources.find((x: { name: string }) => x.name === 'daemonsets');
    expect(ds).toMatchObject({ shortNames: ['ds'], categories: ['all'], kind: 'DaemonSet' });
    const net = await api(emulator, 'GET', '/apis/networking.k8s.io/v1');
    expect(net.json.resources[0]).toMatchObject({
      name: 'networkpolicies',
      shortNames: ['netpol'],
    });
    const group = await api(emulator, 'GET', '/apis/discovery.k8s.io');
    expect(group.json).toMatchObject({ kind: 'APIGroup', name: 'discovery.k8s.io' });
    expect((await api(emulator, 'GET', '/apis/nope.example.com/v1')).status).toBe(404);
  });
});

describe('aggregated discovery', () => {
  const accept =
    'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

  it('answers kubectl 1.32 with an APIGroupDiscoveryList and its content type', async () => {
    const r = await api(emulator, 'GET', '/api', { headers: { Accept: accept } });
    expect(r.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(r.json).toMatchObject({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
    });
    const v1 = r.json.items[0].versions[0];
    const pods = v1.resources.find((x: { resource: string }) => x.resource === 'pods');
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
    });
    const subs = pods.subresources.map((s: { subresource: string }) => s.subresource);
    expect(subs).toEqual(
      expect.arrayContaining(['log', 'status', 'ephemeralcontainers', 'binding']),
    );
  });

  it('lists every named group under /apis', async () => {
    const r = await api(emulator, 'GET', '/apis', { headers: { Accept: accept } });
    const names = r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'apps',
        'discovery.k8s.io',
        'networking.k8s.io',
        'authorization.k8s.io',
      ]),
    );
  });

  it('falls back to the legacy document for plain JSON', async () => {
    const r = await api(emulator, 'GET', '/apis');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json.kind).toBe('APIGroupList');
  });
});

describe('openapi', () => {
  it('declares server-side field validation on PATCH, per group version', async () => {
    const root = await api(emulator, 'GET', '/openapi/v3');
    const url = root.json.paths['apis/networking.k8s.io/v1'].serverRelativeURL as string;
    const doc = await api(emulator, 'GET', url);
    const item =
      doc.json.paths['/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies/{name}'];
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'networking.k8s.io',
      version: 'v1',
      kind: 'NetworkPolicy',
    });
    expect(item.patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
  });

  it('has no OpenAPI v2 document', async () => {
    expect((await api(emulator, 'GET', '/openapi/v2')).status).toBe(404);
  });
});

describe('unknown paths', () => {
  it('answers 404 with the API server wording', async () => {
    const r = await api(emulator, 'GET', '/api/v1/widgets');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
      code: 404,
    });
  });
});
