import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from './index';
import { api, eventually, startTestEmulator, stream, type FakeRuntime } from './test-support';

let emulator: Emulator;
let runtime: FakeRuntime;

beforeAll(async () => {
  ({ emulator, runtime } = await startTestEmulator({
    forbid: [
      {
        verb: 'patch',
        resource: 'pods',
        subresource: 'ephemeralcontainers',
        namespace: 'kube-system',
      },
    ],
  }));
});

afterAll(async () => {
  await emulator.close();
});

const pods = '/api/v1/namespaces/default/pods';
const strategic = { 'Content-Type': 'application/strategic-merge-patch+json' };
const jsonPatch = { 'Content-Type': 'application/json-patch+json' };

const debugger_ = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'busybox',
  command: ['traceroute', '10.244.1.3'],
  resources: {},
  terminationMessagePolicy: 'File',
  ...extra,
});

/** A running pod of our own, so that tests here do not disturb the scenario pods. */
async function runningPod(
  name: string,
  containers: unknown[],
  extra: Record<string, unknown> = {},
) {
  const r = await api(emulator, 'POST', pods, {
    body: { metadata: { name }, spec: { containers, ...extra } },
  });
  expect(r.status).toBe(201);
  return eventually(async () => {
    const p = (await api(emulator, 'GET', `${pods}/${name}`)).json;
    return p.status?.containerStatuses?.every(
      (s: { state: object }) => 'running' in s.state || 'terminated' in s.state,
    )
      ? p
      : undefined;
  });
}

describe('pods/ephemeralcontainers', () => {
  it('reads the pod through the subresource', async () => {
    const r = await api(emulator, 'GET', `${pods}/web-client/ephemeralcontainers`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'Pod', metadata: { name: 'web-client' } });
  });

  it('adds a container with the strategic merge patch kubectl debug sends, and runs it', async () => {
    await runningPod('target', [{ name: 'app', image: 'busybox', command: ['hold'] }]);
    const r = await api(emulator, 'PATCH', `${pods}/target/ephemeralcontainers`, {
      body: {
        spec: {
          '$setElementOrder/ephemeralContainers': [{ name: 'debugger-1' }],
          ephemeralContainers: [debugger_('debugger-1')],
        },
      },
      headers: strategic,
    });
    expect(r.status).toBe(200);
    expect(r.json.spec.ephemeralContainers).toEqual([
      {
        ...debugger_('debugger-1'),
        terminationMessagePath: '/dev/termination-log',
        imagePullPolicy: 'Always',
      },
    ]);
    const log = await eventually(async () => {
      const l = await api(emulator, 'GET', `${pods}/target/log?container=debugger-1`);
      return l.status === 200 && l.text ? l.text : undefined;
    });
    expect(log).toBe('ran: traceroute 10.244.1.3\n');
  });

  it('adds a container with a JSON patch and through PUT', async () => {
    await runningPod('target2', [{ name: 'app', image: 'busybox', command: ['hold'] }]);
    const add = await api(emulator, 'PATCH', `${pods}/target2/ephemeralcontainers`, {
      body: [{ op: 'add', path: '/spec/ephemeralContainers', value: [debugger_('d1')] }],
      headers: jsonPatch,
    });
    expect(add.status).toBe(200);
    // Without a resourceVersion the update is unconditional: the kubelet writes status meanwhile.
    const { resourceVersion: _rv, ...metadata } = add.json.metadata;
    const current = { ...add.json, metadata };
    const put = await api(emulator, 'PUT', `${pods}/target2/ephemeralcontainers`, {
      body: {
        ...current,
        spec: {
          ...current.spec,
          // Other spec changes through this subresource are ignored, not applied.
          restartPolicy: 'Never',
          ephemeralContainers: [...current.spec.ephemeralContainers, debugger_('d2')],
        },
      },
    });
    expect(put.status).toBe(200);
    expect(put.json.spec.ephemeralContainers.map((c: { name: string }) => c.name)).toEqual([
      'd1',
      'd2',
    ]);
    expect(put.json.spec.restartPolicy).toBe('Always');
  });

  it('refuses to remove or change an existing ephemeral container with 422', async () => {
    const { resourceVersion: _rv, ...metadata } = (await api(emulator, 'GET', `${pods}/target2`))
      .json.metadata;
    const current = { ...(await api(emulator, 'GET', `${pods}/target2`)).json, metadata };
    const removed = await api(emulator, 'PUT', `${pods}/target2/ephemeralcontainers`, {
      body: {
        ...current,
        spec: { ...current.spec, ephemeralContainers: [current.spec.ephemeralContainers[0]] },
      },
    });
    expect(removed.status).toBe(422);
    expect(removed.json.message).toBe(
      'Pod "target2" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "d2" may not be removed\n',
    );
    expect(removed.json.details.causes[0]).toMatchObject({
      reason: 'FieldValueForbidden',
      field: 'spec.ephemeralContainers',
    });
    const changed = await api(emulator, 'PATCH', `${pods}/target2/ephemeralcontainers`, {
      body: [{ op: 'replace', path: '/spec/ephemeralContainers/0/image', value: 'alpine' }],
      headers: jsonPatch,
    });
    expect(changed.status).toBe(422);
    expect(changed.json.message).toContain('existing ephemeral containers "d1" may not be changed');
  });

  it('refuses ports, a duplicate name and an unknown target container', async () => {
    const r = await api(emulator, 'PATCH', `${pods}/target/ephemeralcontainers`, {
      body: {
        spec: {
          ephemeralContainers: [
            debugger_('app'),
            debugger_('d3', { ports: [{ containerPort: 80 }], targetContainerName: 'nope' }),
          ],
        },
      },
      headers: strategic,
    });
    expect(r.status).toBe(422);
    expect(
      r.json.details.causes.map((c: { field: string; reason: string }) => `${c.reason} ${c.field}`),
    ).toEqual([
      'FieldValueDuplicate spec.ephemeralContainers[1].name',
      'FieldValueForbidden spec.ephemeralContainers[2].ports',
      'FieldValueNotFound spec.ephemeralContainers[2].targetContainerName',
    ]);
  });

  it('cannot be changed through the pod itself', async () => {
    const r = await api(emulator, 'PATCH', `${pods}/target`, {
      body: { spec: { ephemeralContainers: [debugger_('sneaky')] } },
      headers: strategic,
    });
    expect(r.status).toBe(422);
    const create = await api(emulator, 'POST', pods, {
      body: {
        metadata: { name: 'eph-on-create' },
        spec: {
          containers: [{ name: 'a', image: 'busybox' }],
          ephemeralContainers: [debugger_('x')],
        },
      },
    });
    expect(create.status).toBe(422);
    expect(create.json.message).toContain(
      'spec.ephemeralContainers: Forbidden: cannot be set on create',
    );
  });

  it('answers 403 when a forbid rule covers the subresource', async () => {
    const r = await api(
      emulator,
      'PATCH',
      '/api/v1/namespaces/kube-system/pods/nginx-ingress-controller-7d9fb/ephemeralcontainers',
      { body: { spec: { ephemeralContainers: [debugger_('d')] } }, headers: strategic },
    );
    expect(r.status).toBe(403);
    expect(r.json.message).toBe(
      'pods "nginx-ingress-controller-7d9fb" is forbidden: User "kubernetes-admin" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "kube-system"',
    );
  });
});

describe('pods/log', () => {
  it('answers 400 while the container waits to start, as the kubelet does', async () => {
    const release = runtime.holdSandbox('held');
    try {
      await api(emulator, 'POST', pods, {
        body: {
          metadata: { name: 'held' },
          spec: { containers: [{ name: 'main', image: 'busybox' }] },
        },
      });
      await eventually(async () => {
        const p = (await api(emulator, 'GET', `${pods}/held`)).json;
        return p.status?.containerStatuses?.[0]?.state?.waiting ? true : undefined;
      });
      const r = await api(emulator, 'GET', `${pods}/held/log`);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'BadRequest',
        message: 'container "main" in pod "held" is waiting to start: ContainerCreating',
        code: 400,
      });
    } finally {
      release();
    }
  });

  it('requires a container name for a pod with several', async () => {
    await api(emulator, 'POST', pods, {
      body: {
        metadata: { name: 'two' },
        spec: {
          initContainers: [{ name: 'init', image: 'busybox' }],
          containers: [
            { name: 'a', image: 'busybox' },
            { name: 'b', image: 'busybox' },
          ],
        },
      },
    });
    const r = await api(emulator, 'GET', `${pods}/two/log`);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe(
      'a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [init]',
    );
    const wrong = await api(emulator, 'GET', `${pods}/two/log?container=c`);
    expect(wrong.json.message).toBe('container c is not valid for pod two');
  });

  it('serves the log with tailLines, timestamps and limitBytes', async () => {
    const runtimeOut = await runningPod('talker', [
      { name: 'talker', image: 'busybox', command: ['hold'] },
    ]);
    expect(runtimeOut.metadata.name).toBe('talker');
    runtime.control('talker', 'talker')?.write('one\ntwo\nthree\n');
    const full = await eventually(async () => {
      const r = await api(emulator, 'GET', `${pods}/talker/log`);
      return r.text === 'one\ntwo\nthree\n' ? r : undefined;
    });
    expect(full.headers['content-type']).toBe('text/plain');
    expect((await api(emulator, 'GET', `${pods}/talker/log?tailLines=2`)).text).toBe(
      'two\nthree\n',
    );
    expect((await api(emulator, 'GET', `${pods}/talker/log?limitBytes=5`)).text).toBe('one\nt');
    const stamped = (await api(emulator, 'GET', `${pods}/talker/log?timestamps=true&tailLines=1`))
      .text;
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z three\n$/);
    const previous = await api(emulator, 'GET', `${pods}/talker/log?previous=true`);
    expect(previous.status).toBe(400);
    expect(previous.json.message).toBe(
      'previous terminated container "talker" in pod "talker" not found',
    );
  });

  it('follows the log until the container terminates', async () => {
    await runningPod('follower', [{ name: 'main', image: 'busybox', command: ['hold'] }], {
      restartPolicy: 'Never',
    });
    const control = runtime.control('follower', 'main');
    control?.write('first\n');
    await eventually(async () =>
      (await api(emulator, 'GET', `${pods}/follower/log`)).text ? true : undefined,
    );
    const s = await stream(emulator, `${pods}/follower/log?follow=true`);
    await s.until((lines) => lines.includes('first'));
    control?.write('second\n');
    await s.until((lines) => lines.includes('second'));
    control?.exit(0);
    await s.ended;
    expect(s.lines).toEqual(['first', 'second']);
  });
});
