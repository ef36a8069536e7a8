import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line the user got wrong: usage text and exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * node:util parseArgs in strict mode, with its errors turned into UsageError so that every
 * command answers a bad flag the same way.
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** What commands get to talk to the world; tests pass their own. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env?: Record<string, string | undefined>;
  /** Ctrl-C: a running trace is cancelled and its probes deleted. */
  signal?: AbortSignal;
}
