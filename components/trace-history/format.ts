/**
 * Times as the history and compare pages print them. Pure, so the wording is tested on its own.
 */
import type { TraceResult } from '@/lib/trace/types';

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; future times count as now. */
export function relativeTime(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** "2026-11-21 22:34:06" in the viewer's time zone, for titles and headers. */
export function absoluteTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** How long a trace took: its own timings, else finishedAt - createdAt; null while unknown. */
export function traceDurationMs(
  trace: Pick<TraceResult, 'createdAt' | 'finishedAt' | 'timings'>,
): number | null {
  if (trace.timings) return trace.timings.totalMs;
  if (!trace.finishedAt) return null;
  const ms = Date.parse(trace.finishedAt) - Date.parse(trace.createdAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** "240 ms", "1.8 s", "42 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
