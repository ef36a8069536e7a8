/**
 * Merging: the expected path and what the probes saw, into the path and links a trace shows.
 */
import type { ConnectSummary, PathElement, PathLink, TraceStatus } from '@/lib/trace/types';

/** What the probes found besides the hops. */
export interface MergeEvidence {
  /** The traceroute's last hop was the trace target. */
  traceReached: boolean;
  /** Repeated TCP connects to the expected path's connectTarget, if any were made. */
  connect?: ConnectSummary | null;
  /** Why the probe could not run or finish, if it failed. */
  probeError?: string | null;
}

export interface MergedPath {
  path: PathElement[];
  links: PathLink[];
  status: TraceStatus;
}
