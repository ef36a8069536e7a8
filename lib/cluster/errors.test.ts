import { describe, expect, it } from 'vitest';
import {
  ClusterError,
  clusterErrorFromResponse,
  clusterErrorFromThrown,
  httpStatusFor,
  isClusterError,
  parseRetryAfter,
} from './errors';

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

describe('clusterErrorFromResponse', () => {
  it.each([
    [401, 'Unauthorized', 'unauthorized'],
    [403, 'Forbidden', 'forbidden'],
    [404, 'NotFound', 'not-found'],
    [409, 'AlreadyExists', 'conflict'],
    [409, 'Conflict', 'conflict'],
    [422, 'Invalid', 'invalid'],
    [410, 'Expired', 'gone'],
    [429, 'TooManyRequests', 'too-many-requests'],
    [504, 'Timeout', 'timeout'],
    [500, 'InternalError', 'unknown'],
  ] as const)('maps %i %s to %s, keeping the Status message', (code, reason, expected) => {
    const err = clusterErrorFromResponse(code, status(code, reason, `msg ${reason}`));
    expect(err.code).toBe(expected);
    expect(err.status).toBe(code);
    expect(err.message).toBe(`msg ${reason}`);
  });

  it('falls back to the HTTP status when the body is not a Status', () => {
    const err = clusterErrorFromResponse(403, '<html>nope</html>', {}, 'list pods');
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe('<html>nope</html>');
    expect(clusterErrorFromResponse(503, '', {}, 'list pods').message).toBe(
      'list pods: the API server answered 503',
    );
    expect(clusterErrorFromResponse(503, '').code).toBe('unreachable');
  });

  it('reads Retry-After from a 429', () => {
    const err = clusterErrorFromResponse(429, status(429, 'TooManyRequests', 'slow down'), {
      'retry-after': '3',
    });
    expect(err.retryAfterSeconds).toBe(3);
  });
});

describe('clusterErrorFromThrown', () => {
  it('recognises refused connections inside fetch failures', () => {
    const err = clusterErrorFromThrown(
      Object.assign(new TypeError('fetch failed'), {
        cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
      }),
      'list nodes',
    );
    expect(err.code).toBe('unreachable');
    expect(err.message).toBe('list nodes: cannot reach the API server (ECONNREFUSED)');
  });

  it('recognises timeouts and passes ClusterErrors through', () => {
    expect(clusterErrorFromThrown(new DOMException('t', 'TimeoutError')).code).toBe('timeout');
    const own = new ClusterError('conflict', 'x', 409);
    expect(clusterErrorFromThrown(own)).toBe(own);
    expect(clusterErrorFromThrown(new Error('weird')).code).toBe('unknown');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
  });
});

describe('httpStatusFor', () => {
  it('maps ClusterError codes to HTTP statuses and everything else to 500', () => {
    expect(httpStatusFor(new ClusterError('forbidden', 'x'))).toBe(403);
    expect(httpStatusFor(new ClusterError('not-found', 'x'))).toBe(404);
    expect(httpStatusFor(new ClusterError('unreachable', 'x'))).toBe(503);
    expect(httpStatusFor(new ClusterError('timeout', 'x'))).toBe(504);
    expect(httpStatusFor(new Error('x'))).toBe(500);
  });

  it('recognises a ClusterError from another copy of the module by name', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ClusterError', code: 'conflict' });
    expect(isClusterError(foreign)).toBe(true);
    expect(httpStatusFor(foreign)).toBe(409);
  });
});
