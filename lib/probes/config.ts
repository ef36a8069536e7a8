/**
 * Where probe pods run and which image they use, from the environment.
 *
 * Probe namespace: a probe pod is pinned to a node, not to the source's namespace, so one
 * namespace serves every probe. The default is `default`: it exists in every cluster, so the
 * demo and a first try need no setup. A dedicated namespace (PODPATH_PROBE_NAMESPACE=podpath,
 * as in the README's RBAC example) is better in production: RBAC can allow pod create/delete
 * there only, and its Pod Security label can admit hostNetwork probes without loosening
 * `default`. It must exist beforehand; podpath does not create namespaces.
 */
import { DEFAULT_PROBE_LIMITS, type ProbeLimits } from './limiter';
import { PODPATH_PROBE_IMAGE } from './commands';

export const DEFAULT_PROBE_NAMESPACE = 'default';

type Env = Record<string, string | undefined>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** PODPATH_PROBE_NAMESPACE, or `default`; throws on a value that cannot be a namespace. */
export function probeNamespace(env: Env = process.env): string {
  const value = env.PODPATH_PROBE_NAMESPACE?.trim();
  if (!value) return DEFAULT_PROBE_NAMESPACE;
  if (!DNS_LABEL.test(value)) {
    throw new Error(`PODPATH_PROBE_NAMESPACE ${JSON.stringify(value)} is not a namespace name`);
  }
  return value;
}

/** PODPATH_PROBE_IMAGE (a mirror of podpath's image, or busybox), or podpath's probe image. */
export function defaultProbeImage(env: Env = process.env): string {
  const value = env.PODPATH_PROBE_IMAGE?.trim();
  if (!value) return PODPATH_PROBE_IMAGE;
  if (/\s/.test(value) || value.startsWith('-')) {
    throw new Error(`PODPATH_PROBE_IMAGE ${JSON.stringify(value)} is not an image reference`);
  }
  return value;
}

/** PODPATH_PROBES_PER_CLUSTER and PODPATH_PROBES_PER_NODE, else 4 and 2. */
export function probeLimitsFromEnv(env: Env = process.env): ProbeLimits {
  const read = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1`);
    return n;
  };
  return {
    perCluster: read('PODPATH_PROBES_PER_CLUSTER', DEFAULT_PROBE_LIMITS.perCluster),
    perNode: read('PODPATH_PROBES_PER_NODE', DEFAULT_PROBE_LIMITS.perNode),
  };
}
