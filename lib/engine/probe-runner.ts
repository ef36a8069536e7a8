import {
  canFromClient,
  chooseStrategy,
  defaultProbeImage,
  deleteOrphanedProbes,
  probeLimiterFor,
  probeLimitsFromEnv,
  probeNamespace,
  runProbe,
} from '../probes';
import type { ProbeRunner } from './types';

/**
 * lib/probes as the engine uses it: strategy choice with the cluster's own access reviews,
 * the process-wide limiter of the cluster's context, the configured namespace and image.
 */
export function defaultProbeRunner(
  env: Record<string, string | undefined> = process.env,
): ProbeRunner {
  return {
    chooseStrategy,
    runProbe,
    deleteOrphanedProbes,
    can: canFromClient,
    limiterFor: (context) => probeLimiterFor(context, probeLimitsFromEnv(env)),
    namespace: () => probeNamespace(env),
    image: () => defaultProbeImage(env),
  };
}
