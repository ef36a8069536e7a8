/** Connects per trace when nothing says otherwise: enough to see a 50 % failure rate. */
export const DEFAULT_CONNECT_COUNT = 20;

/**
 * PODPATH_CONNECT_COUNT: TCP connects per trace to a target with a port (1 to 200), or the
 * default. Throws on anything else: a typo must not silently turn S2's ratio into one attempt.
 */
export function connectCountFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PODPATH_CONNECT_COUNT?.trim();
  if (!raw) return DEFAULT_CONNECT_COUNT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 200) {
    throw new Error(
      `PODPATH_CONNECT_COUNT must be a whole number from 1 to 200, not ${JSON.stringify(raw)}`,
    );
  }
  return n;
}
