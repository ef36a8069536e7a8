import { describe, expect, it } from 'vitest';
import type { ConnectSummary, Finding, TraceResult } from '@/lib/trace/types';
import {
  annotationMeaning,
  connectFailures,
  connectHeadline,
  connectMedianMs,
  entityLabel,
  explanationParagraphs,
  fixCommandsText,
  formatMs,
  formatRtt,
  hostPort,
  inlineSegments,
  linkEndpoints,
  looksLikeOutput,
  median,
  pathElementLabel,
  rawKeyLabel,
  rawKeys,
  sortFindings,
} from './format';

/** S2 (hairpin) as the demo cluster reports it, trimmed to what these readers look at. */
const trace: Pick<TraceResult, 'path' | 'links'> = {
  path: [
    { id: 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-x88b8', kind: 'pod', node: 'node-2' },
    { id: 'node-2/cni0', kind: 'interface', node: 'node-2' },
    { id: 'node-2/eth1', kind: 'interface', node: 'node-2' },
    { id: 'service:default/k8s-go-demo-svc', kind: 'service', tags: ['hairpin-candidate'] },
  ],
  links: [
    { from: 0, to: 1, state: 'ok' },
    { from: 1, to: 2, state: 'ok' },
    { from: 2, to: 3, state: 'intermittent' },
    { from: 3, to: 9, state: 'unknown' },
  ],
};

const finding = (rule: string, severity: Finding['severity']): Finding => ({
  rule,
  severity,
  link: null,
  title: rule,
  explanation: '',
  evidence: [],
  fix: [],
});

describe('entityLabel', () => {
  it('prefers the label the resolver wrote', () => {
    expect(
      entityLabel({
        kind: 'interface',
        node: 'node-2',
        name: 'cni0',
        label: 'cni0 of node-2 (pod gateway)',
      }),
    ).toBe('cni0 of node-2 (pod gateway)');
  });

  it('names each kind without a label', () => {
    expect(entityLabel({ kind: 'pod', namespace: 'default', name: 'httpd' })).toBe(
      'pod default/httpd',
    );
    expect(entityLabel({ kind: 'interface', node: 'node-2', name: 'cni0' })).toBe('cni0 of node-2');
    expect(entityLabel({ kind: 'node', name: 'node-1' })).toBe('node node-1');
    expect(entityLabel({ kind: 'service', namespace: 'default', name: 'k8s-go-demo-svc' })).toBe(
      'service default/k8s-go-demo-svc',
    );
    expect(entityLabel({ kind: 'loadbalancer' })).toBe('LoadBalancer');
    expect(entityLabel({ kind: 'external', name: 'gw' })).toBe('gw (outside the cluster)');
    expect(entityLabel({ kind: 'external' })).toBe('outside the cluster');
    expect(entityLabel({ kind: 'unknown' })).toBe('unknown');
    expect(entityLabel(null)).toBe('unknown');
  });
});

describe('formatRtt', () => {
  it('joins the probes of a hop', () => {
    expect(formatRtt([0.41, 0.52])).toBe('0.41 ms · 0.52 ms');
  });

  it('keeps the lab veths sub-0.1 ms times readable and rounds slow ones', () => {
    expect(formatRtt([0.009])).toBe('0.009 ms');
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(1003.7)).toBe('1004 ms');
  });

  it('is empty for a silent hop', () => {
    expect(formatRtt([])).toBe('');
  });
});

describe('linkEndpoints', () => {
  it('returns the two elements a link joins', () => {
    const ends = linkEndpoints(trace, 2);
    expect(ends?.from.id).toBe('node-2/eth1');
    expect(ends?.to.id).toBe('service:default/k8s-go-demo-svc');
  });

  it('is null for no link, an index past the end, or an end outside the path', () => {
    expect(linkEndpoints(trace, null)).toBeNull();
    expect(linkEndpoints(trace, 7)).toBeNull();
    expect(linkEndpoints(trace, 3)).toBeNull();
  });
});

describe('sortFindings', () => {
  it('puts errors first, then warnings, then info, keeping the rules’ order within each', () => {
    const input = [
      finding('dns', 'info'),
      finding('no-route', 'warning'),
      finding('hairpin', 'error'),
      finding('network-policy', 'warning'),
      finding('no-endpoints', 'error'),
    ];
    expect(sortFindings(input).map((f) => f.rule)).toEqual([
      'hairpin',
      'no-endpoints',
      'no-route',
      'network-policy',
      'dns',
    ]);
    expect(input[0]?.rule).toBe('dns');
  });
});

describe('fixCommandsText', () => {
  it('puts one command a line', () => {
    expect(
      fixCommandsText({
        title: 'Turn on hairpin mode',
        commands: [
          'kubectl -n kube-flannel edit configmap kube-flannel-cfg',
          'kubectl -n kube-flannel rollout restart daemonset kube-flannel-ds',
        ],
      }),
    ).toBe(
      'kubectl -n kube-flannel edit configmap kube-flannel-cfg\nkubectl -n kube-flannel rollout restart daemonset kube-flannel-ds',
    );
  });

  it('is empty for a YAML-only fix', () => {
    expect(fixCommandsText({ title: 'apply', yaml: 'kind: Service\n' })).toBe('');
  });
});

describe('pathElementLabel', () => {
  it('shortens each kind of id', () => {
    expect(pathElementLabel('pod:default/httpd')).toBe('default/httpd');
    expect(pathElementLabel('node-2/cni0')).toBe('cni0 · node-2');
    expect(pathElementLabel('k3s-agent-1/flannel.1')).toBe('flannel.1 · k3s-agent-1');
    expect(pathElementLabel('service:default/x')).toBe('svc default/x');
    expect(pathElementLabel('node:node-1')).toBe('node node-1');
    expect(pathElementLabel('loadbalancer:192.168.56.240')).toBe('LB 192.168.56.240');
    expect(pathElementLabel('unknown:10.244.1.99')).toBe('10.244.1.99');
  });

  it('names outside hosts by their label when they have one', () => {
    expect(pathElementLabel({ id: 'external:192.168.2.10', label: 'office-host' })).toBe(
      'office-host · 192.168.2.10',
    );
    expect(pathElementLabel({ id: 'external:8.8.8.8' })).toBe('8.8.8.8');
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([0.4, 0.6, 0.5, 1.2])).toBeCloseTo(0.55);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });
});

describe('explanationParagraphs', () => {
  it('gives "Not confirmed" its own paragraph and keeps addresses whole', () => {
    const text =
      'The pod 10.244.2.3 calls its own Service. kube-proxy may pick the caller itself. ' +
      'Not confirmed: the headless check did not run. What would confirm it: a connect to 10.244.1.3:80 that succeeds.';
    expect(explanationParagraphs(text)).toEqual([
      'The pod 10.244.2.3 calls its own Service. kube-proxy may pick the caller itself.',
      'Not confirmed: the headless check did not run. What would confirm it: a connect to 10.244.1.3:80 that succeeds.',
    ]);
  });

  it('breaks long runs every three sentences and honours blank lines', () => {
    expect(explanationParagraphs('A one. B two. C three. D four.\n\nE five.')).toEqual([
      'A one. B two. C three.',
      'D four.',
      'E five.',
    ]);
  });
});

describe('inlineSegments', () => {
  it('sets code, ids and addresses apart from prose', () => {
    expect(
      inlineSegments('`ip route get 10.244.1.3` on node-2; pod:default/web-client->10.96.0.10:80.'),
    ).toEqual([
      { text: 'ip route get 10.244.1.3', code: true },
      { text: ' on node-2; ', code: false },
      { text: 'pod:default/web-client', code: true },
      { text: '->', code: false },
      { text: '10.96.0.10:80', code: true },
      { text: '.', code: false },
    ]);
  });

  it('leaves plain prose alone', () => {
    expect(inlineSegments('nothing answered after it')).toEqual([
      { text: 'nothing answered after it', code: false },
    ]);
  });
});

describe('looksLikeOutput', () => {
  it('tells quoted output from prose', () => {
    expect(looksLikeOutput('as printed: Server: 10.96.0.10 · ** server can’t find x')).toBe(true);
    expect(looksLikeOutput('traceroute: 1 10.244.2.1 (cni0 of node-2) · 2 *')).toBe(true);
    expect(looksLikeOutput('line one\nline two')).toBe(true);
    expect(looksLikeOutput('$ kubectl get pods')).toBe(true);
    expect(
      looksLikeOutput(
        'the CNI is flannel (kube-flannel-ds): flannel delegates to the bridge plugin',
      ),
    ).toBe(false);
  });
});

describe('annotationMeaning', () => {
  it('explains the ICMP marks', () => {
    expect(annotationMeaning('!H')).toBe('host unreachable (ICMP)');
    expect(annotationMeaning('!X')).toMatch(/administratively prohibited/);
    expect(annotationMeaning('!F-1480')).toBe(
      "fragmentation needed: the next link's MTU is 1480 bytes (ICMP)",
    );
    expect(annotationMeaning('!<10>')).toBe('ICMP destination unreachable, code 10');
    expect(annotationMeaning('!Q')).toBe('as traceroute printed it: !Q');
  });
});

describe('rawKeys', () => {
  it('puts traceroute, connect and dns first, then the extra probes as they came', () => {
    expect(
      rawKeys({
        'extra:traceroute:node:node-2:192.168.2.10': 'b',
        connect: 'c',
        dns: undefined,
        traceroute: 't',
        'extra:connect:pod:default/x->10.244.1.3:80': 'a',
      }),
    ).toEqual([
      'traceroute',
      'connect',
      'extra:traceroute:node:node-2:192.168.2.10',
      'extra:connect:pod:default/x->10.244.1.3:80',
    ]);
    expect(rawKeys({})).toEqual([]);
    expect(rawKeyLabel('extra:traceroute:node:node-2:192.168.2.10')).toBe(
      'traceroute:node:node-2:192.168.2.10',
    );
  });
});

describe('connect readers', () => {
  const connect: ConnectSummary = {
    target: '10.96.0.10',
    port: 80,
    attempts: 5,
    succeeded: 3,
    results: [
      { ok: true, ms: 0.5 },
      { ok: false, ms: null, error: 'Connection refused' },
      { ok: true, ms: 0.7 },
      { ok: false, ms: 2000, error: 'timed out' },
      { ok: true, ms: 1012 },
    ],
  };

  it('says how many succeeded', () => {
    expect(connectHeadline(connect)).toBe('3 of 5 connects to 10.96.0.10:80 succeeded');
    expect(hostPort('fd00::10', 443)).toBe('[fd00::10]:443');
  });

  it('takes the median of the successful connects only', () => {
    expect(connectMedianMs(connect)).toBe(0.7);
    expect(connectMedianMs({ ...connect, results: [] })).toBeNull();
  });

  it('groups failures by error', () => {
    expect(
      connectFailures({
        ...connect,
        results: [
          { ok: false, ms: null, error: 'timed out' },
          { ok: false, ms: null, error: 'Connection refused' },
          { ok: false, ms: null, error: 'Connection refused' },
          { ok: false, ms: null },
        ],
      }),
    ).toEqual([
      { error: 'Connection refused', count: 2 },
      { error: 'failed', count: 1 },
      { error: 'timed out', count: 1 },
    ]);
  });
});
