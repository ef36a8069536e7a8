import { health } from '@/lib/http/cluster-endpoints';
import { json } from '@/lib/http/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET() {
  const body = await health();
  return json(body, body.ok ? 200 : 503);
}
