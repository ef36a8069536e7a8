import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '@/lib/inventory/types';
import type { ConnectSummary } from '@/lib/trace/types';
import { fixtureSnapshot } from '../../topology/__fixtures__/load';
import { diagnose } from '../diagnose';
import { extraFailed, extraFromGolden, extraMap, goldenInput } from '../test-support/golden-input';
import type { DiagnosisInput, ExtraProbeRequest } from '../types';
import { hostNetworkExternalIpRule as rule } from './hostnetwork-external-ip';

function onlyRequest(input: DiagnosisInput): ExtraProbeRequest {
  const requests = rule.probes?.(input) ?? [];
  expect(requests).toHaveLength(1);
  const [request] = requests;
  if (!request) throw new Error('no request');
  return request;
}

/** The demo cluster with my-pod changed. */
function withMyPod(change: Partial<InventorySnapshot['pods'][number]>): InventorySnapshot {
  const snap = fixtureSnapshot('demo');
  return {
    ...snap,
    pods: snap.pods.map((p) => (p.name === 'my-pod' ? { ...p, ...change } : p)),
  };
}

describe('hostnetwork-external-ip', () => {
  describe('S4: my-pod (hostNetwork, node-2) -> 192.168.56.241:38001', () => {
    const input = goldenInput('s4');

    it('applies and asks for the same connect from an ordinary pod on node-2', () => {
      expect(rule.applies(input)).toBe(true);
      const request = onlyRequest(input);
      expect(request.kind).toBe('connect');
      expect(request.target).toEqual({ ip: '192.168.56.241', port: 38001 });
      // Not my-pod, not flannel (host network), not the Service's own endpoint x88b8.
      expect(request.from).toEqual({ kind: 'pod', namespace: 'default', name: 'web-client' });
    });

    it("is an error on the link into the LoadBalancer with the pod's success as evidence", () => {
      const request = onlyRequest(input);
      // S4-from-pod is that very connect from an ordinary pod on node-2: 20 of 20.
      const [finding, ...more] = rule.evaluate(
        input,
        extraMap(extraFromGolden(request, 's4-from-pod')),
      );
      expect(more).toEqual([]);
      expect(finding?.rule).toBe('hostnetwork-external-ip');
      expect(finding?.severity).toBe('error');
      expect(finding?.link).toBe(0);
      expect(input.result.path[input.result.links[0]?.to ?? -1]?.id).toBe(
        'loadbalancer:192.168.56.241',
      );
      expect(finding?.title).toContain('hostNetwork to external IP');
      expect(finding?.evidence).toEqual([
        "default/my-pod has hostNetwork: true: it uses node-2's own network and address 192.168.56.12",
        '192.168.56.241 is the LoadBalancer ingress IP of default/k8s-go-demo-slb (ClusterIP 10.96.38.1), which has 2 ready endpoint(s)',
        'from default/my-pod on node-2: 0 of 20 TCP connects to 192.168.56.241:38001 succeeded',
        "the traceroute from node-2 to the endpoint 10.244.1.4 got there: the network to the Service's pods works",
        'from a probe pod beside default/web-client, an ordinary pod on node-2: 20 of 20 TCP connects to 192.168.56.241:38001 succeeded',
      ]);
      expect(finding?.explanation).toContain('An ordinary pod on node-2 reaches the same address');
      const [dns, dnat] = finding?.fix ?? [];
      expect(dns?.title).toContain('k8s-go-demo-slb.default.svc.cluster.local:38001');
      expect(dns?.yaml).toContain('  name: my-pod\n');
      expect(dns?.yaml).toContain('  dnsPolicy: ClusterFirstWithHostNet\n');
      // my-pod is a bare pod: saved and re-created with the new policy.
      expect(dns?.commands).toEqual([
        'kubectl -n default get pod my-pod -o yaml > my-pod.yaml',
        'kubectl replace --force -f my-pod.yaml',
      ]);
      expect(dnat?.commands).toEqual([
        'iptables -t nat -A OUTPUT -d 192.168.56.241 -j DNAT --to-destination 10.96.38.1',
      ]);
      expect(dnat?.title).toContain('lost on reboot');
    });

    it('is a warning saying what would confirm it when the comparison is missing or fails', () => {
      const request = onlyRequest(input);
      const cases = [
        [extraMap(), 'the comparison did not run'],
        [extraMap(extraFailed(request, 'image pull failed')), 'the comparison could not run'],
        // S4's own connects (0 of 20) stand in for a pod that fails too.
        [extraMap(extraFromGolden(request, 's4')), 'the ordinary pod failed as well'],
      ] as const;
      for (const [extra, why] of cases) {
        const [finding] = rule.evaluate(input, extra);
        expect(finding?.severity).toBe('warning');
        expect(finding?.link).toBe(0);
        expect(finding?.explanation).toContain(why);
        expect(finding?.explanation).toContain(
          'What would confirm it: a connect to 192.168.56.241:38001 from a probe pod beside default/web-client',
        );
      }
    });

    it('runs through diagnose() with the engine running the comparison once', async () => {
      const asked: string[] = [];
      const out = await diagnose(input, [rule], async (requests) => {
        asked.push(...requests.map((r) => r.key));
        return extraMap(...requests.map((r) => extraFromGolden(r, 's4-from-pod')));
      });
      expect(asked).toEqual(['connect:pod:default/web-client->192.168.56.241:38001']);
      expect(out.findings.map((f) => [f.rule, f.severity, f.link])).toEqual([
        ['hostnetwork-external-ip', 'error', 0],
      ]);
    });

    it("patches the owner's pod template when the pod has a controller", () => {
      const owned = goldenInput(
        's4',
        withMyPod({ owner: { kind: 'DaemonSet', name: 'my-agent' } }),
      );
      const [finding] = rule.evaluate(owned, extraMap());
      expect(finding?.fix[0]?.commands).toEqual([
        `kubectl -n default patch daemonset my-agent -p '{"spec":{"template":{"spec":{"dnsPolicy":"ClusterFirstWithHostNet"}}}}'`,
      ]);
    });
  });

  it('does not fire for a normal pod source (S4 from web-client)', () => {
    const input = goldenInput('s4-from-pod');
    expect(rule.applies(input)).toBe(false);
    expect(rule.evaluate(input, extraMap())).toEqual([]);
    // Nor for a pod-network source whose connects fail (S3).
    expect(rule.applies(goldenInput('s3'))).toBe(false);
  });

  it('does not fire when the connects succeed', () => {
    const input = goldenInput('s4');
    const connect = input.result.connect as ConnectSummary;
    const through: DiagnosisInput = {
      ...input,
      result: {
        ...input.result,
        status: 'reachable',
        connect: {
          ...connect,
          succeeded: connect.attempts,
          results: connect.results.map(() => ({ ok: true, ms: 1 })),
        },
      },
    };
    expect(rule.applies(through)).toBe(false);
    expect(rule.probes?.(through)).toEqual([]);
    expect(rule.evaluate(through, extraMap())).toEqual([]);
  });

  it('does not fire for host-network sources to pods, nodes or ClusterIPs', () => {
    // node-to-pod: node-2's host network to a pod; the rule needs a LoadBalancer target.
    expect(rule.applies(goldenInput('node-to-pod'))).toBe(false);
    expect(rule.applies(goldenInput('s5-from-node'))).toBe(false);
  });

  it('yields nothing on any other scenario golden', () => {
    const dir = fileURLToPath(new URL('../../path/__golden__/', import.meta.url));
    const names = readdirSync(dir)
      .map((f) => f.replace(/\.json$/, ''))
      .filter((n) => n !== 's4');
    expect(names).toContain('s1');
    for (const name of names) {
      const input = goldenInput(name);
      const findings = rule.applies(input) ? rule.evaluate(input, extraMap()) : [];
      expect(findings, name).toEqual([]);
    }
  });
});
