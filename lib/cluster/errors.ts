/**
 * The one error type that leaves the door to the cluster. Route handlers map it with
 * `httpStatusFor`; nothing outside lib/cluster sees client-node's ApiException or undici's errors.
 * This file does not touch the client, so pure code and the browser bundle may import it.
 */

export type ClusterErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'gone'
  | 'unreachable'
  | 'timeout'
  | 'too-many-requests'
  | 'unknown';

export class ClusterError extends Error {
  override readonly name = 'ClusterError';

  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    /** HTTP status the API server answered, or 0 when no answer came (network, timeout). */
    readonly status = 0,
    /** Seconds the server asked us to wait (429 Retry-After), when it said. */
    readonly retryAfterSeconds: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: ClusterErrorCode; message: string; status: number } {
    return { code: this.code, message: this.message, status: this.status };
  }
}

/** True for a ClusterError, including one from another copy of this module (Next.js dev). */
export function isClusterError(err: unknown): err is ClusterError {
  return (
    err instanceof ClusterError ||
    (err instanceof Error &&
      err.name === 'ClusterError' &&
      typeof (err as ClusterError).code === 'string')
  );
}

const CODE_BY_STATUS: Record<number, ClusterErrorCode> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  410: 'gone',
  422: 'invalid',
  429: 'too-many-requests',
  504: 'timeout',
};

/** Kubernetes Status reasons that say more than the HTTP status. */
const CODE_BY_REASON: Record<string, ClusterErrorCode> = {
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not-found',
  AlreadyExists: 'conflict',
  Conflict: 'conflict',
  Invalid: 'invalid',
  BadRequest: 'invalid',
  Gone: 'gone',
  Expired: 'gone',
  TooManyRequests: 'too-many-requests',
  Timeout: 'timeout',
  ServerTimeout: 'timeout',
  ServiceUnavailable: 'unreachable',
};

/**
 * Turns an HTTP answer from the API server into a ClusterError. `body` is the response text,
 * usually a `kind: Status` object whose message is the most useful thing to show.
 */
export function clusterErrorFromResponse(
  status: number,
  body: string,
  headers: Record<string, string | undefined> = {},
  what?: string,
): ClusterError {
  let message = '';
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
    if (typeof parsed.reason === 'string') reason = parsed.reason;
  } catch {
    message = body.trim().slice(0, 500);
  }
  const code =
    (reason ? CODE_BY_REASON[reason] : undefined) ??
    CODE_BY_STATUS[status] ??
    (status === 502 || status === 503 ? 'unreachable' : 'unknown');
  if (!message) message = `${what ? `${what}: ` : ''}the API server answered ${status}`;
  return new ClusterError(code, message, status, parseRetryAfter(headers['retry-after']));
}

/** Turns a thrown network or abort error (no HTTP answer) into a ClusterError. */
export function clusterErrorFromThrown(err: unknown, what?: string): ClusterError {
  if (isClusterError(err)) return err;
  const prefix = what ? `${what}: ` : '';
  const e = err as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string };
  };
  if (
    e?.name === 'TimeoutError' ||
    e?.code === 'UND_ERR_CONNECT_TIMEOUT' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT'
  ) {
    return new ClusterError('timeout', `${prefix}the API server did not answer in time`, 0, null, {
      cause: err,
    });
  }
  const netCode = e?.cause?.code ?? e?.code;
  const netCodes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EAI_AGAIN',
    'EPIPE',
    'UND_ERR_SOCKET',
  ];
  if (netCode && netCodes.includes(netCode)) {
    return new ClusterError(
      'unreachable',
      `${prefix}cannot reach the API server (${netCode})`,
      0,
      null,
      {
        cause: err,
      },
    );
  }
  if (e?.name === 'TypeError' && e.message === 'fetch failed') {
    const detail = e.cause?.message ? ` (${e.cause.message})` : '';
    return new ClusterError(
      'unreachable',
      `${prefix}cannot reach the API server${detail}`,
      0,
      null,
      { cause: err },
    );
  }
  const message = e?.message ?? String(err);
  return new ClusterError('unknown', `${prefix}${message}`, 0, null, { cause: err });
}

/** Parses Retry-After: delay seconds, or an HTTP date (which the API server never sends, but proxies may). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const HTTP_STATUS: Record<ClusterErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  invalid: 422,
  gone: 410,
  // The cluster, not the browser's request, is at fault, and trying again later may work.
  unreachable: 503,
  timeout: 504,
  'too-many-requests': 429,
  unknown: 500,
};

/** The HTTP status a route handler answers for an error; 500 for anything not a ClusterError. */
export function httpStatusFor(err: unknown): number {
  return isClusterError(err) ? HTTP_STATUS[err.code] : 500;
}
