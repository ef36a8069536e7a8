import { contextSwitchRequestSchema } from '@/lib/api/cluster';
import { withCsrf } from '@/lib/http/guard';
import { readJson } from '@/lib/http/read-json';
import { errorResponse, json } from '@/lib/http/responses';
import { switchToContext } from '@/lib/http/cluster-endpoints';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = withCsrf(async (req) => {
  const body = await readJson(req, contextSwitchRequestSchema);
  if (!body.ok) return body.response;
  try {
    return json(await switchToContext(body.data.context));
  } catch (err) {
    return errorResponse(err);
  }
});
