import { inventory } from '@/lib/http/cluster-endpoints';
import { errorResponse, json, jsonError } from '@/lib/http/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    const result = await inventory();
    if (!result.ready) {
      return jsonError(503, 'not-ready', `the inventory of ${result.context} is still loading`);
    }
    return json(result.body);
  } catch (err) {
    return errorResponse(err);
  }
}
