/**
 * Reading a trace export: the file the trace page saves is the TraceResult JSON itself,
 * pretty-printed. Shared by `POST /api/traces/import` and anything in the browser that wants
 * to check a file before sending it.
 */
import type { TraceResult } from '@/lib/trace/types';
import { traceResultSchema } from './traces';

/** Largest export accepted: a trace with every probe's raw output is a few hundred kilobytes. */
export const MAX_TRACE_EXPORT_BYTES = 5 * 1024 * 1024;

export type TraceExportParse = { ok: true; trace: TraceResult } | { ok: false; message: string };

/**
 * Parses the text of an exported trace. A UTF-8 byte order mark (which some editors add on
 * save) is skipped; text that is not JSON, or JSON that is not a TraceResult, is refused with
 * a message naming the first field that is wrong.
 */
export function parseTraceExport(text: string): TraceExportParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, message: 'the file is empty' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const why = err instanceof SyntaxError ? `: ${err.message}` : '';
    return { ok: false, message: `the file is not JSON${why}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'the file is JSON but not a podpath trace export (an object)' };
  }
  const parsed = traceResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the trace';
    return {
      ok: false,
      message: `not a podpath trace export: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, trace: parsed.data };
}

/** The file name the trace page saves an export under. */
export function traceExportFileName(id: string): string {
  return `podpath-trace-${id}.json`;
}
