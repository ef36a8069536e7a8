/** JSON answers of route handlers: never cached, errors always in the contract's one shape. */
import { errorBody } from '@/lib/api/errors';
import { httpStatusFor, isClusterError } from '@/lib/cluster/errors';

const NO_STORE = { 'Cache-Control': 'no-store' };

/** A JSON answer that no cache keeps: cluster state is only true at the moment it is read. */
export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: NO_STORE });
}

/** `{"error":{"code","message"}}` with the given status. */
export function jsonError(status: number, code: string, message: string): Response {
  return Response.json(errorBody(code, message), { status, headers: NO_STORE });
}

/**
 * Maps a thrown error to its answer: a ClusterError keeps its code and gets the status
 * `httpStatusFor` gives it; anything else is a 500 whose details stay in the server log.
 */
export function errorResponse(err: unknown): Response {
  if (isClusterError(err)) return jsonError(httpStatusFor(err), err.code, err.message);
  console.error('podpath: unexpected error in a route handler', err);
  return jsonError(500, 'internal', 'podpath hit an unexpected error; see the server log');
}
