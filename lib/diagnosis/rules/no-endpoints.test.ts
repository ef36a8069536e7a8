import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventoryPod, InventorySnapshot } from '@/lib/inventory/types';
import { mergePath } from '@/lib/path';
import { recordedConnect } from '@/lib/path/__fixtures__/recordings';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import { expectedPath } from '@/lib/topology';
import type { ConnectSummary, TraceResult } from '@/lib/trace/types';
import { fixtureSnapshot } from '../../topology/__fixtures__/load';
import { diagnose } from '../diagnose';
import { extraMap, goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput } from '../types';
import { noEndpointsRule as rule } from './no-endpoints';

const demo = () => fixtureSnapshot('demo');

/** S6 as the lab ran it: the golden's path with podpath-connect's recorded refusals. */
function s6(snapshot?: InventorySnapshot): DiagnosisInput {
  const input = goldenInput('s6', snapshot);
  const connect = recordedConnect(
    'demo',
    { node: 'node-2', source: 'pod' },
    '10.96.77.7',
    8080,
    20,
  );
  expect([connect.succeeded, connect.attempts]).toEqual([
    input.result.connect?.succeeded,
    input.result.connect?.attempts,
  ]);
  return { ...input, result: { ...input.result, connect } };
}

/** A pod like httpd (node-1, declares port 80) under another name, labels and ports. */
function podLike(change: Partial<InventoryPod>): InventoryPod {
  const httpd = demo().pods.find((p) => p.name === 'httpd');
  if (!httpd) throw new Error('fixture lacks httpd');
  return { ...httpd, ...change };
}

/** The demo cluster with pods added and a Service changed. */
function changed(
  pods: InventoryPod[],
  service?: { name: string; change: Partial<InventorySnapshot['services'][number]> },
): InventorySnapshot {
  const snap = demo();
  return {
    ...snap,
    pods: [...snap.pods, ...pods],
    services: snap.services.map((s) =>
      service && s.name === service.name ? { ...s, ...service.change } : s,
    ),
  };
}

/** web-client -> a Service, through the pure stages, with a connect series of that outcome. */
function serviceTrace(
  snapshot: InventorySnapshot,
  ref: string,
  outcome: { ok: boolean; error?: string } | null,
): DiagnosisInput {
  const from = resolveEndpoint(parseEndpointRef('pod:default/web-client'), snapshot, 'from');
  const to = resolveEndpoint(parseEndpointRef(ref), snapshot, 'to');
  const expected = expectedPath(from, to, snapshot);
  const target = expected.connectTarget;
  const connect: ConnectSummary | null =
    outcome && target
      ? {
          target: target.ip,
          port: target.port,
          attempts: 4,
          succeeded: outcome.ok ? 4 : 0,
          results: Array.from({ length: 4 }, () =>
            outcome.ok ? { ok: true, ms: 2 } : { ok: false, ms: null, error: outcome.error },
          ),
        }
      : null;
  const merged = mergePath(expected, [], { traceReached: false, connect });
  const result = {
    ...goldenInput('s6').result,
    to: { ref, kind: 'service', ip: to.ip, node: null },
    path: merged.path,
    links: merged.links,
    status: merged.status,
    connect,
  } satisfies TraceResult;
  return { result, snapshot, expected, from, to };
}

const refused = { ok: false, error: 'Connection refused' };

describe('no-endpoints', () => {
  describe('S6: web-client -> default/legacy-api:8080, selector app=legacy-api matches no pod', () => {
    it('is an error on the link into the Service with the selector and the nearby labels', () => {
      const input = s6();
      expect(rule.applies(input)).toBe(true);
      const findings = rule.evaluate(input, extraMap());
      expect(findings).toHaveLength(1);
      const [finding] = findings;
      expect(finding?.rule).toBe('no-endpoints');
      expect(finding?.severity).toBe('error');
      expect(finding?.link).toBe(1);
      const link = input.result.links[finding?.link ?? -1];
      expect(input.result.path[link?.to ?? -1]?.id).toBe('service:default/legacy-api');
      expect(finding?.title).toBe(
        'No endpoints: default/legacy-api selects app=legacy-api, which no pod has',
      );
      expect(finding?.evidence).toEqual([
        'default/legacy-api: type ClusterIP, port 8080/TCP -> targetPort 8080, selector app=legacy-api',
        expect.stringMatching(/^EndpointSlice default\/legacy-api-[a-z0-9]+ lists no endpoints$/),
        'no pod in namespace default has app=legacy-api',
        // web-client carries app=legacy-client: the nearest miss comes first.
        expect.stringMatching(
          /^closest labels in namespace default: web-client has app=legacy-client \(the selector wants app=legacy-api\); /,
        ),
        'from default/web-client: 0 of 20 TCP connects to 10.96.77.7:8080 succeeded (20× Connection refused)',
        'refused at once: kube-proxy answers a Service without endpoints with a reject ("has no endpoints")',
      ]);
      expect(finding?.explanation).toContain('no pod in default has those labels');
      expect(finding?.explanation).not.toContain('Not confirmed');
    });

    it('fixes with a backend carrying the selector on the targetPort, and its Deployment', () => {
      const [finding] = rule.evaluate(s6(), extraMap());
      const [backend, ...more] = finding?.fix ?? [];
      // No pod in default serves 8080, so there is nothing to point the selector at instead.
      expect(more).toEqual([]);
      expect(backend?.commands).toEqual([
        'kubectl run legacy-api --namespace default --image=nginx --labels=app=legacy-api --port=8080',
        'kubectl -n default get endpointslices -l kubernetes.io/service-name=legacy-api',
      ]);
      expect(backend?.title).toContain('stock nginx answers on 80');
      expect(backend?.yaml).toContain('kind: Deployment');
      expect(backend?.yaml).toContain('app: "legacy-api"');
      expect(backend?.yaml).toContain('- containerPort: 8080');
    });

    it('points the selector at a pod that already serves 8080 under other labels', () => {
      const v2 = podLike({
        name: 'legacy-api-v2',
        labels: { app: 'legacy-api-v2', 'pod-template-hash': '5d9f7c' },
        ports: [{ containerPort: 8080, name: null, protocol: 'TCP' }],
      });
      const [finding] = rule.evaluate(s6(changed([v2])), extraMap());
      expect(finding?.evidence.join('\n')).toContain(
        'legacy-api-v2 has app=legacy-api-v2 (the selector wants app=legacy-api)',
      );
      const retarget = finding?.fix[1];
      expect(retarget?.title).toContain('point the selector at legacy-api-v2');
      // The controller's hash label is left out: it would pin one revision.
      expect(retarget?.commands).toEqual([
        `kubectl -n default patch service legacy-api --type=json -p '[{"op":"replace","path":"/spec/selector","value":{"app":"legacy-api-v2"}}]'`,
      ]);
    });

    it('says when the selected pods exist but are not ready', () => {
      const pending = podLike({
        name: 'legacy-api-7c9d',
        labels: { app: 'legacy-api' },
        ready: false,
        phase: 'Running',
        containers: [
          {
            name: 'api',
            ephemeral: false,
            image: 'legacy-api:1.0',
            ready: false,
            restartCount: 5,
            state: 'waiting',
            reason: 'CrashLoopBackOff',
            message: null,
            exitCode: null,
          },
        ],
      });
      const [finding] = rule.evaluate(s6(changed([pending])), extraMap());
      expect(finding?.title).toContain('are not ready');
      expect(finding?.evidence).toContain(
        'pods with app=legacy-api: legacy-api-7c9d (Running; api waiting: CrashLoopBackOff)',
      );
      expect(finding?.fix[0]?.commands).toEqual([
        'kubectl -n default describe pod legacy-api-7c9d',
        'kubectl -n default logs legacy-api-7c9d',
      ]);
    });

    it('names a pod with the selector’s labels in another namespace', () => {
      const elsewhere = podLike({
        namespace: 'legacy',
        name: 'api-0',
        labels: { app: 'legacy-api' },
      });
      const [finding] = rule.evaluate(s6(changed([elsewhere])), extraMap());
      expect(finding?.evidence).toContain(
        'legacy/api-0 has app=legacy-api, but a Service only selects pods of its own namespace (default)',
      );
    });

    it('is a warning that says what would confirm it when no connect ran', () => {
      const input = s6();
      const [finding] = rule.evaluate(
        { ...input, result: { ...input.result, connect: null } },
        extraMap(),
      );
      expect(finding?.severity).toBe('warning');
      expect(finding?.explanation).toContain(
        'What would confirm it: a connect to default/legacy-api',
      );
    });
  });

  describe('the other shapes', () => {
    it('a targetPort no container exposes: error on refusals, fix points it at the declared port', () => {
      const snapshot = changed([], {
        name: 'httpd',
        change: {
          ports: [{ name: null, port: 80, targetPort: 8080, nodePort: null, protocol: 'TCP' }],
        },
      });
      const input = serviceTrace(snapshot, 'service:default/httpd:80', refused);
      expect(rule.applies(input)).toBe(true);
      const [finding] = rule.evaluate(input, extraMap());
      expect(finding?.severity).toBe('error');
      expect(finding?.title).toBe("No endpoint serves default/httpd's targetPort 8080");
      expect(finding?.evidence).toContain("the ready endpoints' containers declare: httpd 80/TCP");
      expect(finding?.fix[0]?.commands).toEqual([
        `kubectl -n default patch service httpd --type=json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":80}]'`,
      ]);
      // Declarations are not proof: a timeout instead of a refusal leaves it a warning.
      const timedOut = serviceTrace(snapshot, 'service:default/httpd:80', {
        ok: false,
        error: 'timed out',
      });
      expect(rule.evaluate(timedOut, extraMap())[0]?.severity).toBe('warning');
    });

    it('internalTrafficPolicy Local with no endpoint on the caller’s node', () => {
      const snapshot = changed([], { name: 'httpd', change: { internalTrafficPolicy: 'Local' } });
      const input = serviceTrace(snapshot, 'service:default/httpd:80', {
        ok: false,
        error: 'timed out',
      });
      const [finding] = rule.evaluate(input, extraMap());
      expect(finding?.title).toBe(
        'No endpoints on node-2: default/httpd has internalTrafficPolicy Local',
      );
      expect(finding?.fix[0]?.commands).toEqual([
        `kubectl -n default patch service httpd -p '{"spec":{"internalTrafficPolicy":"Cluster"}}'`,
      ]);
    });
  });

  describe('must not fire', () => {
    it('when the Service has ready endpoints (web-client -> httpd)', async () => {
      const input = serviceTrace(demo(), 'service:default/httpd:80', { ok: true });
      expect(rule.applies(input)).toBe(false);
      expect((await diagnose(input, [rule], async () => new Map())).findings).toEqual([]);
    });

    it('when the connects get through after all (the inventory was behind)', () => {
      const input = serviceTrace(demo(), 'service:default/legacy-api:8080', { ok: true });
      expect(rule.applies(input)).toBe(true);
      expect(rule.evaluate(input, extraMap())).toEqual([]);
    });

    it('on a non-Service target (S1, pod to pod)', () => {
      expect(rule.applies(goldenInput('s1'))).toBe(false);
    });

    it('on any other scenario: only S6 yields it, S1 nothing', async () => {
      const dir = fileURLToPath(new URL('../../path/__golden__/', import.meta.url));
      const names = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''));
      expect(names).toContain('s1');
      for (const name of names) {
        const out = await diagnose(goldenInput(name), [rule], async () => new Map());
        expect(
          out.findings.map((f) => f.rule),
          name,
        ).toEqual(name === 's6' ? ['no-endpoints'] : []);
      }
    });
  });
});
