/**
 * The evaluator against the examples of the Kubernetes documentation (concepts/services-
 * networking/network-policies and the NetworkPolicy API reference), each policy going through
 * lib/inventory's reshaping exactly as the inventory would hold it.
 */
import { describe, expect, it } from 'vitest';
import { toInventoryNetworkPolicy } from '@/lib/inventory/reshape';
import type {
  InventoryContainerPort,
  InventoryNetworkPolicy,
  InventoryPod,
  InventorySnapshot,
  Labels,
} from '@/lib/inventory/types';
import type { WireNetworkPolicy } from '@/lib/inventory/wire';
import { fixtureSnapshot } from '../topology/__fixtures__/load';
import {
  describeRule,
  describeSelector,
  effectivePolicyTypes,
  evaluateNetworkPolicies,
  labelSelectorMatches,
  type PolicyEndpoint,
  type PolicyFlow,
} from './network-policy-eval';

function pod(
  namespace: string,
  name: string,
  labels: Labels,
  ip: string,
  node = 'node-1',
  ports: InventoryContainerPort[] = [],
): InventoryPod {
  return {
    namespace,
    name,
    uid: `${namespace}-${name}`,
    ip,
    ips: [ip],
    nodeName: node,
    hostNetwork: false,
    labels,
    phase: 'Running',
    ready: true,
    ports,
    owner: null,
    isProbe: false,
  };
}

function policy(namespace: string, name: string, spec: WireNetworkPolicy['spec']) {
  return toInventoryNetworkPolicy({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace, name },
    spec,
  });
}

function snapshotWith(pods: InventoryPod[], policies: InventoryNetworkPolicy[]): InventorySnapshot {
  const demo = fixtureSnapshot('demo');
  return { ...demo, pods: [...demo.pods, ...pods], networkPolicies: policies };
}

const at = (p: InventoryPod): PolicyEndpoint => ({ kind: 'pod', pod: p });
const address = (ip: string, node: string | null = null): PolicyEndpoint => ({
  kind: 'address',
  ip,
  node,
});
const tcp = (from: PolicyEndpoint, to: PolicyEndpoint, port: number | null): PolicyFlow => ({
  from,
  to,
  port,
  protocol: 'TCP',
});

// The documentation's test-network-policy, verbatim in meaning.
const testNetworkPolicy = policy('default', 'test-network-policy', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    },
  ],
  egress: [
    { to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] },
  ],
});

const db = pod('default', 'redis', { role: 'db' }, '10.244.1.30');
const frontend = pod('default', 'frontend', { role: 'frontend' }, '10.244.2.30', 'node-2');
const elsewhere = pod('myproject', 'worker', { role: 'frontend' }, '10.244.2.31', 'node-2');

describe('evaluateNetworkPolicies: the documentation example test-network-policy', () => {
  const snap = snapshotWith([db, frontend, elsewhere], [testNetworkPolicy]);

  it('admits role=frontend of the same namespace on TCP 6379 and names the admitting rule', () => {
    const out = evaluateNetworkPolicies(snap, tcp(at(frontend), at(db), 6379));
    expect(out.verdict).toBe('allowed');
    expect(out.ingress?.selecting.map((p) => p.name)).toEqual(['test-network-policy']);
    expect(out.ingress?.admitting).toEqual([{ policy: testNetworkPolicy, index: 0 }]);
    // The source is not selected by any policy: its egress is not isolated.
    expect(out.egress?.selecting).toEqual([]);
    expect(out.egress?.verdict).toBe('allowed');
  });

  it('denies another port and another protocol, saying which part of the rule failed', () => {
    const other = evaluateNetworkPolicies(snap, tcp(at(frontend), at(db), 6380));
    expect(other.verdict).toBe('denied');
    expect(other.ingress?.reasons).toEqual([
      'default/test-network-policy ingress rule 1 (from ipBlock 172.17.0.0/16 except 172.17.1.0/24 or all pods in namespaces project=myproject or pods role=frontend in namespace default, on TCP/6379) does not cover TCP/6380',
    ]);
    const udp = evaluateNetworkPolicies(snap, {
      ...tcp(at(frontend), at(db), 6379),
      protocol: 'UDP',
    });
    expect(udp.verdict).toBe('denied');
  });

  it('applies the ipBlock and its except to addresses', () => {
    expect(evaluateNetworkPolicies(snap, tcp(address('172.17.0.5'), at(db), 6379)).verdict).toBe(
      'allowed',
    );
    expect(evaluateNetworkPolicies(snap, tcp(address('172.17.2.200'), at(db), 6379)).verdict).toBe(
      'allowed',
    );
    const excepted = evaluateNetworkPolicies(snap, tcp(address('172.17.1.5'), at(db), 6379));
    expect(excepted.verdict).toBe('denied');
    expect(excepted.ingress?.reasons[0]).toContain('does not match 172.17.1.5');
    expect(excepted.egress).toBeNull();
  });

  it('cannot tell a namespace label it has not seen, and says what would tell', () => {
    // podSelector alone looks in the policy's own namespace only; project=myproject is unknown.
    const out = evaluateNetworkPolicies(snap, tcp(at(elsewhere), at(db), 6379));
    expect(out.verdict).toBe('unknown');
    expect(out.ingress?.admitting.map((r) => r.index)).toEqual([0]);
    expect(out.ingress?.unknowns).toEqual([
      'whether namespace myproject has the label project (podpath reads no Namespace objects; only kubernetes.io/metadata.name is certain): kubectl get namespace myproject --show-labels',
    ]);
    // With the namespace's labels known, the answer is definite either way.
    const labelled = { namespaceLabels: { myproject: { project: 'myproject' } } };
    expect(evaluateNetworkPolicies(snap, tcp(at(elsewhere), at(db), 6379), labelled).verdict).toBe(
      'allowed',
    );
    const bare = { namespaceLabels: { myproject: {} } };
    expect(evaluateNetworkPolicies(snap, tcp(at(elsewhere), at(db), 6379), bare).verdict).toBe(
      'denied',
    );
  });

  it('isolates role=db for egress too: 10.0.0.0/24 on TCP 5978 only', () => {
    expect(evaluateNetworkPolicies(snap, tcp(at(db), address('10.0.0.7'), 5978)).verdict).toBe(
      'allowed',
    );
    const dns = evaluateNetworkPolicies(snap, {
      from: at(db),
      to: address('10.96.0.10'),
      port: 53,
      protocol: 'UDP',
    });
    expect(dns.verdict).toBe('denied');
    expect(dns.egress?.verdict).toBe('denied');
    expect(dns.ingress).toBeNull();
  });

  it('leaves pods it does not select alone', () => {
    const out = evaluateNetworkPolicies(snap, tcp(at(db), at(frontend), 80));
    expect(out.ingress?.selecting).toEqual([]);
    expect(out.ingress?.reasons).toEqual([
      'no NetworkPolicy selects default/frontend for ingress: it is not isolated',
    ]);
    // db's egress is isolated and nothing admits frontend:80.
    expect(out.egress?.verdict).toBe('denied');
  });
});

describe('evaluateNetworkPolicies: peers', () => {
  const alice = pod('alice-ns', 'client', { role: 'client' }, '10.244.2.40', 'node-2');
  const aliceOther = pod('alice-ns', 'other', { role: 'other' }, '10.244.2.41', 'node-2');
  const local = pod('default', 'client', { role: 'client' }, '10.244.2.42', 'node-2');
  const target = pod('default', 'api', { app: 'api' }, '10.244.1.40');
  const known = { namespaceLabels: { 'alice-ns': { user: 'alice' }, default: {} } };

  it('one peer with namespaceSelector and podSelector needs both (AND)', () => {
    const and = policy('default', 'and', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { user: 'alice' } },
              podSelector: { matchLabels: { role: 'client' } },
            },
          ],
        },
      ],
    });
    const snap = snapshotWith([alice, aliceOther, local, target], [and]);
    const verdict = (p: InventoryPod) =>
      evaluateNetworkPolicies(snap, tcp(at(p), at(target), 80), known).verdict;
    expect(verdict(alice)).toBe('allowed');
    expect(verdict(aliceOther)).toBe('denied');
    expect(verdict(local)).toBe('denied');
  });

  it('two peers are alternatives (OR), the podSelector one in the policy namespace only', () => {
    const or = policy('default', 'or', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { user: 'alice' } } },
            { podSelector: { matchLabels: { role: 'client' } } },
          ],
        },
      ],
    });
    const snap = snapshotWith([alice, aliceOther, local, target], [or]);
    const verdict = (p: InventoryPod) =>
      evaluateNetworkPolicies(snap, tcp(at(p), at(target), 80), known).verdict;
    expect(verdict(alice)).toBe('allowed');
    expect(verdict(aliceOther)).toBe('allowed');
    expect(verdict(local)).toBe('allowed');
    const outsider = pod('bob-ns', 'client', { role: 'client' }, '10.244.2.43', 'node-2');
    expect(
      evaluateNetworkPolicies(snap, tcp(at(outsider), at(target), 80), {
        namespaceLabels: { 'bob-ns': { user: 'bob' } },
      }).verdict,
    ).toBe('denied');
  });

  it('targets a namespace by name through kubernetes.io/metadata.name without knowing its labels', () => {
    const byName = policy('default', 'by-name', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'alice-ns' } },
            },
          ],
        },
      ],
    });
    const snap = snapshotWith([alice, local, target], [byName]);
    expect(evaluateNetworkPolicies(snap, tcp(at(alice), at(target), 80)).verdict).toBe('allowed');
    expect(evaluateNetworkPolicies(snap, tcp(at(local), at(target), 80)).verdict).toBe('denied');
    expect(describeRule(byName, 'ingress', 0)).toBe(
      'from all pods in namespace alice-ns, on any port',
    );
  });

  it('an empty namespaceSelector means every namespace; selectors never match an outside address', () => {
    const anyNs = policy('default', 'any-namespace', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ namespaceSelector: {} }] }],
    });
    const snap = snapshotWith([alice, target], [anyNs]);
    expect(evaluateNetworkPolicies(snap, tcp(at(alice), at(target), 80)).verdict).toBe('allowed');
    expect(
      evaluateNetworkPolicies(snap, tcp(address('192.168.2.10'), at(target), 80)).verdict,
    ).toBe('denied');
  });
});

describe('evaluateNetworkPolicies: label selector operators', () => {
  it('In, NotIn (true when the label is absent), Exists and DoesNotExist', () => {
    const sel = (operator: string, values?: string[]) => ({
      matchExpressions: [{ key: 'tier', operator, ...(values ? { values } : {}) }],
    });
    expect(labelSelectorMatches(sel('In', ['a', 'b']), { tier: 'a' })).toBe(true);
    expect(labelSelectorMatches(sel('In', ['a', 'b']), { tier: 'c' })).toBe(false);
    expect(labelSelectorMatches(sel('In', ['a']), {})).toBe(false);
    expect(labelSelectorMatches(sel('NotIn', ['a']), { tier: 'b' })).toBe(true);
    expect(labelSelectorMatches(sel('NotIn', ['a']), {})).toBe(true);
    expect(labelSelectorMatches(sel('NotIn', ['a']), { tier: 'a' })).toBe(false);
    expect(labelSelectorMatches(sel('Exists'), { tier: '' })).toBe(true);
    expect(labelSelectorMatches(sel('Exists'), {})).toBe(false);
    expect(labelSelectorMatches(sel('DoesNotExist'), {})).toBe(true);
    expect(labelSelectorMatches(sel('DoesNotExist'), { tier: 'a' })).toBe(false);
    expect(labelSelectorMatches({}, { anything: 'x' })).toBe(true);
    // matchLabels and matchExpressions are AND'ed.
    const both = { matchLabels: { app: 'db' }, ...sel('NotIn', ['cache']) };
    expect(labelSelectorMatches(both, { app: 'db', tier: 'store' })).toBe(true);
    expect(labelSelectorMatches(both, { app: 'db', tier: 'cache' })).toBe(false);
    expect(labelSelectorMatches(both, { tier: 'store' })).toBe(false);
    expect(describeSelector(both)).toBe('app=db,tier notin (cache)');
    expect(describeSelector({})).toBe('{}');
  });

  it('selects the policy pods with matchExpressions', () => {
    const target = pod('default', 'api', { app: 'api', tier: 'backend' }, '10.244.1.40');
    const client = pod('default', 'client', { role: 'client' }, '10.244.2.42', 'node-2');
    const p = policy('default', 'backend-only', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] },
      ingress: [
        {
          from: [{ podSelector: { matchExpressions: [{ key: 'role', operator: 'Exists' }] } }],
        },
      ],
    });
    const snap = snapshotWith([target, client], [p]);
    expect(evaluateNetworkPolicies(snap, tcp(at(client), at(target), 80)).verdict).toBe('allowed');
    const anonymous = pod('default', 'anon', {}, '10.244.2.44', 'node-2');
    expect(
      evaluateNetworkPolicies(
        snapshotWith([target, anonymous], [p]),
        tcp(at(anonymous), at(target), 80),
      ).verdict,
    ).toBe('denied');
  });
});

describe('evaluateNetworkPolicies: default policies of the documentation', () => {
  const a = pod('prod', 'a', { app: 'a' }, '10.244.1.50');
  const b = pod('prod', 'b', { app: 'b' }, '10.244.2.50', 'node-2');

  it('default-deny-ingress isolates every pod of the namespace for ingress only', () => {
    const deny = policy('prod', 'default-deny-ingress', {
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    const snap = snapshotWith([a, b], [deny]);
    const out = evaluateNetworkPolicies(snap, tcp(at(a), at(b), 80));
    expect(out.verdict).toBe('denied');
    expect(out.ingress?.reasons).toEqual([
      'prod/default-deny-ingress (podSelector {}) has no ingress rules: it admits nothing',
    ]);
    expect(out.egress?.selecting).toEqual([]);
  });

  it('allow-all-ingress (one empty rule) admits everything, whatever else denies (union)', () => {
    const deny = policy('prod', 'default-deny-ingress', {
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    const allow = policy('prod', 'allow-all-ingress', {
      podSelector: {},
      ingress: [{}],
      policyTypes: ['Ingress'],
    });
    const snap = snapshotWith([a, b], [deny, allow]);
    const out = evaluateNetworkPolicies(snap, tcp(address('203.0.113.9'), at(b), 443));
    expect(out.verdict).toBe('allowed');
    expect(out.ingress?.selecting.map((p) => p.name)).toEqual([
      'default-deny-ingress',
      'allow-all-ingress',
    ]);
    expect(out.ingress?.admitting.map((r) => r.policy.name)).toEqual(['allow-all-ingress']);
  });

  it('default-deny-egress and allow-all-egress', () => {
    const deny = policy('prod', 'default-deny-egress', {
      podSelector: {},
      policyTypes: ['Egress'],
    });
    const snap = snapshotWith([a, b], [deny]);
    const out = evaluateNetworkPolicies(snap, tcp(at(a), at(b), 80));
    expect(out.egress?.verdict).toBe('denied');
    expect(out.ingress?.verdict).toBe('allowed');
    const allow = policy('prod', 'allow-all-egress', {
      podSelector: {},
      egress: [{}],
      policyTypes: ['Egress'],
    });
    expect(
      evaluateNetworkPolicies(snapshotWith([a, b], [deny, allow]), tcp(at(a), at(b), 80)).verdict,
    ).toBe('allowed');
  });

  it('default-deny-all denies both directions', () => {
    const deny = policy('prod', 'default-deny-all', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const out = evaluateNetworkPolicies(snapshotWith([a, b], [deny]), tcp(at(a), at(b), 80));
    expect([out.ingress?.verdict, out.egress?.verdict]).toEqual(['denied', 'denied']);
  });
});

describe('evaluateNetworkPolicies: policyTypes defaulting', () => {
  const a = pod('prod', 'a', { app: 'a' }, '10.244.1.50');
  const b = pod('prod', 'b', { app: 'b' }, '10.244.2.50', 'node-2');

  it('a policy with only egress rules and no policyTypes still isolates ingress', () => {
    // The API reference: every policy affects ingress; egress only when it has egress rules.
    const egressOnly = policy('prod', 'egress-rules', {
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
    });
    expect(egressOnly.policyTypes).toEqual(['Ingress', 'Egress']);
    const out = evaluateNetworkPolicies(snapshotWith([a, b], [egressOnly]), tcp(at(a), at(b), 80));
    expect(out.ingress?.verdict).toBe('denied');
    // b's IP is inside 10.0.0.0/8: egress from a is admitted.
    expect(out.egress?.verdict).toBe('allowed');
  });

  it('derives the types itself when a policy comes without them', () => {
    const bare: InventoryNetworkPolicy = {
      namespace: 'prod',
      name: 'bare',
      podSelector: {},
      policyTypes: [],
      ingress: [],
      egress: [{}],
    };
    expect(effectivePolicyTypes(bare)).toEqual(['ingress', 'egress']);
    expect(effectivePolicyTypes({ ...bare, egress: [] })).toEqual(['ingress']);
    expect(effectivePolicyTypes({ ...bare, policyTypes: ['Egress'] })).toEqual(['egress']);
  });
});

describe('evaluateNetworkPolicies: ports', () => {
  const web = pod('prod', 'web', { app: 'web' }, '10.244.1.60', 'node-1', [
    { containerPort: 38001, name: 'http', protocol: 'TCP' },
    { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
    { containerPort: 53, name: 'dns', protocol: 'UDP' },
  ]);
  const client = pod('prod', 'client', { app: 'client' }, '10.244.2.60', 'node-2');

  it('resolves a named port against the target container ports, protocol included', () => {
    const named = policy('prod', 'named', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }] }],
    });
    const snap = snapshotWith([web, client], [named]);
    expect(evaluateNetworkPolicies(snap, tcp(at(client), at(web), 38001)).verdict).toBe('allowed');
    expect(evaluateNetworkPolicies(snap, tcp(at(client), at(web), 9153)).verdict).toBe('denied');
    expect(
      evaluateNetworkPolicies(snap, { from: at(client), to: at(web), port: 53, protocol: 'UDP' })
        .verdict,
    ).toBe('allowed');
    // `dns` is a UDP port: TCP/53 is not it.
    expect(evaluateNetworkPolicies(snap, tcp(at(client), at(web), 53)).verdict).toBe('denied');
  });

  it('endPort makes a range, both ends included (the documentation example 32000-32768)', () => {
    const range = policy('prod', 'multi-port-egress', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '10.0.0.0/24' } }],
          ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }],
        },
      ],
    });
    const snap = snapshotWith([client], [range]);
    const verdict = (port: number) =>
      evaluateNetworkPolicies(snap, tcp(at(client), address('10.0.0.5'), port)).verdict;
    expect([
      verdict(31999),
      verdict(32000),
      verdict(32500),
      verdict(32768),
      verdict(32769),
    ]).toEqual(['denied', 'allowed', 'allowed', 'allowed', 'denied']);
    expect(describeRule(range, 'egress', 0)).toBe('to ipBlock 10.0.0.0/24, on TCP/32000-32768');
  });

  it('a flow without a port is denied by a deny-all, unknown where a rule limits the port', () => {
    const limited = policy('prod', 'limited', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] },
      ],
    });
    const portless: PolicyFlow = { from: at(client), to: at(web), port: null, protocol: null };
    const out = evaluateNetworkPolicies(snapshotWith([web, client], [limited]), portless);
    expect(out.verdict).toBe('unknown');
    expect(out.ingress?.unknowns[0]).toMatch(/^the port and protocol of the traffic/);
    const deny = policy('prod', 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(evaluateNetworkPolicies(snapshotWith([web, client], [deny]), portless).verdict).toBe(
      'denied',
    );
  });
});

describe('evaluateNetworkPolicies: what always passes', () => {
  const deny = policy('prod', 'default-deny-all', {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
  });
  const a = pod('prod', 'a', { app: 'a' }, '10.244.1.70', 'node-1');

  it('a pod reaching itself (as through its own Service)', () => {
    const out = evaluateNetworkPolicies(snapshotWith([a], [deny]), tcp(at(a), at(a), 80));
    expect(out.verdict).toBe('allowed');
    expect(out.ingress?.reasons).toEqual(['a pod always reaches itself']);
  });

  it('traffic between a pod and its own node, but not another node', () => {
    const snap = snapshotWith([a], [deny]);
    const own = evaluateNetworkPolicies(snap, tcp(address('192.168.56.11', 'node-1'), at(a), 80));
    expect(own.verdict).toBe('allowed');
    const other = evaluateNetworkPolicies(snap, tcp(address('192.168.56.12', 'node-2'), at(a), 80));
    expect(other.verdict).toBe('denied');
    expect(
      evaluateNetworkPolicies(snap, tcp(at(a), address('192.168.56.11', 'node-1'), 10250)).verdict,
    ).toBe('allowed');
  });

  it('a host-network pod is its node: no policy selects it', () => {
    const hostPod: InventoryPod = {
      ...pod('prod', 'agent', { app: 'a' }, '192.168.56.12', 'node-2'),
      hostNetwork: true,
    };
    const out = evaluateNetworkPolicies(
      snapshotWith([a, hostPod], [deny]),
      tcp(at(a), at(hostPod), 80),
    );
    expect(out.ingress).toBeNull();
    expect(out.egress?.verdict).toBe('denied');
    expect(out.egress?.reasons[0]).toContain(
      'prod/default-deny-all (podSelector {}) has no egress rules',
    );
  });
});
