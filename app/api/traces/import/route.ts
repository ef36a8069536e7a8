import { MAX_TRACE_EXPORT_BYTES, parseTraceExport } from '@/lib/api/trace-export';
import { withCsrf } from '@/lib/http/guard';
import { json, jsonError } from '@/lib/http/responses';
import { importTrace, traceErrorResponse } from '@/lib/server/trace-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const tooLarge = () =>
  jsonError(
    413,
    'too-large',
    `a trace export is at most ${MAX_TRACE_EXPORT_BYTES / 1024 / 1024} MB`,
  );

/** `POST /api/traces/import`: an exported TraceResult in, 201 `{id, url}` of its new copy out. */
export const POST = withCsrf(async (req) => {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_TRACE_EXPORT_BYTES) return tooLarge();
  // Content-Length may be absent (chunked) or wrong, so the read itself is capped too.
  const text = await readCapped(req, MAX_TRACE_EXPORT_BYTES);
  if (text === null) return tooLarge();
  const parsed = parseTraceExport(text);
  if (!parsed.ok) return jsonError(400, 'invalid-export', parsed.message);
  try {
    return json(await importTrace(parsed.trace), 201);
  } catch (err) {
    return traceErrorResponse(err);
  }
});

/** The body as UTF-8 text, or null as soon as it grows past `max` bytes. */
async function readCapped(req: Request, max: number): Promise<string | null> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
