import { randomBytes } from 'node:crypto';

/** Random bytes per trace id: 144 bits, above the contract's 120, and 24 base64url characters. */
export const TRACE_ID_BYTES = 18;

/**
 * A new unguessable trace id. Anyone holding a share link can read the trace, so the id is the
 * capability: it must come from the system's CSPRNG, never a counter or a timestamp.
 */
export function newTraceId(): string {
  return randomBytes(TRACE_ID_BYTES).toString('base64url');
}
