import { describe, expect, it } from 'vitest';
import { demoScenario } from '../scenarios/demo';
import { chainName, nodeProxyRules, stageProxyRules } from './proxy-rules';
import { scenarioServiceObjects } from './scenario-objects';
import { dnsServices, proxyServicePorts } from './service-model';

const objects = scenarioServiceObjects(demoScenario);
const ports = proxyServicePorts(objects.services, objects.endpointSlices);
const defects = { hairpinMasquerade: true, captureHostExternalIPs: false };

describe('service model', () => {
  it('reads ClusterIPs, ports, LB ingress, policy and ready endpoints; skips headless', () => {
    const svc = ports.find((p) => p.id === 'default/k8s-go-demo-svc:http');
    expect(svc).toMatchObject({ clusterIP: '10.96.212.203', port: 80, protocol: 'TCP' });
    expect(svc?.endpoints).toEqual([
      { ip: '10.244.1.4', port: 38001, nodeName: 'node-1' },
      { ip: '10.244.2.4', port: 38001, nodeName: 'node-2' },
    ]);
    const lb = ports.find((p) => p.id === 'kube-system/nginx-ingress-lb:http');
    expect(lb).toMatchObject({
      externalIPs: ['192.168.56.240'],
      nodePort: 30080,
      externalTrafficPolicy: 'Local',
    });
    expect(ports.some((p) => p.service === 'k8s-go-demo-svc-headless')).toBe(false);
    expect(ports.find((p) => p.service === 'legacy-api')?.endpoints).toEqual([]);
  });

  it('drops endpoints that are not ready', () => {
    const slices = structuredClone(objects.endpointSlices);
    const slice = slices.find(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'httpd',
    )!;
    (slice.endpoints as { conditions: { ready: boolean } }[])[0]!.conditions.ready = false;
    expect(
      proxyServicePorts(objects.services, slices).find((p) => p.service === 'httpd')?.endpoints,
    ).toEqual([]);
  });

  it('gives DNS the ClusterIP, or the pods of a headless Service', () => {
    const dns = dnsServices(objects.services, objects.endpointSlices);
    expect(dns.find((d) => d.name === 'k8s-go-demo-svc-headless')?.addresses).toEqual([
      '10.244.1.4',
      '10.244.2.4',
    ]);
    expect(dns.find((d) => d.name === 'httpd')?.addresses).toEqual(['10.96.100.10']);
  });
});

describe('node proxy rules', () => {
  const node2 = nodeProxyRules({ nodeName: 'node-2', ports, options: defects, previousChains: [] });
  const node1 = nodeProxyRules({ nodeName: 'node-1', ports, options: defects, previousChains: [] });
  const svc = chainName('KUBE-SVC-', 'default/k8s-go-demo-svc:http', 'TCP');

  it('spreads a ClusterIP over its endpoints with statistic mode random', () => {
    expect(node2.text).toContain(
      `-A KUBE-SERVICES -d 10.96.212.203/32 -p tcp -m tcp --dport 80 -m comment --comment "default/k8s-go-demo-svc:http cluster IP" -j ${svc}`,
    );
    const balance = node2.text.split('\n').filter((l) => l.startsWith(`-A ${svc} `));
    expect(balance).toHaveLength(2);
    expect(balance[0]).toContain('-m statistic --mode random --probability 0.5000000000');
    expect(balance[1]).not.toContain('statistic');
    expect(node2.text).toContain(
      '-s 10.244.1.4/32 -m comment --comment "default/k8s-go-demo-svc:http" -j KUBE-MARK-MASQ',
    );
    expect(node2.text).toContain('-j DNAT --to-destination 10.244.1.4:38001');
  });

  it('switches hairpin masquerade off on request', () => {
    const off = nodeProxyRules({
      nodeName: 'node-2',
      ports,
      options: { ...defects, hairpinMasquerade: false },
      previousChains: [],
    });
    expect(off.text).not.toMatch(/-s 10\.244\.\d+\.\d+\/32 .*KUBE-MARK-MASQ/);
  });

  it('drops Local-policy LB traffic where there is no local endpoint, DNATs where there is', () => {
    expect(node2.text).toContain(
      '-A KUBE-EXTERNAL-SERVICES -d 192.168.56.240/32 -p tcp -m tcp --dport 80 -m comment --comment "kube-system/nginx-ingress-lb:http has no local endpoints" -j DROP',
    );
    const svl = chainName('KUBE-SVL-', 'kube-system/nginx-ingress-lb:http', 'TCP');
    expect(node1.text).toContain(`-j ${svl}`);
    expect(node1.text).not.toContain('has no local endpoints');
  });

  it('leaves host traffic to LB IPs alone when the S4 defect is on, captures it otherwise', () => {
    expect(node2.text).toMatch(/-d 192\.168\.56\.241\/32 .*-m addrtype ! --src-type LOCAL/);
    const fixed = nodeProxyRules({
      nodeName: 'node-2',
      ports,
      options: { ...defects, captureHostExternalIPs: true },
      previousChains: [],
    });
    expect(fixed.text).not.toContain('! --src-type LOCAL');
  });

  it('rejects Services without endpoints and routes NodePorts', () => {
    expect(node2.text).toContain(
      '"default/legacy-api has no endpoints" -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(node2.text).toMatch(/-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 .* -j KUBE-EXT-/);
    expect(
      node2.text
        .trim()
        .split('\n')
        .filter((l) => l === 'COMMIT'),
    ).toHaveLength(2);
  });

  it('deletes chains that are gone on the next sync, in the same transaction', () => {
    const without = proxyServicePorts(
      objects.services.filter((s) => s.metadata.name !== 'httpd'),
      objects.endpointSlices,
    );
    const next = nodeProxyRules({
      nodeName: 'node-2',
      ports: without,
      options: defects,
      previousChains: node2.chains,
    });
    const gone = chainName('KUBE-SVC-', 'default/httpd', 'TCP');
    expect(next.text).toContain(`:${gone} - [0:0]`);
    expect(next.text).toContain(`-X ${gone}`);
    expect(next.chains).not.toContain(gone);
  });

  it('is deterministic', () => {
    expect(
      nodeProxyRules({ nodeName: 'node-2', ports, options: defects, previousChains: [] }),
    ).toEqual(node2);
  });
});

describe('stage rules', () => {
  it('holds ClusterIPs only, without masquerade marks', () => {
    const stage = stageProxyRules({ ports, previousChains: [] });
    expect(stage.text).toContain('-d 10.96.38.1/32');
    expect(stage.text).not.toContain('192.168.56.241');
    expect(stage.text).not.toContain('KUBE-MARK-MASQ');
  });
});
