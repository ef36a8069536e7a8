import { NextResponse, type NextRequest } from 'next/server';
import { isPreflight, refuseForgedRequest } from '@/lib/http/guard';
import { jsonError } from '@/lib/http/responses';

/**
 * Every /api request passes here first, so no route can forget the CSRF rule: state-changing
 * requests need X-Podpath-Request: 1 and, with an Origin, the dashboard's own origin.
 */
export function proxy(request: NextRequest) {
  if (isPreflight(request)) {
    return jsonError(403, 'cors-refused', 'podpath does not answer cross-origin requests');
  }
  return refuseForgedRequest(request) ?? NextResponse.next();
}

export const config = { matcher: '/api/:path*' };
