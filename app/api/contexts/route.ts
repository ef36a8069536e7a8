import { errorResponse, json } from '@/lib/http/responses';
import { contexts } from '@/lib/http/cluster-endpoints';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    return json(contexts());
  } catch (err) {
    return errorResponse(err);
  }
}
