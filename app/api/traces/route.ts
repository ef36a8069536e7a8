import { traceListQuerySchema, traceRequestSchema } from '@/lib/api/traces';
import { withCsrf } from '@/lib/http/guard';
import { readJson } from '@/lib/http/read-json';
import { json, jsonError } from '@/lib/http/responses';
import { listTraces, startTrace, traceErrorResponse } from '@/lib/server/trace-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = withCsrf(async (req) => {
  const body = await readJson(req, traceRequestSchema);
  if (!body.ok) return body.response;
  try {
    return json(await startTrace(body.data), 201);
  } catch (err) {
    return traceErrorResponse(err);
  }
});

export async function GET(req: Request) {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const query = traceListQuerySchema.safeParse(params);
  if (!query.success) {
    const issue = query.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return jsonError(400, 'invalid-request', `${where}${issue?.message ?? 'invalid query'}`);
  }
  try {
    return json(await listTraces(query.data));
  } catch (err) {
    return traceErrorResponse(err);
  }
}
