/**
 * The CSRF rule of the contract, as a pure function so that the proxy, the handlers' wrapper
 * and the tests all apply exactly the same rule.
 *
 * Why a custom header works: a browser can only attach `X-Podpath-Request` to a cross-site
 * request after a CORS preflight, and podpath never answers a preflight with allow headers.
 * The Origin check closes the remaining gap for same-site tricks and tools that do send one.
 */

export const CSRF_HEADER = 'x-podpath-request';
export const CSRF_HEADER_VALUE = '1';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export interface CsrfRequest {
  method: string;
  /** The Host header (host[:port]) the request was addressed to. */
  host: string | null;
  /** The Origin header, if any. */
  origin: string | null;
  /** The X-Podpath-Request header, if any. */
  marker: string | null;
  /** 'http' or 'https', as the server saw the request (or X-Forwarded-Proto behind a proxy). */
  protocol: string;
}

export interface CsrfOptions {
  /**
   * Origins the dashboard is reachable at besides its own Host (e.g. behind an ingress that
   * rewrites Host). From PODPATH_ALLOWED_ORIGINS.
   */
  allowedOrigins?: readonly string[];
  /**
   * True when the server listens on a loopback address only. A non-loopback Host name on a
   * loopback socket can then only come from DNS rebinding, where the attacker's page is
   * "same-origin" with itself, so its Origin would otherwise match its Host.
   */
  loopbackOnly?: boolean;
}

export type CsrfVerdict =
  | { ok: true }
  | { ok: false; code: 'csrf-header-missing' | 'csrf-origin-mismatch'; message: string };

/** True for methods that change state and therefore need the CSRF header. */
export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Decides whether a request may proceed. Safe methods always may; state-changing ones need
 * `X-Podpath-Request: 1` and, when they carry an Origin, an origin equal to the dashboard's own.
 */
export function checkCsrf(req: CsrfRequest, opts: CsrfOptions = {}): CsrfVerdict {
  if (!isStateChanging(req.method)) return { ok: true };
  if (req.marker?.trim() !== CSRF_HEADER_VALUE) {
    return {
      ok: false,
      code: 'csrf-header-missing',
      message: `state-changing requests must carry the header X-Podpath-Request: ${CSRF_HEADER_VALUE}`,
    };
  }
  if (req.origin === null) return { ok: true };
  const own = ownOrigins(req, opts);
  const origin = normalizeOrigin(req.origin);
  if (origin !== null && own.has(origin)) return { ok: true };
  return {
    ok: false,
    code: 'csrf-origin-mismatch',
    message: `origin ${req.origin} is not this dashboard's origin`,
  };
}

function ownOrigins(req: CsrfRequest, opts: CsrfOptions): Set<string> {
  const own = new Set<string>();
  for (const o of opts.allowedOrigins ?? []) {
    const n = normalizeOrigin(o);
    if (n) own.add(n);
  }
  if (req.host) {
    const scheme = req.protocol.replace(/:$/, '').toLowerCase() === 'https' ? 'https' : 'http';
    const fromHost = normalizeOrigin(`${scheme}://${req.host}`);
    if (fromHost && (!opts.loopbackOnly || isLoopbackOrigin(fromHost))) own.add(fromHost);
  }
  return own;
}

/**
 * Canonical form of an origin (scheme://host[:port], default ports dropped, lower case), or null
 * when the value is not an http(s) origin at all (e.g. the literal `null` of sandboxed frames).
 */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin.toLowerCase();
}

function isLoopbackOrigin(origin: string): boolean {
  const host = new URL(origin).hostname;
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** True when a listen address (the HOST the server binds) is loopback only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return (
    h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

/** Reads PODPATH_ALLOWED_ORIGINS and HOST into the options the check takes. */
export function csrfOptionsFromEnv(env: Record<string, string | undefined>): CsrfOptions {
  const allowedOrigins = (env.PODPATH_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { allowedOrigins, loopbackOnly: isLoopbackHost(env.HOST ?? '127.0.0.1') };
}
