import type { z } from 'zod';
import { jsonError } from './responses';

/** Largest request body podpath reads; every request it takes is a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

export type ReadResult<T> = { ok: true; data: T } | { ok: false; response: Response };

/**
 * Reads a JSON request body and validates it with `schema`; a missing, oversized, malformed or
 * invalid body becomes a 400 `invalid-request` answer naming the first problem.
 */
export async function readJson<S extends z.ZodType>(
  req: Request,
  schema: S,
): Promise<ReadResult<z.infer<S>>> {
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) {
    return { ok: false, response: jsonError(413, 'too-large', 'the request body is too large') };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, response: jsonError(400, 'invalid-request', 'the body must be JSON') };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return {
      ok: false,
      response: jsonError(400, 'invalid-request', `${where}${issue?.message ?? 'invalid body'}`),
    };
  }
  return { ok: true, data: parsed.data };
}
