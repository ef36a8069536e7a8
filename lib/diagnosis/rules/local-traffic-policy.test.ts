import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { mergePath } from '@/lib/path';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import { expectedPath } from '@/lib/topology';
import type { ConnectSummary, TraceResult } from '@/lib/trace/types';
import { fixtureSnapshot } from '../../topology/__fixtures__/load';
import { diagnose } from '../diagnose';
import { extraFailed, extraFromGolden, extraMap, goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput, ExtraProbeRequest } from '../types';
import { localTrafficPolicyRule as rule } from './local-traffic-policy';

const demo = () => fixtureSnapshot('demo');

/** The demo cluster with one Service changed. */
function withService(
  name: string,
  change: Partial<InventorySnapshot['services'][number]>,
): InventorySnapshot {
  const snap = demo();
  return {
    ...snap,
    services: snap.services.map((s) => (s.name === name ? { ...s, ...change } : s)),
  };
}

function onlyRequest(input: DiagnosisInput): ExtraProbeRequest {
  const requests = rule.probes?.(input) ?? [];
  expect(requests).toHaveLength(1);
  const [request] = requests;
  if (!request) throw new Error('no request');
  return request;
}

describe('local-traffic-policy', () => {
  describe('S3: web-client (node-2) -> 192.168.56.240:80, endpoint only on node-1', () => {
    const input = goldenInput('s3');

    it('applies and asks for a connect to the LB IP from a pod on node-1', () => {
      expect(rule.applies(input)).toBe(true);
      const request = onlyRequest(input);
      // Beside an ordinary pod of node-1, not the endpoint itself.
      expect(request.from).toEqual({ kind: 'pod', namespace: 'default', name: 'httpd' });
      expect(request.kind).toBe('connect');
      expect(request.target).toEqual({ ip: '192.168.56.240', port: 80 });
    });

    it('is an error on the link into the LoadBalancer when node-1 gets through', () => {
      const request = onlyRequest(input);
      const [finding, ...more] = rule.evaluate(
        input,
        extraMap(extraFromGolden(request, 's3-from-node-1')),
      );
      expect(more).toEqual([]);
      expect(finding?.rule).toBe('local-traffic-policy');
      expect(finding?.severity).toBe('error');
      expect(finding?.link).toBe(1);
      expect(input.result.path[input.result.links[1]?.to ?? -1]?.id).toBe(
        'loadbalancer:192.168.56.240',
      );
      expect(finding?.title).toContain('node-2 has no endpoint of kube-system/nginx-ingress-lb');
      expect(finding?.evidence).toEqual(
        expect.arrayContaining([
          expect.stringContaining(
            'externalTrafficPolicy Local, LoadBalancer ingress 192.168.56.240',
          ),
          expect.stringMatching(
            /10\.244\.1\.5 \(kube-system\/nginx-ingress-controller-7d9fb\) on node-1; none on node-2/,
          ),
          expect.stringContaining(
            'web-client on node-2: 0 of 20 TCP connects to 192.168.56.240:80 succeeded',
          ),
          expect.stringContaining('reached the endpoint 10.244.1.5'),
          expect.stringMatching(
            /probe pod beside default\/httpd .*: 20 of 20 TCP connects to 192\.168\.56\.240:80 succeeded/,
          ),
        ]),
      );
      expect(finding?.explanation).toContain('externalTrafficPolicy: Local');
      expect(finding?.explanation).not.toContain('Not confirmed');
      expect(finding?.fix[0]?.commands).toEqual([
        `kubectl -n kube-system patch service nginx-ingress-lb -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'`,
      ]);
      expect(finding?.fix[0]?.title).toContain('source IP');
      expect(finding?.fix[1]?.title).toContain(
        'nginx-ingress-lb.kube-system.svc.cluster.local:80 (ClusterIP 10.96.50.5:80)',
      );
      expect(finding?.fix[1]?.commands).toEqual([
        'npx podpath trace pod:default/web-client dns:nginx-ingress-lb.kube-system.svc.cluster.local:80',
      ]);
    });

    it('is a warning saying what would confirm it when the comparison could not run', () => {
      const request = onlyRequest(input);
      for (const extra of [extraMap(), extraMap(extraFailed(request, 'probe pod unschedulable'))]) {
        const [finding] = rule.evaluate(input, extra);
        expect(finding?.severity).toBe('warning');
        expect(finding?.link).toBe(1);
        expect(finding?.explanation).toContain(
          'What would confirm it: a connect to 192.168.56.240:80 from a probe pod beside default/httpd',
        );
      }
    });

    it('is a warning when the comparison from node-1 fails as well', () => {
      const request = onlyRequest(input);
      // S3's own connects (0 of 20) stand in for a node-1 that does not get through either.
      const [finding] = rule.evaluate(input, extraMap(extraFromGolden(request, 's3')));
      expect(finding?.severity).toBe('warning');
      expect(finding?.explanation).toContain('the comparison failed as well');
    });

    it('says nothing when the connects got through', () => {
      const connect = input.result.connect as ConnectSummary;
      const through: DiagnosisInput = {
        ...input,
        result: {
          ...input.result,
          connect: {
            ...connect,
            succeeded: 20,
            results: connect.results.map(() => ({ ok: true, ms: 1 })),
          },
        },
      };
      expect(rule.probes?.(through)).toEqual([]);
      expect(rule.evaluate(through, extraMap())).toEqual([]);
    });

    it('runs through diagnose() with the engine asking for its probe once', async () => {
      const asked: string[] = [];
      const out = await diagnose(input, [rule], async (requests) => {
        asked.push(...requests.map((r) => r.key));
        return extraMap(...requests.map((r) => extraFromGolden(r, 's3-from-node-1')));
      });
      expect(asked).toEqual(['connect:pod:default/httpd->192.168.56.240:80']);
      expect(out.findings.map((f) => [f.rule, f.severity, f.link])).toEqual([
        ['local-traffic-policy', 'error', 1],
      ]);
    });
  });

  it('does not fire from a pod on node-1, which has the endpoint', () => {
    const input = goldenInput('s3-from-node-1');
    expect(rule.applies(input)).toBe(false);
    expect(rule.evaluate(input, extraMap())).toEqual([]);
  });

  it('does not fire when the policy is Cluster', () => {
    const input = goldenInput(
      's3',
      withService('nginx-ingress-lb', { externalTrafficPolicy: 'Cluster' }),
    );
    expect(rule.applies(input)).toBe(false);
    expect(rule.evaluate(input, extraMap())).toEqual([]);
  });

  it('does not fire for ClusterIP targets, nor for the Cluster-policy LoadBalancer of S4', () => {
    for (const name of ['s2', 's6', 's4-from-pod']) {
      expect(rule.applies(goldenInput(name)), name).toBe(false);
    }
  });

  it('does not fire from the host network, which kube-proxy sends to any endpoint', () => {
    // S4's LoadBalancer made Local with its only endpoint on node-1: my-pod (hostNetwork,
    // node-2) is still not subject to the policy.
    const snap = withService('k8s-go-demo-slb', { externalTrafficPolicy: 'Local' });
    const local: InventorySnapshot = {
      ...snap,
      endpointSlices: snap.endpointSlices.map((s) =>
        s.serviceName === 'k8s-go-demo-slb'
          ? { ...s, endpoints: s.endpoints.filter((e) => e.nodeName === 'node-1') }
          : s,
      ),
    };
    const fromPod = goldenInput('s4-from-pod', local);
    expect(rule.applies(fromPod)).toBe(true);
    expect(rule.applies(goldenInput('s4', local))).toBe(false);
  });

  it('yields nothing on any other scenario golden', () => {
    const dir = fileURLToPath(new URL('../../path/__golden__/', import.meta.url));
    const names = readdirSync(dir)
      .map((f) => f.replace(/\.json$/, ''))
      .filter((n) => n !== 's3');
    expect(names).toContain('s1');
    for (const name of names) {
      const input = goldenInput(name);
      const findings = rule.applies(input) ? rule.evaluate(input, extraMap()) : [];
      expect(findings, name).toEqual([]);
    }
  });

  describe('NodePort 30080 of node-2 from web-client (Local, endpoint only on node-1)', () => {
    function nodePortInput(succeeded: number): DiagnosisInput {
      const snapshot = demo();
      const from = resolveEndpoint(parseEndpointRef('pod:default/web-client'), snapshot, 'from');
      const to = resolveEndpoint(parseEndpointRef('ip:192.168.56.12:30080'), snapshot, 'to');
      const expected = expectedPath(from, to, snapshot);
      const connect: ConnectSummary = {
        target: '192.168.56.12',
        port: 30080,
        attempts: 4,
        succeeded,
        results: [0, 1, 2, 3].map((i) => ({ ok: i < succeeded, ms: null })),
      };
      const merged = mergePath(expected, [], { traceReached: false, connect });
      const result = {
        ...goldenInput('s3').result,
        to: { ref: 'ip:192.168.56.12:30080', kind: 'ip', ip: '192.168.56.12', node: 'node-2' },
        path: merged.path,
        links: merged.links,
        status: merged.status,
        hops: [],
        connect,
      } satisfies TraceResult;
      return { result, snapshot, expected, from, to };
    }

    it("compares with node-1's NodePort from the same caller, on the link into the Service", () => {
      const input = nodePortInput(0);
      expect(rule.applies(input)).toBe(true);
      const request = onlyRequest(input);
      expect(request.from).toEqual({ kind: 'pod', namespace: 'default', name: 'web-client' });
      expect(request.target).toEqual({ ip: '192.168.56.11', port: 30080 });
      const [finding] = rule.evaluate(input, extraMap());
      expect(finding?.severity).toBe('warning');
      expect(finding?.title).toContain('Local-policy NodePort 30080 on node-2');
      const link = input.result.links[finding?.link ?? -1];
      expect(input.result.path[link?.to ?? -1]?.id).toBe('service:kube-system/nginx-ingress-lb');
    });

    it('says nothing when the NodePort answers', () => {
      expect(rule.evaluate(nodePortInput(4), extraMap())).toEqual([]);
    });
  });
});
