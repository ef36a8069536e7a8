/**
 * The `dns` rule on lookups that failed from the source. The nslookup outputs in
 * __fixtures__/nslookup are busybox's and bind's own, captured by capture.sh there against the
 * lab's cluster DNS with the demo cluster's records; the results around them are what
 * lib/engine/pipeline.ts returns when a dns: target does not resolve (the expected path drawn
 * before the lookup, links unknown, raw.dns and the engine's note).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNslookup } from '@/lib/engine/dns-output';
import { endpointView, pathView, unknownLinks } from '@/lib/engine/pipeline';
import type { InventoryPod, InventorySnapshot } from '@/lib/inventory/types';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import { parseKnownHosts } from '@/lib/resolve';
import { expectedPath } from '@/lib/topology';
import type { TraceResult } from '@/lib/trace/types';
import { KNOWN_HOSTS, TRACE_CASES } from '../../topology/__fixtures__/cases';
import { fixtureSnapshot } from '../../topology/__fixtures__/load';
import { diagnose } from '../diagnose';
import { extraFailed, extraMap, goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult } from '../types';
import { dnsRule as rule } from './dns';

function output(file: string): string {
  return readFileSync(new URL(`./__fixtures__/nslookup/${file}`, import.meta.url), 'utf8');
}

/** The demo cluster with a pod in namespace `secure` to look names up from. */
function withSecureClient(snap = fixtureSnapshot('demo')): InventorySnapshot {
  const web = snap.pods.find((p) => p.name === 'web-client');
  if (!web) throw new Error('no web-client');
  const client: InventoryPod = {
    ...web,
    namespace: 'secure',
    name: 'client',
    uid: 'secure-client',
    ip: '10.244.2.30',
    ips: ['10.244.2.30'],
    labels: { app: 'client' },
  };
  return { ...snap, pods: [...snap.pods, client] };
}

/** What the pipeline returns when the lookup of a dns: target printed `dns` and no address. */
function failedLookup(
  fromRef: string,
  toRef: string,
  dns: string | null,
  snapshot = withSecureClient(),
): DiagnosisInput {
  const from = resolveEndpoint(parseEndpointRef(fromRef), snapshot, 'from');
  const to = resolveEndpoint(parseEndpointRef(toRef), snapshot, 'to');
  const expected = expectedPath(from, to, snapshot, {
    knownHosts: parseKnownHosts(KNOWN_HOSTS.demo),
  });
  const path = pathView(expected.elements);
  const error = dns === null ? 'NXDOMAIN' : parseNslookup(dns).error;
  const result: TraceResult = {
    id: 'test',
    createdAt: '2026-01-01T00:00:00Z',
    cluster: 'demo',
    from: endpointView(from),
    to: endpointView(to),
    strategy: 'pod',
    status: 'unreachable',
    hops: [],
    path,
    links: unknownLinks(path.length),
    findings: [],
    connect: null,
    notes: [...expected.notes, `${to.name ?? ''} did not resolve from the source: ${error}`],
    error: null,
    raw: dns === null ? {} : { dns },
  };
  return { result, snapshot, expected, from, to };
}

function lookupResult(request: ExtraProbeRequest, file: string): ExtraProbeResult {
  const raw = output(file);
  return {
    request,
    ok: true,
    error: null,
    hops: [],
    reached: false,
    connect: null,
    addresses: parseNslookup(raw).addresses,
    raw,
  };
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error('none');
  return item;
}

const WEB = 'pod:default/web-client';
const SECURE = 'pod:secure/client';

describe('dns', () => {
  describe('an outside machine the cluster DNS does not know: legacy-db', () => {
    for (const [file, code] of [
      ['busybox-legacy-db-nxdomain.txt', 'NXDOMAIN'],
      ['bind-legacy-db-servfail.txt', 'SERVFAIL'],
    ] as const) {
      it(`${file}: an error on the first link, with the CoreDNS hosts entry as the fix`, () => {
        const input = failedLookup(WEB, 'dns:legacy-db:5432', output(file));
        expect(input.result.links).toHaveLength(2);
        expect(rule.applies(input)).toBe(true);
        // Nothing in the cluster to suggest, so nothing to confirm with another lookup.
        expect(rule.probes?.(input)).toEqual([]);
        const finding = only(rule.evaluate(input, new Map()));
        expect(finding).toMatchObject({
          rule: 'dns',
          severity: 'error',
          link: 0,
          title: `legacy-db does not resolve from default/web-client (${code})`,
        });
        expect(finding.evidence[0]).toMatch(
          /^nslookup legacy-db from default\/web-client \(server 10\.96\.0\.10\): (NXDOMAIN|SERVFAIL)/,
        );
        expect(finding.evidence[1]).toMatch(/^as printed: /);
        expect(finding.evidence[1]).toContain(`can't find legacy-db`);
        expect(finding.evidence).toContain(
          'the server is the cluster DNS, kube-system/kube-dns (ClusterIP 10.96.0.10, 1 ready endpoint(s))',
        );
        expect(finding.evidence).toContain(
          'a pod in namespace default looks a short name up as legacy-db.default.svc.cluster.local, legacy-db.svc.cluster.local, legacy-db.cluster.local, then legacy-db itself',
        );
        expect(finding.evidence).toContain(
          'no Service of the cluster is named legacy-db or close to it',
        );
        const [hosts, ...more] = finding.fix;
        expect(more).toEqual([]);
        expect(hosts?.commands).toEqual(['kubectl -n kube-system edit configmap coredns']);
        expect(hosts?.yaml).toContain(
          '    .:53 {\n        hosts {\n            <ADDRESS> legacy-db\n            fallthrough\n        }\n',
        );
        expect(hosts?.title).toContain('podpath does not know it');
        expect(hosts?.title).toContain('reload');
        expect(hosts?.title).toContain('kubectl -n kube-system rollout restart deployment coredns');
      });
    }

    it('quotes busybox once per line, not once per query type', () => {
      const input = failedLookup(WEB, 'dns:legacy-db', output('busybox-legacy-db-nxdomain.txt'));
      const finding = only(rule.evaluate(input, new Map()));
      expect(finding.evidence[1]).toBe(
        "as printed: Server: 10.96.0.10 · Address: 10.96.0.10:53 · ** server can't find legacy-db.default.svc.cluster.local: NXDOMAIN · ** server can't find legacy-db.svc.cluster.local: NXDOMAIN · ** server can't find legacy-db.cluster.local: NXDOMAIN",
      );
    });

    it("fills the hosts entry when the name is a node's", () => {
      const input = failedLookup(
        WEB,
        'dns:node-1',
        output('busybox-legacy-db-nxdomain.txt').replaceAll('legacy-db', 'node-1'),
      );
      const finding = only(rule.evaluate(input, new Map()));
      expect(finding.fix[0]?.yaml).toContain('            192.168.56.11 node-1\n');
    });
  });

  describe('a short name searched from another namespace: httpd from secure/client', () => {
    for (const file of [
      'busybox-httpd-from-secure-nxdomain.txt',
      'bind-httpd-from-secure-servfail.txt',
    ]) {
      it(`${file}: names the Service in default and asks to confirm its full name`, () => {
        const input = failedLookup(SECURE, 'dns:httpd:80', output(file));
        const request = only(rule.probes?.(input) ?? []);
        expect(request).toEqual({
          key: 'dns:pod:secure/client->httpd.default.svc.cluster.local',
          from: { kind: 'pod', namespace: 'secure', name: 'client' },
          kind: 'dns',
          target: { name: 'httpd.default.svc.cluster.local' },
          why: 'lookup of the suggested name httpd.default.svc.cluster.local',
        });
        // The same client's own lookup of the full name, captured the same way.
        const finding = only(
          rule.evaluate(input, extraMap(lookupResult(request, 'bind-httpd-resolved.txt'))),
        );
        expect(finding.title).toMatch(
          /^httpd does not resolve from secure\/client \((NXDOMAIN|SERVFAIL)\): Service httpd is in namespace default$/,
        );
        expect(finding.evidence).toContain(
          'a pod in namespace secure looks a short name up as httpd.secure.svc.cluster.local, httpd.svc.cluster.local, httpd.cluster.local, then httpd itself',
        );
        expect(finding.evidence).toContain(
          'Service httpd exists in namespace default: httpd.default.svc.cluster.local (ClusterIP 10.96.100.10)',
        );
        expect(finding.evidence).toContain(
          'from secure/client, httpd.default.svc.cluster.local resolves to 10.96.100.10',
        );
        expect(finding.explanation).toContain('does resolve from the source');
        // A bare name: the full name is the fix; no hosts entry, no rewrite of a search name.
        const fix = only(finding.fix);
        expect(fix.title).toContain('Call httpd.default.svc.cluster.local:80 instead of httpd');
        expect(fix.title).toContain("searched only in the caller's namespace secure");
        expect(fix.commands).toEqual([
          'npx podpath trace pod:secure/client dns:httpd.default.svc.cluster.local:80',
        ]);
      });
    }

    it('without the confirming lookup it says what would confirm it', async () => {
      const input = failedLookup(
        SECURE,
        'dns:httpd',
        output('busybox-httpd-from-secure-nxdomain.txt'),
      );
      const request = only(rule.probes?.(input) ?? []);
      const finding = only(rule.evaluate(input, extraMap(extraFailed(request, 'RBAC: forbidden'))));
      expect(finding.evidence).toContain(
        'the lookup of httpd.default.svc.cluster.local from secure/client could not run: RBAC: forbidden',
      );
      expect(finding.explanation).toContain(
        'What would confirm it: a lookup of httpd.default.svc.cluster.local from the source that answers',
      );
      // Through the runner: the probe is asked for once, and its raw output kept.
      const out = await diagnose(input, [rule], async (requests) =>
        extraMap(...requests.map((r) => lookupResult(r, 'bind-httpd-resolved.txt'))),
      );
      expect(out.findings.map((f) => [f.rule, f.severity, f.link])).toEqual([['dns', 'error', 0]]);
      expect(Object.keys(out.raw)).toEqual([request.key]);
    });
  });

  it('a full name in the wrong namespace: the right one, or a rewrite onto it', () => {
    const input = failedLookup(
      WEB,
      'dns:httpd.secure.svc.cluster.local',
      output('bind-wrong-namespace-fqdn-nxdomain.txt'),
    );
    const finding = only(rule.evaluate(input, new Map()));
    expect(finding.title).toBe(
      'httpd.secure.svc.cluster.local does not resolve from default/web-client (NXDOMAIN): Service httpd is in namespace default',
    );
    const [fqdn, rewrite, ...more] = finding.fix;
    expect(more).toEqual([]);
    expect(fqdn?.title).toContain('Call httpd.default.svc.cluster.local instead');
    expect(rewrite?.yaml).toContain(
      '        rewrite name httpd.secure.svc.cluster.local httpd.default.svc.cluster.local\n',
    );
    expect(rewrite?.commands).toEqual(['kubectl -n kube-system edit configmap coredns']);
  });

  it('a name one letter off a Service: the Service', () => {
    const input = failedLookup(WEB, 'dns:htpd', output('busybox-typo-nxdomain.txt'));
    const finding = only(rule.evaluate(input, new Map()));
    expect(finding.title).toBe(
      'htpd does not resolve from default/web-client (NXDOMAIN): did you mean httpd.default.svc.cluster.local?',
    );
    expect(finding.fix.map((f) => f.commands?.[0])).toEqual([
      'npx podpath trace pod:default/web-client dns:httpd.default.svc.cluster.local',
    ]);
  });

  describe('an outside name (article 002: demo.api.com)', () => {
    it('with no Service of its first label: a hosts entry', () => {
      const input = failedLookup(WEB, 'dns:demo.api.com', output('busybox-demo-api-servfail.txt'));
      const finding = only(rule.evaluate(input, new Map()));
      expect(finding.title).toBe(
        'demo.api.com does not resolve from default/web-client (SERVFAIL)',
      );
      expect(finding.evidence).toContain(
        'demo.api.com is not a cluster name, and no Service is named after its first label: CoreDNS asks its upstream (forward) for it',
      );
      expect(finding.fix.map((f) => f.yaml?.includes('<ADDRESS> demo.api.com'))).toEqual([true]);
    });

    it('with a Service named demo: the rewrite onto it', () => {
      const snap = withSecureClient();
      const httpd = snap.services.find((s) => s.name === 'httpd');
      if (!httpd) throw new Error('no httpd');
      const demo = { ...httpd, name: 'demo', clusterIP: '10.96.100.20' };
      const input = failedLookup(WEB, 'dns:demo.api.com', output('busybox-demo-api-servfail.txt'), {
        ...snap,
        services: [...snap.services, demo],
      });
      const request = only(rule.probes?.(input) ?? []);
      expect(request.target).toEqual({ name: 'demo.default.svc.cluster.local' });
      const finding = only(rule.evaluate(input, new Map()));
      expect(finding.title).toBe(
        'demo.api.com does not resolve from default/web-client (SERVFAIL): the cluster knows it only as demo.default.svc.cluster.local',
      );
      const fix = only(finding.fix);
      expect(fix.yaml).toContain(
        '        rewrite name demo.api.com demo.default.svc.cluster.local\n',
      );
      expect(fix.title).toContain("turns the answer's name back");
    });
  });

  describe('no DNS server answered', () => {
    for (const file of ['bind-legacy-db-timeout.txt', 'busybox-legacy-db-timeout.txt']) {
      it(`${file}: an error about the cluster DNS, no name suggestion, no lookup asked`, () => {
        const input = failedLookup(WEB, 'dns:legacy-db', output(file));
        expect(rule.probes?.(input)).toEqual([]);
        const finding = only(rule.evaluate(input, new Map()));
        expect(finding.title).toBe(
          'legacy-db does not resolve from default/web-client: no DNS server answered',
        );
        expect(finding.evidence[0]).toBe(
          'nslookup legacy-db from default/web-client (no server named in the output): no DNS server answered',
        );
        expect(finding.evidence).toContain(
          'the cluster DNS is kube-system/kube-dns (ClusterIP 10.96.0.10, 1 ready endpoint(s))',
        );
        expect(only(finding.fix).commands).toEqual([
          'kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide',
          'kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns',
          'kubectl -n kube-system rollout restart deployment coredns',
        ]);
      });
    }

    it('says when kube-dns has no ready endpoint', () => {
      const snap = withSecureClient();
      const input = failedLookup(WEB, 'dns:legacy-db', output('bind-legacy-db-timeout.txt'), {
        ...snap,
        endpointSlices: snap.endpointSlices.map((s) =>
          s.serviceName === 'kube-dns'
            ? { ...s, endpoints: s.endpoints.map((e) => ({ ...e, ready: false })) }
            : s,
        ),
      });
      const finding = only(rule.evaluate(input, new Map()));
      expect(finding.evidence).toContain(
        'the cluster DNS kube-system/kube-dns (ClusterIP 10.96.0.10, 0 ready endpoint(s)) has no ready endpoint: no CoreDNS pod is there to answer',
      );
    });

    it('names a NetworkPolicy that drops the queries and gives the egress rule for UDP/53', () => {
      const snap = withSecureClient();
      const deny = {
        namespace: 'default',
        name: 'default-deny-egress',
        podSelector: {},
        policyTypes: ['Egress' as const],
        ingress: [],
        egress: [],
      };
      const input = failedLookup(WEB, 'dns:legacy-db', output('busybox-legacy-db-timeout.txt'), {
        ...snap,
        networkPolicies: [deny],
      });
      const finding = only(rule.evaluate(input, new Map()));
      expect(finding.evidence).toContain(
        'NetworkPolicy default/default-deny-egress admits no UDP/53 from default/web-client (run=web-client,app=legacy-client) to the CoreDNS pods: the queries are dropped',
      );
      // The policy explains the silence: its allow rule is the one fix.
      const allow = only(finding.fix);
      expect(allow.commands).toEqual(['kubectl apply -f -']);
      expect(allow.yaml).toContain(
        '  name: allow-web-client-egress-to-kube-dns\n  namespace: default\n',
      );
      expect(allow.yaml).toContain(
        '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n',
      );
      expect(allow.yaml).toContain('        - protocol: UDP\n          port: 53\n');
    });
  });

  it("a host-network pod asking its node's resolver for a cluster name: dnsPolicy", () => {
    const input = failedLookup(
      'pod:default/my-pod',
      'dns:httpd.default.svc.cluster.local',
      output('bind-node-resolver-fqdn-nxdomain.txt'),
    );
    // Another name through the same resolver would fail alike: nothing worth a probe.
    expect(rule.probes?.(input)).toEqual([]);
    const finding = only(rule.evaluate(input, new Map()));
    expect(finding.title).toBe(
      'httpd.default.svc.cluster.local does not resolve from default/my-pod (NXDOMAIN): it asked 192.168.56.1, not the cluster DNS',
    );
    expect(finding.evidence).toContain(
      'the lookup went to 192.168.56.1, not the cluster DNS kube-system/kube-dns (ClusterIP 10.96.0.10, 1 ready endpoint(s)): the source does not use cluster DNS, so no cluster name resolves there',
    );
    expect(finding.evidence).toContain(
      'the name is right: Service default/httpd exists (httpd.default.svc.cluster.local)',
    );
    expect(only(finding.fix).yaml).toContain('  dnsPolicy: ClusterFirstWithHostNet\n');
  });

  it('reads the engine note when the raw lookup is not kept', () => {
    const input = failedLookup(WEB, 'dns:legacy-db', null);
    const finding = only(rule.evaluate(input, new Map()));
    expect(finding.evidence[1]).toBe(
      'the engine noted: legacy-db did not resolve from the source: NXDOMAIN',
    );
  });

  describe('must not fire', () => {
    for (const file of ['busybox-httpd-resolved.txt', 'bind-httpd-resolved.txt']) {
      it(`when the name resolved (${file}), even with busybox's NXDOMAIN lines for other search names`, () => {
        const input = failedLookup(WEB, 'dns:httpd', output(file));
        expect(rule.applies(input)).toBe(false);
        expect(rule.evaluate(input, new Map())).toEqual([]);
        // As the engine really hands it over: the address filled in.
        const resolved = {
          ...input,
          result: { ...input.result, to: { ...input.result.to, ip: '10.96.100.10' } },
        };
        expect(rule.applies(resolved)).toBe(false);
      });
    }

    it('when the output is no lookup at all (the tool is missing)', () => {
      const input = failedLookup(WEB, 'dns:legacy-db', 'nslookup: not found\n');
      expect(rule.applies(input)).toBe(false);
    });

    it('for targets that are not dns: names, whatever raw.dns holds', () => {
      const s1 = goldenInput('s1');
      const withDns = {
        ...s1,
        result: { ...s1.result, raw: { dns: output('bind-legacy-db-servfail.txt') } },
      };
      expect(rule.applies(withDns)).toBe(false);
      for (const c of TRACE_CASES) {
        const input = goldenInput(c.name);
        expect(rule.applies(input), c.name).toBe(false);
        expect(rule.evaluate(input, new Map()), c.name).toEqual([]);
      }
    });
  });
});
