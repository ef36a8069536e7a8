/**
 * Probes: how podpath sends packets from a source and reads what came back. The engine calls
 * runProbe (after chooseStrategy for `auto`) and deleteOrphanedProbes at start.
 */
import 'server-only';

export { deleteOrphanedProbes, PROBE_SELECTOR } from './cleanup';
export type { CleanupResult } from './cleanup';
export {
  BUSYBOX_IMAGE,
  PODPATH_PROBE_IMAGE,
  connectArgv,
  dnsArgv,
  imageFlavor,
  probeCommand,
  tracerouteArgv,
} from './commands';
export type { ImageFlavor, ProbeCommand } from './commands';
export { defaultProbeImage, probeLimitsFromEnv, probeNamespace } from './config';
export { parseConnectOutput } from './connect-output';
export { DEFAULT_PROBE_LIMITS, ProbeLimiter, probeLimiterFor } from './limiter';
export type { ProbeLimits } from './limiter';
export { detectPrivilegeProblem } from './privilege';
export { probeOptions, runProbe, validateSpec } from './run-probe';
export type { RunProbeOptions } from './run-probe';
export { canFromClient, chooseStrategy, identityReasons } from './strategy';
export type { Can, RequestedStrategy, StrategyDecision, StrategyInput } from './strategy';
export * from './types';
export { ProbeInputError, validateHost, validatePort } from './validation';
