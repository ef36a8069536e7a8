import { describe, expect, it } from 'vitest';
import { scenarios } from '../scenarios';
import { recordingKey } from './recording';
import { podpathProbes, recordingPlan } from './recording-plan';

const FXRQL = 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql';
const find = (name: string, node: string, source: string, image: string, argv: string[]) =>
  recordingPlan(scenarios[name]!).find(
    (p) =>
      p.node === node &&
      p.source === source &&
      p.image === image &&
      JSON.stringify(p.argv) === JSON.stringify(argv),
  );

describe('recording plan', () => {
  it("records podpath's own argv for the scenario traces", () => {
    const tr = (ip: string) => ['traceroute', '-n', '-w', '2', '-q', '1', '-m', '20', '--', ip];
    expect(find('demo', 'node-2', 'pod', 'probe', tr('10.244.1.3'))).toBeDefined();
    expect(find('demo', 'node-2', 'pod', 'busybox', tr('10.244.1.3'))).toBeDefined();
    expect(find('demo', 'node-1', 'pod', 'probe', tr('10.244.1.3'))).toBeDefined();
    // S5: the pod and its node, the pair the diagnosis compares.
    expect(find('demo', 'node-2', 'pod', 'probe', tr('192.168.2.10'))).toBeDefined();
    expect(find('demo', 'node-2', 'hostNetwork', 'probe', tr('192.168.2.10'))).toBeDefined();
    expect(find('k3s', 'k3s-agent-2', 'hostNetwork', 'probe', tr('192.168.2.10'))).toBeDefined();
    // S2: 20 connects from inside fxrql, random by nature.
    const s2 = find('demo', 'node-1', FXRQL, 'probe', [
      'podpath-connect',
      '20',
      '2',
      '--',
      '10.96.212.203',
      '80',
    ]);
    expect(s2?.varies).toBe(true);
    for (const [node, source, ip, port] of [
      ['node-2', 'pod', '192.168.56.240', '80'],
      ['node-2', 'hostNetwork', '192.168.56.241', '38001'],
      ['node-2', 'pod', '10.96.77.7', '8080'],
    ] as const) {
      const probe = find('demo', node, source, 'probe', [
        'podpath-connect',
        '20',
        '2',
        '--',
        ip,
        port,
      ]);
      expect(probe, `${node} ${source} ${ip}:${port}`).toBeDefined();
      expect(probe?.varies).toBe(false);
    }
  });

  it('has one entry per recording key and keeps the generic and article forms', () => {
    for (const scenario of Object.values(scenarios)) {
      const plan = recordingPlan(scenario);
      const keys = plan.map((p) => recordingKey(p.node, p.source, p.image, p.argv));
      expect(new Set(keys).size).toBe(keys.length);
      expect(podpathProbes(scenario).length).toBeGreaterThan(5);
    }
    expect(find('demo', 'node-2', 'pod', 'busybox', ['traceroute', '10.244.1.3'])).toBeDefined();
    expect(
      find('demo', 'node-2', 'pod', 'probe', [
        'traceroute',
        '-n',
        '-q',
        '1',
        '-w',
        '1',
        '-m',
        '8',
        '10.244.1.3',
      ]),
    ).toBeDefined();
  });
});
