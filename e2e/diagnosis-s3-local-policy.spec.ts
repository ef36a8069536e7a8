import { expect, test } from '@playwright/test';
import { kubectl } from './support/demo-lab';
import { findingSummary, runTrace, serviceByExternalIp } from './support/trace-api';

// Journey: S3 of shared/scenarios.md on the live lab. web-client (node-2) cannot reach the
// Local-policy LoadBalancer 192.168.56.240, whose only endpoint runs on node-1; podpath says
// `local-traffic-policy` on the LoadBalancer hop, confirmed by a connect from node-1. Applying
// the finding's first fix (externalTrafficPolicy Cluster) turns the trace green.

const LB = { ip: '192.168.56.240', port: 80 };
const S3 = { from: 'pod:default/web-client', to: `ip:${LB.ip}:${LB.port}` };
// A pod on node-1, where the LoadBalancer's endpoint runs.
const FROM_NODE_1 = { from: 'pod:default/nginx', to: S3.to };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.describe('diagnosis S3: externalTrafficPolicy Local', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });

  test('web-client: local-traffic-policy on the LoadBalancer hop, with its evidence', async ({
    request,
  }) => {
    const r = await runTrace(request, S3);
    expect(r.status).toBe('unreachable');
    expect(findingSummary(r)).toEqual([['local-traffic-policy', 'error', `loadbalancer:${LB.ip}`]]);
    const [f] = r.findings;
    expect(r.links[f!.link!]?.state).toBe('broken');
    const svc = await serviceByExternalIp(LB.ip);
    const evidence = f!.evidence.join('\n');
    expect(evidence).toContain(
      `${svc.namespace}/${svc.name}: type LoadBalancer, externalTrafficPolicy Local`,
    );
    expect(evidence).toMatch(/on node-1; none on node-2, where the traffic enters/);
    expect(evidence).toContain(`0 of 20 TCP connects to ${LB.ip}:${LB.port} succeeded`);
    // The comparison the rule asked for ran from node-1 and got through.
    expect(evidence).toMatch(
      new RegExp(
        `on node-1, which has a local endpoint: (\\d+) of \\1 TCP connects to ${LB.ip.replace(/\./g, '\\.')}:${LB.port} succeeded`,
      ),
    );
    expect(Object.keys(r.raw).some((k) => k.startsWith('extra:'))).toBe(true);
    expect(f!.fix[0]?.commands).toEqual([
      `kubectl -n ${svc.namespace} patch service ${svc.name} -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'`,
    ]);
    expect(f!.fix[1]?.title).toContain(`${svc.name}.${svc.namespace}.svc.cluster.local:${LB.port}`);
  });

  test('from a pod on node-1, which has the endpoint: reachable, no error finding', async ({
    request,
  }) => {
    const r = await runTrace(request, FROM_NODE_1);
    expect(r.status).toBe('reachable');
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.findings.map((f) => f.rule)).not.toContain('local-traffic-policy');
  });

  test('externalTrafficPolicy Cluster (the first fix) turns the trace green', async ({
    request,
  }) => {
    const svc = await serviceByExternalIp(LB.ip);
    expect(svc.externalTrafficPolicy).toBe('Local');
    const policy = (p: string) => JSON.stringify({ spec: { externalTrafficPolicy: p } });
    try {
      await kubectl('-n', svc.namespace, 'patch', 'service', svc.name, '-p', policy('Cluster'));
      // The lab's service proxy and podpath's inventory both follow the API by watching it;
      // give them a moment, then trace until the proxy has caught up.
      let r = null;
      for (let i = 0; i < 3; i++) {
        await sleep(2_000 * (i + 1));
        r = await runTrace(request, S3);
        if (r.status === 'reachable') break;
      }
      expect(r?.status).toBe('reachable');
      expect(r?.links.every((l) => l.state === 'ok')).toBe(true);
      expect(r?.findings).toEqual([]);
    } finally {
      await kubectl('-n', svc.namespace, 'patch', 'service', svc.name, '-p', policy('Local'));
    }
  });
});
