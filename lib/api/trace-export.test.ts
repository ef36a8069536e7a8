import { describe, expect, it } from 'vitest';
import type { TraceResult } from '@/lib/trace/types';
import { parseTraceExport, traceExportFileName } from './trace-export';

const trace: TraceResult = {
  id: 'V1StGXR8_Z5jdHi6B-myTbE3',
  createdAt: '2026-11-21T22:34:06Z',
  finishedAt: '2026-11-21T22:34:07Z',
  cluster: 'demo',
  from: { ref: 'pod:default/web-client', kind: 'pod', ip: '10.244.2.3', node: 'node-2' },
  to: { ref: 'pod:default/httpd', kind: 'pod', ip: '10.244.1.3', node: 'node-1' },
  strategy: 'pod',
  status: 'reachable',
  hops: [
    {
      ttl: 1,
      ip: '10.244.1.3',
      rttMs: [0.61],
      entity: { kind: 'pod', namespace: 'default', name: 'httpd' },
    },
  ],
  path: [
    { id: 'pod:default/web-client', kind: 'pod' },
    { id: 'pod:default/httpd', kind: 'pod' },
  ],
  links: [{ from: 0, to: 1, state: 'ok' }],
  findings: [],
  raw: { traceroute: 'traceroute to 10.244.1.3' },
};

const pretty = JSON.stringify(trace, null, 2);

describe('parseTraceExport', () => {
  it('reads a pretty-printed export', () => {
    expect(parseTraceExport(pretty)).toEqual({ ok: true, trace });
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(parseTraceExport(`\uFEFF${pretty}`)).toEqual({ ok: true, trace });
  });

  it('refuses text that is not JSON, saying so', () => {
    const got = parseTraceExport('traceroute to 10.244.1.3 (10.244.1.3), 30 hops max');
    expect(got.ok).toBe(false);
    expect(!got.ok && got.message).toMatch(/^the file is not JSON: /);
  });

  it('refuses an empty file', () => {
    expect(parseTraceExport('  \n')).toEqual({ ok: false, message: 'the file is empty' });
  });

  it('refuses JSON that is not an object', () => {
    expect(parseTraceExport('[1,2]')).toEqual({
      ok: false,
      message: 'the file is JSON but not a podpath trace export (an object)',
    });
  });

  it('names the first field that is wrong', () => {
    const { status: _status, ...withoutStatus } = trace;
    const got = parseTraceExport(JSON.stringify(withoutStatus));
    expect(got.ok).toBe(false);
    expect(!got.ok && got.message).toMatch(/^not a podpath trace export: status: /);

    const badLink = { ...trace, links: [{ from: 0, to: 1, state: 'green' }] };
    const got2 = parseTraceExport(JSON.stringify(badLink));
    expect(!got2.ok && got2.message).toMatch(/^not a podpath trace export: links\.0\.state: /);
  });

  it('refuses some other JSON document', () => {
    const got = parseTraceExport('{"name":"podpath","version":"0.1.0"}');
    expect(!got.ok && got.message).toMatch(/^not a podpath trace export: id: /);
  });
});

describe('traceExportFileName', () => {
  it('is podpath-trace-<id>.json', () => {
    expect(traceExportFileName('abc')).toBe('podpath-trace-abc.json');
  });
});
