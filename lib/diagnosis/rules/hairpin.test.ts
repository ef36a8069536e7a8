import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { mergePath } from '@/lib/path';
import { recordedConnect } from '@/lib/path/__fixtures__/recordings';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import { expectedPath } from '@/lib/topology';
import type { ConnectSummary, TraceResult } from '@/lib/trace/types';
import { fixtureSnapshot } from '../../topology/__fixtures__/load';
import { diagnose } from '../diagnose';
import { extraFailed, extraFromGolden, extraMap, goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult } from '../types';
import { hairpinRule as rule } from './hairpin';

const FXRQL = 'k8s-go-demo-deploy-66cdbcd8d9-fxrql';
const HEADLESS = 'k8s-go-demo-svc-headless.default.svc.cluster.local';

/**
 * S2 as the lab ran it: the golden's merged path with podpath-connect's recorded run from fxrql
 * itself (17 of 20, three timeouts and five connects that took a resent SYN).
 */
function s2(snapshot?: InventorySnapshot): DiagnosisInput {
  const input = goldenInput('s2', snapshot);
  const connect = recordedConnect(
    'demo',
    { node: 'node-1', source: `pod:default/${FXRQL}` },
    '10.96.212.203',
    80,
    20,
  );
  // The recording is what the golden was merged from.
  expect([connect.succeeded, connect.attempts]).toEqual([
    input.result.connect?.succeeded,
    input.result.connect?.attempts,
  ]);
  return { ...input, result: { ...input.result, connect } };
}

function withConnect(input: DiagnosisInput, ok: boolean[]): DiagnosisInput {
  const connect: ConnectSummary = {
    target: '10.96.212.203',
    port: 80,
    attempts: ok.length,
    succeeded: ok.filter(Boolean).length,
    results: ok.map((o) => (o ? { ok: true, ms: 4 } : { ok: false, ms: null, error: 'timed out' })),
  };
  return { ...input, result: { ...input.result, connect } };
}

function onlyRequest(input: DiagnosisInput): ExtraProbeRequest {
  const requests = rule.probes?.(input) ?? [];
  expect(requests).toHaveLength(1);
  const [request] = requests;
  if (!request) throw new Error('no request');
  return request;
}

const demo = () => fixtureSnapshot('demo');

function connectResult(request: ExtraProbeRequest, ok: number, total: number): ExtraProbeResult {
  return {
    request,
    ok: true,
    error: null,
    hops: [],
    reached: false,
    connect: {
      target: request.target.ip ?? request.target.name ?? '',
      port: request.target.port ?? 0,
      attempts: total,
      succeeded: ok,
      results: Array.from({ length: total }, (_, i) =>
        i < ok ? { ok: true, ms: 3 } : { ok: false, ms: null, error: 'timed out' },
      ),
    },
    addresses: [],
    raw: '',
  };
}

describe('hairpin', () => {
  describe('S2: fxrql -> k8s-go-demo-svc:80, fxrql is one of its two endpoints', () => {
    it('applies and asks for the headless-name check from fxrql itself', () => {
      const input = s2();
      expect(rule.applies(input)).toBe(true);
      const request = onlyRequest(input);
      expect(request.from).toEqual({ kind: 'pod', namespace: 'default', name: FXRQL });
      expect(request.kind).toBe('connect');
      // The headless name goes to the pods' own port: nothing translates 80 to 38001 there.
      expect(request.target).toEqual({ name: HEADLESS, port: 38001 });
    });

    it('is an error on the link into the Service when the headless name always works', () => {
      const input = s2();
      const request = onlyRequest(input);
      // The lab's own S2 headless trace: every connect straight to the other pod succeeded.
      const findings = rule.evaluate(input, extraMap(extraFromGolden(request, 's2-headless')));
      expect(findings).toHaveLength(1);
      const [finding] = findings;
      expect(finding?.rule).toBe('hairpin');
      expect(finding?.severity).toBe('error');
      expect(finding?.link).toBe(1);
      const link = input.result.links[finding?.link ?? -1];
      expect(input.result.path[link?.to ?? -1]?.id).toBe('service:default/k8s-go-demo-svc');
      expect(link?.state).toBe('intermittent');

      const evidence = finding?.evidence.join('\n') ?? '';
      expect(evidence).toContain(
        `default/${FXRQL} (10.244.1.4 on node-1) is one of the 2 ready endpoints`,
      );
      expect(evidence).toContain('tagged hairpin-candidate');
      const connect = input.result.connect;
      if (!connect) throw new Error('S2 has connects');
      const failed = connect.attempts - connect.succeeded;
      expect(evidence).toContain(
        `${connect.succeeded} of 20 TCP connects to 10.96.212.203:80 succeeded (${failed}× timed out)`,
      );
      // Connects that took a resent SYN (~1 s) lost their first SYN to the loop as well.
      const slow = connect.results.filter((r) => r.ok && (r.ms ?? 0) > 900).length;
      expect(slow).toBeGreaterThan(0);
      expect(evidence).toMatch(
        new RegExp(`${slow} more succeeded only after about a second \\(\\d+–\\d+ ms\\)`),
      );
      expect(evidence).toContain(`${failed} of 20 connects failed, and ${slow} more`);
      expect(evidence).toContain(`So ${failed + slow} of 20 first tries went astray`);
      expect(evidence).toContain('1 in 2 (50%) expected');
      expect(evidence).toContain('consistent with the loop back to the caller');
      expect(evidence).toContain('the CNI is flannel');
      expect(evidence).toContain(`4 of 4 TCP connects to 10.244.2.4:38001 succeeded`);
      expect(finding?.explanation).not.toContain('Not confirmed');
    });

    it('fixes with hairpinMode in kube-flannel-cfg, the per-node loop, and the headless name', () => {
      const input = s2();
      const request = onlyRequest(input);
      const [finding] = rule.evaluate(input, extraMap(extraFromGolden(request, 's2-headless')));
      const [hairpin, headless, ...more] = finding?.fix ?? [];
      expect(more).toEqual([]);
      // flannel's DaemonSet as the inventory knows it (its pods' owner in kube-system).
      expect(hairpin?.commands).toEqual([
        'kubectl -n kube-system edit configmap kube-flannel-cfg',
        'kubectl -n kube-system rollout restart daemonset kube-flannel-ds',
        '# then, as root on node-1 and node-2 (pods already running keep their bridge ports as created):',
        'for p in /sys/class/net/cni0/brif/*/hairpin_mode; do echo 1 > "$p"; done',
        'bridge -d link show master cni0',
      ]);
      expect(hairpin?.title).toContain('/etc/cni/net.d/10-flannel.conflist');
      expect(hairpin?.yaml).toContain('namespace: kube-system');
      expect(hairpin?.yaml).toMatch(/"delegate": \{\s+"hairpinMode": true/);
      expect(headless?.title).toContain(`${HEADLESS}:38001`);
      expect(headless?.title).toContain('default/k8s-go-demo-svc-headless');
    });

    it('is a warning saying what would confirm it when the check could not run', () => {
      const input = s2();
      const request = onlyRequest(input);
      const [finding] = rule.evaluate(
        input,
        extraMap(extraFailed(request, 'pods/ephemeralcontainers is forbidden')),
      );
      expect(finding?.severity).toBe('warning');
      expect(finding?.explanation).toContain(
        'Not confirmed: the check without the Service did not run',
      );
      expect(finding?.explanation).toContain('What would confirm it');
      expect(finding?.evidence.join('\n')).toContain(
        'could not run: pods/ephemeralcontainers is forbidden',
      );
    });

    it('is a warning when the pods fail even without the Service', () => {
      const input = s2();
      const request = onlyRequest(input);
      const [finding] = rule.evaluate(input, extraMap(connectResult(request, 2, 4)));
      expect(finding?.severity).toBe('warning');
      expect(finding?.explanation).toContain('the loop is not the only cause');
    });

    it('is a warning when more connects fail than the loop explains', () => {
      // 18 of 20 failing is far beyond 1 in 2 (odds about 2 in 10,000).
      const input = withConnect(s2(), [...Array(18).fill(false), ...Array(2).fill(true)]);
      const request = onlyRequest(input);
      const [finding] = rule.evaluate(input, extraMap(connectResult(request, 4, 4)));
      expect(finding?.severity).toBe('warning');
      expect(finding?.evidence.join('\n')).toContain('more failures than the loop back');
      expect(finding?.explanation).toContain('more connects failed than the loop can explain');
    });

    it('connects to the other endpoint directly when there is no headless Service', () => {
      const snap = demo();
      const snapshot = {
        ...snap,
        services: snap.services.filter((s) => s.name !== 'k8s-go-demo-svc-headless'),
      };
      const input = s2(snapshot);
      const request = onlyRequest(input);
      expect(request.target).toEqual({ ip: '10.244.2.4', port: 38001 });
      const [finding] = rule.evaluate(input, extraMap(connectResult(request, 20, 20)));
      expect(finding?.severity).toBe('error');
      // With no headless Service to call, the fix writes one with the real selector and port.
      const headless = finding?.fix[1];
      expect(headless?.yaml).toContain('name: k8s-go-demo-svc-headless');
      expect(headless?.yaml).toContain('app: "k8s-go-demo"');
      expect(headless?.yaml).toContain('targetPort: 38001');
    });

    it('says what it assumed when the CNI is unknown', () => {
      const snap = demo();
      const snapshot: InventorySnapshot = {
        ...snap,
        cni: { plugin: 'unknown', backend: null, evidence: ['no CNI annotations'] },
      };
      const input = s2(snapshot);
      const request = onlyRequest(input);
      const [finding] = rule.evaluate(input, extraMap(connectResult(request, 20, 20)));
      expect(finding?.evidence.join('\n')).toContain('assumed a bridge-based CNI');
      expect(finding?.fix[0]?.yaml).toContain('"type": "bridge"');
      expect(finding?.fix[0]?.commands?.[0]).toContain('right away');
    });
  });

  describe('must not fire', () => {
    it('when every connect succeeds, and asks for no probe', () => {
      const input = withConnect(s2(), Array(20).fill(true));
      expect(rule.applies(input)).toBe(true);
      expect(rule.probes?.(input)).toEqual([]);
      expect(rule.evaluate(input, extraMap())).toEqual([]);
    });

    it('when every connect fails although another endpoint could be picked', () => {
      const input = withConnect(s2(), Array(20).fill(false));
      expect(rule.probes?.(input)).toEqual([]);
      expect(rule.evaluate(input, extraMap())).toEqual([]);
    });

    it('when the source is not an endpoint (web-client -> k8s-go-demo-svc)', async () => {
      const snapshot = demo();
      const from = resolveEndpoint(parseEndpointRef('pod:default/web-client'), snapshot, 'from');
      const to = resolveEndpoint(
        parseEndpointRef('service:default/k8s-go-demo-svc:80'),
        snapshot,
        'to',
      );
      const expected = expectedPath(from, to, snapshot);
      // Even with failures to explain, a caller that is no endpoint never loops.
      const connect: ConnectSummary = {
        target: '10.96.212.203',
        port: 80,
        attempts: 4,
        succeeded: 2,
        results: [true, false, true, false].map((ok) =>
          ok ? { ok, ms: 3 } : { ok, ms: null, error: 'timed out' },
        ),
      };
      const merged = mergePath(expected, [], { traceReached: false, connect });
      const result = {
        ...goldenInput('s6').result,
        to: {
          ref: 'service:default/k8s-go-demo-svc:80',
          kind: 'service',
          ip: '10.96.212.203',
          node: null,
        },
        path: merged.path,
        links: merged.links,
        status: merged.status,
        connect,
      } satisfies TraceResult;
      const input = { result, snapshot, expected, from, to };
      expect(rule.applies(input)).toBe(false);
      const asked: ExtraProbeRequest[][] = [];
      const out = await diagnose(input, [rule], async (r) => {
        asked.push(r);
        return new Map();
      });
      expect(asked).toEqual([]);
      expect(out.findings).toEqual([]);
    });

    it('on a headless Service target', () => {
      expect(rule.applies(goldenInput('s2-headless'))).toBe(false);
    });

    it('when the CNI hairpins on its own (calico)', () => {
      const snap = demo();
      const input = s2({ ...snap, cni: { plugin: 'calico', backend: null, evidence: [] } });
      expect(rule.applies(input)).toBe(false);
    });

    it('on any other scenario: only S2 yields it, S1 nothing', async () => {
      const dir = fileURLToPath(new URL('../../path/__golden__/', import.meta.url));
      const names = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''));
      expect(names).toContain('s1');
      for (const name of names) {
        const input = goldenInput(name);
        const out = await diagnose(input, [rule], async (requests) =>
          extraMap(...requests.map((r) => connectResult(r, 4, 4))),
        );
        expect(
          out.findings.map((f) => f.rule),
          name,
        ).toEqual(name === 's2' ? ['hairpin'] : []);
      }
    });
  });
});
