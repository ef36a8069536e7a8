import { describe, expect, it } from 'vitest';
import { s1Spec } from '../test-support/fixtures';
import { buildHostNetworkManifest } from './host-network';
import { buildProbePodManifest } from './pod';

const argv = ['traceroute', '-n', '-w', '2', '-q', '1', '-m', '20', '--', '10.244.1.3'];

describe('buildProbePodManifest', () => {
  it('marks, pins and confines the probe pod', () => {
    const manifest = buildProbePodManifest(s1Spec(), argv);
    expect(manifest.metadata).toEqual({
      namespace: 'default',
      generateName: 'podpath-probe-',
      labels: {
        'app.kubernetes.io/managed-by': 'podpath',
        'app.kubernetes.io/name': 'podpath-probe',
        'podpath.dev/trace-id': 'V1StGXR8_Z5jdHi6B-myTbE3',
        'podpath.dev/strategy': 'pod',
        'podpath.dev/node': 'node-2',
      },
      annotations: {
        'podpath.dev/node': 'node-2',
        'podpath.dev/trace-id': 'V1StGXR8_Z5jdHi6B-myTbE3',
        'podpath.dev/source': 'pod:default/web-client',
        'podpath.dev/target': '10.244.1.3',
        'podpath.dev/probe-kind': 'traceroute',
      },
    });
    const { spec } = manifest;
    expect(spec.nodeName).toBeUndefined();
    expect(spec.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] },
          ],
        },
      },
    });
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.activeDeadlineSeconds).toBe(90);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers).toEqual([
      {
        name: 'probe',
        image: 'ghcr.io/podpath/probe:0.1.0',
        command: argv,
        imagePullPolicy: 'IfNotPresent',
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
      },
    ]);
  });

  it('requires the hostname label too when the inventory knows it', () => {
    const spec = s1Spec({
      source: {
        kind: 'pod',
        namespace: 'default',
        name: 'web-client',
        node: 'node-2',
        nodeHostnameLabel: 'node-2.lan',
      },
    });
    const term = buildProbePodManifest(spec, argv).spec.affinity?.nodeAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0];
    expect(term).toEqual({
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }],
      matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2.lan'] }],
    });
  });

  it('keeps long node names and odd trace ids out of label values', () => {
    const node = `${'very-long-node-name.'.repeat(5)}compute.internal`;
    const spec = s1Spec({
      traceId: '-starts-with-a-dash_',
      source: { kind: 'node', node },
    });
    const { labels, annotations } = buildHostNetworkManifest(spec, argv).metadata;
    expect(node.length).toBeGreaterThan(63);
    expect(labels?.['podpath.dev/node']).toBeUndefined();
    expect(annotations?.['podpath.dev/node']).toBe(node);
    expect(labels?.['podpath.dev/trace-id']).toMatch(/^h-[0-9a-f]{40}$/);
    expect(annotations?.['podpath.dev/trace-id']).toBe('-starts-with-a-dash_');
    expect(annotations?.['podpath.dev/source']).toBe(`node:${node}`);
  });

  it('gives busybox root with only NET_RAW, or nothing when netRaw is off', () => {
    const busy = buildProbePodManifest(s1Spec({ image: 'busybox:1.36' }), argv);
    expect(busy.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(busy.spec.containers[0]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['NET_RAW'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const spec = s1Spec({ image: 'busybox', options: { ...s1Spec().options, netRaw: false } });
    expect(
      buildProbePodManifest(spec, argv).spec.containers[0]?.securityContext?.capabilities,
    ).toEqual({ drop: ['ALL'] });
  });

  it('rounds the deadline up from the probe budget', () => {
    const spec = s1Spec({ options: { ...s1Spec().options, timeoutMs: 12_001 } });
    expect(buildProbePodManifest(spec, argv).spec.activeDeadlineSeconds).toBe(13);
  });
});

describe('buildHostNetworkManifest', () => {
  it('is the probe pod in the host network with cluster DNS', () => {
    const spec = s1Spec({ strategy: 'hostNetwork', source: { kind: 'node', node: 'node-2' } });
    const manifest = buildHostNetworkManifest(spec, argv);
    expect(manifest.spec.hostNetwork).toBe(true);
    expect(manifest.spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(manifest.metadata.labels?.['podpath.dev/strategy']).toBe('hostNetwork');
    expect(manifest.metadata.generateName).toBe('podpath-probe-');
    expect(manifest.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(manifest.spec.restartPolicy).toBe('Never');
  });
});
