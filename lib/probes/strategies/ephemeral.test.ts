import { describe, expect, it } from 'vitest';
import { s1Spec } from '../test-support/fixtures';
import { buildEphemeralContainer, ephemeralContainerName, ephemeralNote } from './ephemeral';

const argv = ['podpath-connect', '20', '2', '--', '10.96.212.203', '80'];
const fxrql = {
  kind: 'pod' as const,
  namespace: 'default',
  name: 'k8s-go-demo-deploy-66cdbcd8d9-fxrql',
  node: 'node-1',
};

describe('ephemeral strategy builders', () => {
  it('names containers podpath-<8 hex>, fresh each time', () => {
    expect(ephemeralContainerName(() => Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe(
      'podpath-deadbeef',
    );
    const a = ephemeralContainerName();
    expect(a).toMatch(/^podpath-[0-9a-f]{8}$/);
    expect(ephemeralContainerName()).not.toBe(a);
  });

  it('builds the container with the restricted security context and no resources', () => {
    const spec = s1Spec({ strategy: 'ephemeral', source: fxrql, kind: 'connect' });
    expect(buildEphemeralContainer(spec, argv, 'podpath-0a1b2c3d')).toEqual({
      name: 'podpath-0a1b2c3d',
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
    });
  });

  it('targets a named container and gives busybox NET_RAW', () => {
    const spec = s1Spec({
      strategy: 'ephemeral',
      image: 'busybox',
      source: { ...fxrql, container: 'app' },
    });
    const c = buildEphemeralContainer(spec, ['traceroute', '--', '10.244.1.3'], 'podpath-1');
    expect(c.targetContainerName).toBe('app');
    expect(c.securityContext?.capabilities).toEqual({ drop: ['ALL'], add: ['NET_RAW'] });
    expect(c.securityContext?.runAsNonRoot).toBeUndefined();
  });

  it('says that the container stays in the pod spec', () => {
    expect(ephemeralNote({ namespace: 'default', name: 'web-client' }, 'podpath-1')).toMatch(
      /^ephemeral containers stay in the pod spec: podpath-1 remains listed .* default\/web-client/,
    );
  });
});
