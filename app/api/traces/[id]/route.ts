import { traceIdSchema } from '@/lib/api/traces';
import { json, jsonError } from '@/lib/http/responses';
import { getTrace, traceErrorResponse, traceNotFound } from '@/lib/server/trace-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!traceIdSchema.safeParse(id).success) {
    return jsonError(400, 'invalid-id', 'a trace id is 24 characters of A-Z, a-z, 0-9, - and _');
  }
  try {
    const trace = await getTrace(id);
    return trace ? json(trace) : traceNotFound(id);
  } catch (err) {
    return traceErrorResponse(err);
  }
}
