import { traceIdSchema } from '@/lib/api/traces';
import { withCsrf } from '@/lib/http/guard';
import { json, jsonError } from '@/lib/http/responses';
import { cancelTrace, traceErrorResponse, traceNotFound } from '@/lib/server/trace-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = withCsrf(
  async (_req: Request, { params }: { params: Promise<{ id: string }> }) => {
    const { id } = await params;
    if (!traceIdSchema.safeParse(id).success) {
      return jsonError(400, 'invalid-id', 'a trace id is 24 characters of A-Z, a-z, 0-9, - and _');
    }
    try {
      const outcome = await cancelTrace(id);
      return outcome ? json(outcome) : traceNotFound(id);
    } catch (err) {
      return traceErrorResponse(err);
    }
  },
);
