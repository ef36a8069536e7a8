/** The one error body every podpath endpoint answers with. */
import { z } from 'zod';

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Builds the error body; the code is a short kebab-case machine name, the message for people. */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
