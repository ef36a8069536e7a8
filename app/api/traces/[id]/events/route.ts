import { traceIdSchema } from '@/lib/api/traces';
import { parseLastEventId } from '@/lib/engine/sse';
import { jsonError } from '@/lib/http/responses';
import { traceErrorResponse, traceEventsResponse, traceNotFound } from '@/lib/server/trace-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!traceIdSchema.safeParse(id).success) {
    return jsonError(400, 'invalid-id', 'a trace id is 24 characters of A-Z, a-z, 0-9, - and _');
  }
  try {
    const res = await traceEventsResponse(id, {
      afterSeq: parseLastEventId(req.headers.get('last-event-id')),
      signal: req.signal,
    });
    return res ?? traceNotFound(id);
  } catch (err) {
    return traceErrorResponse(err);
  }
}
