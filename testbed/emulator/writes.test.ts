import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from './index';
import { api, eventually, events, startTestEmulator, stream } from './test-support';

let emulator: Emulator;

beforeAll(async () => {
  ({ emulator } = await startTestEmulator({
    forbid: [
      { verb: 'create', resource: 'configmaps', namespace: 'kube-system' },
      { verb: 'list', resource: 'secrets' },
      { verb: 'delete', resource: 'networkpolicies.networking.k8s.io' },
    ],
  }));
});

afterAll(async () => {
  await emulator.close();
});

const pods = '/api/v1/namespaces/default/pods';
const cms = '/api/v1/namespaces/default/configmaps';
const svcs = '/api/v1/namespaces/default/services';
const mergePatch = { 'Content-Type': 'application/merge-patch+json' };
const strategic = { 'Content-Type': 'application/strategic-merge-patch+json' };
const jsonPatch = { 'Content-Type': 'application/json-patch+json' };

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { run: name } },
  spec: { containers: [{ name, image: 'busybox', command: ['sleep', '3600'] }], ...extra },
});

describe('create', () => {
  it('stores a pod with the defaults the API server applies', async () => {
    const r = await api(
      emulator,
      'POST',
      `${pods}?fieldManager=kubectl-run&fieldValidation=Strict`,
      {
        body: pod('defaults', {
          containers: [
            { name: 'a', image: 'busybox' },
            { name: 'b', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
          ],
        }),
      },
    );
    expect(r.status).toBe(201);
    const p = r.json;
    expect(p.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(p.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(p.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      enableServiceLinks: true,
      priority: 0,
      securityContext: {},
    });
    expect(p.spec.tolerations).toEqual([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
    expect(p.spec.containers[0]).toMatchObject({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'Always',
      resources: {},
    });
    expect(p.spec.containers[1].imagePullPolicy).toBe('IfNotPresent');
    expect(p.spec.containers[1].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('names an object from generateName', async () => {
    const r = await api(emulator, 'POST', cms, {
      body: { metadata: { generateName: 'probe-' }, data: {} },
    });
    expect(r.status).toBe(201);
    expect(r.json.metadata.name).toMatch(/^probe-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(r.json.metadata.generateName).toBe('probe-');
  });

  it('answers 422 Invalid with causes for a bad pod name', async () => {
    const r = await api(emulator, 'POST', pods, {
      body: {
        metadata: { name: 'Bad_Name' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    expect(r.status).toBe(422);
    const detail =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${detail}`,
      reason: 'Invalid',
      details: {
        name: 'Bad_Name',
        kind: 'Pod',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "Bad_Name": ${detail}`,
            field: 'metadata.name',
          },
        ],
      },
      code: 422,
    });
  });

  it('lists every field error of an invalid pod', async () => {
    const r = await api(emulator, 'POST', pods, {
      body: { metadata: { name: 'empty' }, spec: { containers: [], restartPolicy: 'Sometimes' } },
    });
    expect(r.status).toBe(422);
    expect(r.json.message).toBe(
      'Pod "empty" is invalid: [spec.containers: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]',
    );
    expect(r.json.details.causes.map((c: { field: string }) => c.field)).toEqual([
      'spec.containers',
      'spec.restartPolicy',
    ]);
  });

  it('answers 409 AlreadyExists for a taken name', async () => {
    const r = await api(emulator, 'POST', pods, { body: pod('httpd') });
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({
      reason: 'AlreadyExists',
      message: 'pods "httpd" already exists',
      details: { name: 'httpd', kind: 'pods' },
      code: 409,
    });
  });

  it('answers 404 for a namespace that does not exist', async () => {
    const r = await api(emulator, 'POST', '/api/v1/namespaces/nope/pods', { body: pod('x') });
    expect(r.status).toBe(404);
    expect(r.json.message).toBe('namespaces "nope" not found');
  });

  it('stores nothing for dryRun=All', async () => {
    const r = await api(emulator, 'POST', `${pods}?dryRun=All`, { body: pod('dry') });
    expect(r.status).toBe(201);
    expect(r.json.metadata.name).toBe('dry');
    expect((await api(emulator, 'GET', `${pods}/dry`)).status).toBe(404);
  });

  it('refuses a body of another kind or namespace with 400', async () => {
    const wrongKind = await api(emulator, 'POST', pods, { body: { ...pod('k'), kind: 'Service' } });
    expect(wrongKind.status).toBe(400);
    const wrongNs = await api(emulator, 'POST', pods, {
      body: { ...pod('n'), metadata: { name: 'n', namespace: 'kube-system' } },
    });
    expect(wrongNs.status).toBe(400);
    expect(wrongNs.json.message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const notJson = await api(emulator, 'POST', pods, { body: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('defaults a NetworkPolicy policyTypes', async () => {
    const r = await api(
      emulator,
      'POST',
      '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies',
      {
        body: { metadata: { name: 'deny' }, spec: { podSelector: {}, egress: [] } },
      },
    );
    expect(r.status).toBe(201);
    expect(r.json.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });
});

describe('forbid rules', () => {
  it('answers 403 with the RBAC wording', async () => {
    const r = await api(emulator, 'POST', '/api/v1/namespaces/kube-system/configmaps', {
      body: { metadata: { name: 'x' } },
    });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'configmaps is forbidden: User "kubernetes-admin" cannot create resource "configmaps" in API group "" in the namespace "kube-system"',
      reason: 'Forbidden',
      details: { kind: 'configmaps' },
      code: 403,
    });
    // The same verb elsewhere is allowed.
    const ok = await api(emulator, 'POST', cms, { body: { metadata: { name: 'allowed' } } });
    expect(ok.status).toBe(201);
  });

  it('names the object and the API group when there is one', async () => {
    const r = await api(
      emulator,
      'DELETE',
      '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/deny',
    );
    expect(r.status).toBe(403);
    expect(r.json.message).toBe(
      'networkpolicies.networking.k8s.io "deny" is forbidden: User "kubernetes-admin" cannot delete resource "networkpolicies" in API group "networking.k8s.io" in the namespace "default"',
    );
  });

  it('answers SelfSubjectAccessReviews from the same rules', async () => {
    const review = (resourceAttributes: Record<string, string>) =>
      api(emulator, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes },
        },
      });
    const denied = await review({
      verb: 'create',
      resource: 'configmaps',
      namespace: 'kube-system',
    });
    expect(denied.status).toBe(201);
    expect(denied.json.status).toEqual({ allowed: false });
    const allowed = await review({ verb: 'create', resource: 'configmaps', namespace: 'default' });
    expect(allowed.json.status).toEqual({ allowed: true });
  });
});

describe('update and patch', () => {
  it('refuses a PUT with a stale resourceVersion with 409 Conflict', async () => {
    const created = (
      await api(emulator, 'POST', cms, { body: { metadata: { name: 'cas' }, data: { a: '1' } } })
    ).json;
    const first = await api(emulator, 'PUT', `${cms}/cas`, {
      body: { ...created, data: { a: '2' } },
    });
    expect(first.status).toBe(200);
    expect(first.json.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const stale = await api(emulator, 'PUT', `${cms}/cas`, {
      body: { ...created, data: { a: '3' } },
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again',
    });
    const renamed = await api(emulator, 'PUT', `${cms}/cas`, {
      body: { ...first.json, metadata: { ...first.json.metadata, name: 'other' } },
    });
    expect(renamed.status).toBe(400);
  });

  it('patches pod labels and annotations with merge, strategic and JSON patches', async () => {
    const a = await api(emulator, 'PATCH', `${pods}/nginx`, {
      body: { metadata: { labels: { tier: 'web' } } },
      headers: mergePatch,
    });
    expect(a.status).toBe(200);
    expect(a.json.metadata.labels).toEqual({ run: 'nginx', tier: 'web' });
    const b = await api(emulator, 'PATCH', `${pods}/nginx`, {
      body: { metadata: { annotations: { note: 'hi' }, labels: { tier: null } } },
      headers: strategic,
    });
    expect(b.json.metadata.labels).toEqual({ run: 'nginx' });
    expect(b.json.metadata.annotations).toEqual({ note: 'hi' });
    const c = await api(emulator, 'PATCH', `${pods}/nginx`, {
      body: [
        { op: 'add', path: '/metadata/labels/zone', value: 'a' },
        { op: 'remove', path: '/metadata/annotations/note' },
      ],
      headers: jsonPatch,
    });
    expect(c.json.metadata.labels).toEqual({ run: 'nginx', zone: 'a' });
    expect(c.json.metadata.annotations).toEqual({});
    const badLabel = await api(emulator, 'PATCH', `${pods}/nginx`, {
      body: { metadata: { labels: { zone: 'not valid!' } } },
      headers: mergePatch,
    });
    expect(badLabel.status).toBe(422);
    expect(badLabel.json.details.causes[0].field).toBe('metadata.labels');
  });

  it('does not write a patch that changes nothing', async () => {
    const before = (await api(emulator, 'GET', `${pods}/httpd`)).json;
    const r = await api(emulator, 'PATCH', `${pods}/httpd`, {
      body: { metadata: { labels: { run: 'httpd' } } },
      headers: mergePatch,
    });
    expect(r.json.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('allows a new image but no other pod spec change', async () => {
    const image = await api(emulator, 'PATCH', `${pods}/web-client`, {
      body: { spec: { containers: [{ name: 'web-client', image: 'busybox:1.36' }] } },
      headers: strategic,
    });
    expect(image.status).toBe(200);
    expect(image.json.spec.containers[0].image).toBe('busybox:1.36');
    const restart = await api(emulator, 'PATCH', `${pods}/web-client`, {
      body: { spec: { restartPolicy: 'Never' } },
      headers: mergePatch,
    });
    expect(restart.status).toBe(422);
    expect(restart.json.message).toMatch(
      /^Pod "web-client" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
  });

  it('writes pod status only through pods/status', async () => {
    const current = (await api(emulator, 'GET', `${pods}/my-pod`)).json;
    const viaMain = await api(emulator, 'PATCH', `${pods}/my-pod`, {
      body: { status: { message: 'main' } },
      headers: mergePatch,
    });
    expect(viaMain.json.status.message).toBeUndefined();
    const viaStatus = await api(emulator, 'PATCH', `${pods}/my-pod/status`, {
      body: { status: { message: 'status' }, metadata: { labels: { ignored: 'yes' } } },
      headers: mergePatch,
    });
    expect(viaStatus.status).toBe(200);
    expect(viaStatus.json.status.message).toBe('status');
    expect(viaStatus.json.metadata.labels).toEqual(current.metadata.labels);
  });

  it('answers 415 for an unknown patch type and 405 for a verb a resource lacks', async () => {
    const r = await api(emulator, 'PATCH', `${pods}/httpd`, {
      body: { metadata: {} },
      headers: { 'Content-Type': 'application/xml' },
    });
    expect(r.status).toBe(415);
    const put = await api(emulator, 'PUT', pods, { body: pod('x') });
    expect(put.status).toBe(405);
    expect(put.json.reason).toBe('MethodNotAllowed');
    const slice = await api(
      emulator,
      'POST',
      '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
      {
        body: { metadata: { name: 'x' } },
      },
    );
    expect(slice.status).toBe(405);
  });
});

describe('services', () => {
  it('allocates a cluster IP and node ports', async () => {
    const r = await api(emulator, 'POST', svcs, {
      body: {
        metadata: { name: 'web' },
        spec: { type: 'NodePort', selector: { run: 'httpd' }, ports: [{ port: 80 }] },
      },
    });
    expect(r.status).toBe(201);
    const spec = r.json.spec;
    expect(spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    expect(spec.ports[0]).toMatchObject({ port: 80, targetPort: 80, protocol: 'TCP' });
    expect(spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    expect(spec).toMatchObject({
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
  });

  it('refuses a cluster IP that is taken and one that changes', async () => {
    const taken = await api(emulator, 'POST', svcs, {
      body: {
        metadata: { name: 'dup' },
        spec: { clusterIP: '10.96.212.203', ports: [{ port: 1 }] },
      },
    });
    expect(taken.status).toBe(422);
    expect(taken.json.message).toContain('provided IP is already allocated');
    const change = await api(emulator, 'PATCH', `${svcs}/httpd`, {
      body: { spec: { clusterIP: '10.96.100.11' } },
      headers: mergePatch,
    });
    expect(change.status).toBe(422);
    expect(change.json.message).toContain('may not change once set');
  });

  it('switches externalTrafficPolicy, allocating and releasing the health check port', async () => {
    const path = '/api/v1/namespaces/kube-system/services/nginx-ingress-lb';
    const toCluster = await api(emulator, 'PATCH', path, {
      body: { spec: { externalTrafficPolicy: 'Cluster' } },
      headers: strategic,
    });
    expect(toCluster.status).toBe(200);
    expect(toCluster.json.spec.externalTrafficPolicy).toBe('Cluster');
    expect(toCluster.json.spec.healthCheckNodePort).toBeUndefined();
    expect(toCluster.json.spec.ports[0].nodePort).toBe(30080);
    expect(toCluster.json.spec.clusterIP).toBe('10.96.50.5');
    const toLocal = await api(emulator, 'PATCH', path, {
      body: { spec: { externalTrafficPolicy: 'Local' } },
      headers: strategic,
    });
    expect(toLocal.json.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(toLocal.json.status.loadBalancer.ingress).toEqual([
      { ip: '192.168.56.240', ipMode: 'VIP' },
    ]);
  });
});

describe('service type changes', () => {
  it('drops the node ports and LoadBalancer fields when a Service becomes ClusterIP', async () => {
    const created = await api(emulator, 'POST', svcs, {
      body: {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] },
      },
    });
    expect(created.json.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    const r = await api(emulator, 'PATCH', `${svcs}/lb`, {
      body: { spec: { type: 'ClusterIP' } },
      headers: mergePatch,
    });
    expect(r.status).toBe(200);
    expect(r.json.spec.ports[0].nodePort).toBeUndefined();
    expect(r.json.spec.externalTrafficPolicy).toBeUndefined();
    expect(r.json.spec.healthCheckNodePort).toBeUndefined();
    expect(r.json.spec.allocateLoadBalancerNodePorts).toBeUndefined();
    expect(r.json.spec.clusterIP).toBe(created.json.spec.clusterIP);
  });
});

describe('delete', () => {
  it('deletes a pod at once with gracePeriodSeconds=0 and sends DELETED', async () => {
    await api(emulator, 'POST', pods, { body: pod('doomed') });
    const rv = (await api(emulator, 'GET', pods)).json.metadata.resourceVersion;
    const w = await stream(
      emulator,
      `${pods}?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Ddoomed`,
    );
    const r = await api(emulator, 'DELETE', `${pods}/doomed?gracePeriodSeconds=0`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'Pod', metadata: { name: 'doomed' } });
    expect((await api(emulator, 'GET', `${pods}/doomed`)).status).toBe(404);
    await w.until((lines) => events(lines).some((e) => e.type === 'DELETED'));
    w.close();
  });

  it('marks a running pod terminating for its grace period', async () => {
    await api(emulator, 'POST', pods, {
      body: pod('graceful', { terminationGracePeriodSeconds: 1 }),
    });
    await eventually(async () => {
      const p = (await api(emulator, 'GET', `${pods}/graceful`)).json;
      return p.spec.nodeName ? p : undefined;
    });
    const r = await api(emulator, 'DELETE', `${pods}/graceful`, {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    });
    expect(r.status).toBe(200);
    expect(r.json.metadata.deletionTimestamp).toBeTruthy();
    expect(r.json.metadata.deletionGracePeriodSeconds).toBe(1);
    await eventually(async () =>
      (await api(emulator, 'GET', `${pods}/graceful`)).status === 404 ? true : undefined,
    );
  });

  it('answers a Success Status for resources that do not return the object', async () => {
    const created = (await api(emulator, 'POST', cms, { body: { metadata: { name: 'gone' } } }))
      .json;
    const r = await api(emulator, 'DELETE', `${cms}/gone`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'gone', kind: 'configmaps', uid: created.metadata.uid },
    });
    expect((await api(emulator, 'DELETE', `${cms}/gone`)).status).toBe(404);
  });

  it('holds an object with finalizers until the last one is removed', async () => {
    await api(emulator, 'POST', cms, {
      body: { metadata: { name: 'held', finalizers: ['example.com/keep'] } },
    });
    const marked = await api(emulator, 'DELETE', `${cms}/held`);
    expect(marked.status).toBe(200);
    expect(marked.json.metadata.deletionTimestamp).toBeTruthy();
    expect((await api(emulator, 'GET', `${cms}/held`)).status).toBe(200);
    const released = await api(emulator, 'PATCH', `${cms}/held`, {
      body: { metadata: { finalizers: null } },
      headers: mergePatch,
    });
    expect(released.status).toBe(200);
    expect((await api(emulator, 'GET', `${cms}/held`)).status).toBe(404);
  });

  it('checks preconditions', async () => {
    await api(emulator, 'POST', cms, { body: { metadata: { name: 'pre' } } });
    const r = await api(emulator, 'DELETE', `${cms}/pre`, {
      body: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } },
    });
    expect(r.status).toBe(409);
    expect(r.json.message).toContain('Precondition failed: UID in precondition');
  });

  it('empties and removes a namespace', async () => {
    expect(
      (
        await api(emulator, 'POST', '/api/v1/namespaces', {
          body: { metadata: { name: 'scratch' } },
        })
      ).status,
    ).toBe(201);
    const ns = (await api(emulator, 'GET', '/api/v1/namespaces/scratch')).json;
    expect(ns.status.phase).toBe('Active');
    expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe('scratch');
    await api(emulator, 'POST', '/api/v1/namespaces/scratch/configmaps', {
      body: { metadata: { name: 'c' } },
    });
    const r = await api(emulator, 'DELETE', '/api/v1/namespaces/scratch');
    expect(r.json.status.phase).toBe('Terminating');
    await eventually(async () =>
      (await api(emulator, 'GET', '/api/v1/namespaces/scratch')).status === 404 ? true : undefined,
    );
    expect(
      (await api(emulator, 'GET', '/api/v1/namespaces/scratch/configmaps')).json.items,
    ).toEqual([]);
  });

  it('refuses new content in a terminating namespace', async () => {
    await api(emulator, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'ending' } } });
    emulator.store.mutate('namespaces', undefined, 'ending', (ns) => {
      ns.status = { phase: 'Terminating' };
    });
    const r = await api(emulator, 'POST', '/api/v1/namespaces/ending/configmaps', {
      body: { metadata: { name: 'late' } },
    });
    expect(r.status).toBe(403);
    expect(r.json.message).toBe(
      'configmaps "late" is forbidden: unable to create new content in namespace ending because it is being terminated',
    );
  });
});

describe('binding', () => {
  it('binds a pod once', async () => {
    await api(emulator, 'POST', pods, { body: pod('manual', { schedulerName: 'my-scheduler' }) });
    const bind = () =>
      api(emulator, 'POST', `${pods}/manual/binding`, {
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: 'manual' },
          target: { kind: 'Node', name: 'node-1' },
        },
      });
    expect((await bind()).status).toBe(201);
    expect((await api(emulator, 'GET', `${pods}/manual`)).json.spec.nodeName).toBe('node-1');
    const again = await bind();
    expect(again.status).toBe(409);
    expect(again.json.message).toContain('is already assigned to node "node-1"');
  });
});
