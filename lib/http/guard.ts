/**
 * Applies the CSRF rule to a standard Request. The proxy runs it for every /api request; the
 * mutating handlers run it again through `withCsrf`, so a matcher mistake cannot open a hole.
 */
import { checkCsrf, csrfOptionsFromEnv, CSRF_HEADER, type CsrfRequest } from './csrf';
import { jsonError } from './responses';

/** The parts of a request the CSRF rule looks at. */
export function csrfRequestFrom(req: Request): CsrfRequest {
  const forwarded = req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return {
    method: req.method,
    host: req.headers.get('host'),
    origin: req.headers.get('origin'),
    marker: req.headers.get(CSRF_HEADER),
    protocol: forwarded || new URL(req.url).protocol,
  };
}

/** The 403 answer for a request the rule refuses, or null when it may proceed. */
export function refuseForgedRequest(req: Request): Response | null {
  const verdict = checkCsrf(csrfRequestFrom(req), csrfOptionsFromEnv(process.env));
  return verdict.ok ? null : jsonError(403, verdict.code, verdict.message);
}

/**
 * A CORS preflight (OPTIONS with Access-Control-Request-Method). podpath never grants one:
 * answering without any Access-Control-Allow-* header is what keeps other sites from sending
 * X-Podpath-Request.
 */
export function isPreflight(req: Request): boolean {
  return req.method === 'OPTIONS' && req.headers.has('access-control-request-method');
}

/** Wraps a state-changing route handler so it refuses forged requests before doing anything. */
export function withCsrf<A extends unknown[]>(
  handler: (req: Request, ...rest: A) => Promise<Response>,
): (req: Request, ...rest: A) => Promise<Response> {
  return async (req, ...rest) => refuseForgedRequest(req) ?? handler(req, ...rest);
}
