import { describe, expect, it } from 'vitest';
import { defaultProbeImage, probeLimitsFromEnv, probeNamespace } from './config';

describe('probe configuration', () => {
  it('reads the probe namespace, default `default`', () => {
    expect(probeNamespace({})).toBe('default');
    expect(probeNamespace({ PODPATH_PROBE_NAMESPACE: ' podpath ' })).toBe('podpath');
    expect(() => probeNamespace({ PODPATH_PROBE_NAMESPACE: 'Bad_NS' })).toThrow(/namespace name/);
  });

  it('reads the probe image, default podpath’s own', () => {
    expect(defaultProbeImage({})).toBe('ghcr.io/podpath/probe:0.1.0');
    expect(defaultProbeImage({ PODPATH_PROBE_IMAGE: 'busybox:1.36' })).toBe('busybox:1.36');
    expect(() => defaultProbeImage({ PODPATH_PROBE_IMAGE: 'busybox --privileged' })).toThrow();
  });

  it('reads the limits, default 4 per cluster and 2 per node', () => {
    expect(probeLimitsFromEnv({})).toEqual({ perCluster: 4, perNode: 2 });
    expect(probeLimitsFromEnv({ PODPATH_PROBES_PER_NODE: '1' })).toEqual({
      perCluster: 4,
      perNode: 1,
    });
    expect(() => probeLimitsFromEnv({ PODPATH_PROBES_PER_CLUSTER: '0' })).toThrow();
  });
});
