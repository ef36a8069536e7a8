/**
 * Strategy choice over the demo cluster's real objects (the emulator's store, as the inventory
 * would hold them), with SSAR answers from a table and from the emulator's authorizer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessReviewRequest } from '../cluster/types';
import type { InventorySnapshot } from '../inventory/types';
import { startDemoEmulator, type Emulator } from '../cluster/test-support/emulator';
import type { TraceEndpoint } from '../trace/types';
import {
  canFromClient,
  chooseStrategy,
  describePermission,
  identityReasons,
  selectorMatches,
  type Can,
} from './strategy';
import { clientForKubeconfig, snapshotOf } from './test-support/cluster';

const FXRQL = 'k8s-go-demo-deploy-66cdbcd8d9-fxrql';
const pod = (namespace: string, name: string): TraceEndpoint => ({
  ref: `pod:${namespace}/${name}`,
  kind: 'pod',
  ip: null,
  node: null,
  namespace,
  name,
});
const node = (name: string): TraceEndpoint => ({
  ref: `node:${name}`,
  kind: 'node',
  ip: null,
  node: name,
  name,
});
const service = (namespace: string, name: string): TraceEndpoint => ({
  ref: `service:${namespace}/${name}`,
  kind: 'service',
  ip: null,
  node: null,
  namespace,
  name,
});
const ip = (address: string, port?: number): TraceEndpoint => ({
  ref: `ip:${address}${port ? `:${port}` : ''}`,
  kind: 'ip',
  ip: address,
  node: null,
  port: port ?? null,
});

/** SSAR answers: everything allowed but the listed `verb resource[/sub] in namespace ns`. */
function canExcept(...denied: string[]): Can & { asked: AccessReviewRequest[] } {
  const asked: AccessReviewRequest[] = [];
  const can = async (r: AccessReviewRequest) => {
    asked.push(r);
    return !denied.includes(describePermission(r));
  };
  return Object.assign(can, { asked });
}

describe('chooseStrategy on the demo cluster', () => {
  let emulator: Emulator;
  let snapshot: InventorySnapshot;

  beforeAll(async () => {
    emulator = await startDemoEmulator();
    snapshot = await snapshotOf(emulator);
  });

  afterAll(async () => {
    await emulator?.close();
  });

  const choose = (
    from: TraceEndpoint,
    to: TraceEndpoint,
    can: Can = canExcept(),
    requested: 'auto' | 'pod' | 'ephemeral' | 'hostNetwork' = 'auto',
  ) => chooseStrategy({ requested, from, to, snapshot, can, probeNamespace: 'podpath' });

  it('S1: an ordinary pod source gets a probe pod on its node', async () => {
    const can = canExcept();
    await expect(
      choose(pod('default', 'web-client'), pod('default', 'httpd'), can),
    ).resolves.toEqual({
      ok: true,
      strategy: 'pod',
      node: 'node-2',
      identity: [],
      notes: [],
    });
    expect(can.asked.map(describePermission)).toEqual([
      'create pods in namespace podpath',
      'get pods/log in namespace podpath',
      'delete pods in namespace podpath',
    ]);
  });

  it('S2: a caller that is an endpoint of its target Service gets an ephemeral container', async () => {
    for (const to of [service('default', 'k8s-go-demo-svc'), ip('10.96.212.203', 80)]) {
      const decision = await choose(pod('default', FXRQL), to);
      expect(decision).toMatchObject({ ok: true, strategy: 'ephemeral', node: 'node-1' });
      expect(decision.ok && decision.identity[0]).toMatch(
        /is an endpoint of default\/k8s-go-demo-svc.*hairpin/,
      );
    }
  });

  it('S2 without patch pods/ephemeralcontainers: a probe pod, with a note saying what is lost', async () => {
    const decision = await choose(
      pod('default', FXRQL),
      service('default', 'k8s-go-demo-svc'),
      canExcept('patch pods/ephemeralcontainers in namespace default'),
    );
    expect(decision).toMatchObject({ ok: true, strategy: 'pod', node: 'node-1' });
    expect(decision.ok && decision.notes[0]).toMatch(
      /may not patch pods\/ephemeralcontainers in namespace default, so a probe pod on node-1 was used/,
    );
  });

  it('says which permissions are missing when nothing is allowed', async () => {
    const decision = await choose(
      pod('default', FXRQL),
      service('default', 'k8s-go-demo-svc'),
      canExcept(
        'patch pods/ephemeralcontainers in namespace default',
        'create pods in namespace podpath',
      ),
    );
    expect(decision).toMatchObject({ ok: false, code: 'forbidden' });
    expect(!decision.ok && decision.message).toMatch(
      /patch pods\/ephemeralcontainers in namespace default, create pods in namespace podpath/,
    );
    const explicit = await choose(
      pod('default', 'web-client'),
      pod('default', 'httpd'),
      canExcept('create pods in namespace podpath'),
      'pod',
    );
    expect(explicit).toMatchObject({
      ok: false,
      code: 'forbidden',
      missing: [{ verb: 'create', resource: 'pods', namespace: 'podpath' }],
    });
  });

  it('falls back to an ephemeral container when probe pods are not allowed', async () => {
    const decision = await choose(
      pod('default', 'web-client'),
      pod('default', 'httpd'),
      canExcept('create pods in namespace podpath'),
    );
    expect(decision).toMatchObject({ ok: true, strategy: 'ephemeral' });
    expect(decision.ok && decision.notes[0]).toMatch(/may not create pods in namespace podpath/);
  });

  it('S4 and S5: node and hostNetwork sources use hostNetwork on their node', async () => {
    await expect(choose(node('node-2'), ip('192.168.2.10'))).resolves.toMatchObject({
      ok: true,
      strategy: 'hostNetwork',
      node: 'node-2',
    });
    const myPod = await choose(pod('default', 'my-pod'), ip('192.168.56.241', 38001));
    expect(myPod).toMatchObject({ ok: true, strategy: 'hostNetwork', node: 'node-2' });
    expect(myPod.ok && myPod.notes[0]).toMatch(/uses its node's network/);
    // The node-versus-pod comparison: a pod source asked to run in its node's network.
    await expect(
      choose(pod('default', 'web-client'), ip('192.168.2.10'), canExcept(), 'hostNetwork'),
    ).resolves.toMatchObject({ ok: true, strategy: 'hostNetwork', node: 'node-2' });
  });

  it('refuses what cannot be: pod strategy from a node, unknown pods', async () => {
    await expect(
      choose(node('node-2'), ip('192.168.2.10'), canExcept(), 'pod'),
    ).resolves.toMatchObject({ ok: false, code: 'unsupported' });
    await expect(choose(pod('default', 'nope'), ip('10.0.0.1'))).resolves.toMatchObject({
      ok: false,
      code: 'not-found',
    });
  });

  it('counts NetworkPolicies on the source and ingress policies on the target', () => {
    const source = snapshot.pods.find((p) => p.name === 'web-client')!;
    const target = snapshot.pods.find((p) => p.name === 'httpd')!;
    const withPolicies: InventorySnapshot = {
      ...snapshot,
      networkPolicies: [
        {
          namespace: 'default',
          name: 'web-client-egress',
          podSelector: { matchLabels: source.labels },
          policyTypes: ['Egress'],
          ingress: [],
          egress: [],
        },
        {
          namespace: 'default',
          name: 'httpd-ingress',
          podSelector: { matchExpressions: [{ key: 'run', operator: 'In', values: ['httpd'] }] },
          policyTypes: ['Ingress'],
          ingress: [],
          egress: [],
        },
      ],
    };
    expect(target.labels.run).toBe('httpd');
    expect(identityReasons(source, pod('default', 'httpd'), withPolicies)).toEqual([
      'NetworkPolicy default/web-client-egress selects default/web-client',
      "NetworkPolicy default/httpd-ingress guards default/httpd; its ingress rules judge the source's own labels",
    ]);
    expect(identityReasons(source, pod('default', 'httpd'), snapshot)).toEqual([]);
  });
});

describe('SSAR through the emulator', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startDemoEmulator({
      forbid: [{ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers' }],
    });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it('auto picks a probe pod with a note when ephemeral containers are forbidden', async () => {
    const client = clientForKubeconfig({ text: emulator.kubeconfig() });
    const can = canFromClient(client);
    await expect(
      can({
        verb: 'patch',
        resource: 'pods',
        subresource: 'ephemeralcontainers',
        namespace: 'default',
      }),
    ).resolves.toBe(false);
    await expect(can({ verb: 'create', resource: 'pods', namespace: 'default' })).resolves.toBe(
      true,
    );
    const decision = await chooseStrategy({
      requested: 'auto',
      from: pod('default', FXRQL),
      to: service('default', 'k8s-go-demo-svc'),
      snapshot: await snapshotOf(emulator),
      can,
      probeNamespace: 'default',
    });
    expect(decision).toMatchObject({ ok: true, strategy: 'pod', node: 'node-1' });
    expect(decision.ok && decision.notes.join(' ')).toContain('pods/ephemeralcontainers');
  });

  it('counts a review that cannot be asked as allowed (the real call answers then)', async () => {
    const can = canFromClient({
      selfSubjectAccessReview: () => Promise.reject(new Error('forbidden to ask')),
    });
    await expect(can({ verb: 'create', resource: 'pods' })).resolves.toBe(true);
  });
});

describe('selectorMatches', () => {
  it('follows the API semantics', () => {
    const labels = { app: 'db', tier: 'backend' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'db' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(false);
    expect(
      selectorMatches(
        { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
        labels,
      ),
    ).toBe(true);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels),
    ).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, labels)).toBe(
      false,
    );
  });
});
