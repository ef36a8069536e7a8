/**
 * Specs shared by the probes' tests (not a test file itself: no tests here).
 */
import { PODPATH_PROBE_IMAGE } from '../commands';
import { DEFAULT_PROBE_OPTIONS, type ProbeSpec } from '../types';

/** The S1 probe: web-client on node-2 tracing httpd. */
export function s1Spec(overrides: Partial<ProbeSpec> = {}): ProbeSpec {
  return {
    strategy: 'pod',
    source: { kind: 'pod', namespace: 'default', name: 'web-client', node: 'node-2' },
    kind: 'traceroute',
    target: { ip: '10.244.1.3' },
    image: PODPATH_PROBE_IMAGE,
    options: { ...DEFAULT_PROBE_OPTIONS },
    traceId: 'V1StGXR8_Z5jdHi6B-myTbE3',
    namespace: 'default',
    ...overrides,
  };
}
