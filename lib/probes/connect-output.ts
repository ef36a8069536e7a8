/**
 * Reads what a connect probe printed into podpath's ConnectSummary. podpath-connect (the probe
 * image's tool, probe-image/podpath-connect) prints one line per attempt and a summary:
 *
 *   attempt 1 ok 1.27ms
 *   attempt 2 fail Connection refused
 *   connected 1/2
 *
 * A run cut short (deadline, cancel) has no summary line; the attempts seen still count.
 */
import type { ConnectSummary } from '../trace/types';

const ATTEMPT = /^attempt (\d+) (ok|fail)(?: (.*))?$/;
const SUMMARY = /^connected (\d+)\/(\d+)$/;
const MS = /^(\d+(?:\.\d+)?)ms$/;

export interface ParsedConnect extends ConnectSummary {
  /** The summary line was there: every planned attempt ran. */
  complete: boolean;
  /** Attempts planned, from the summary line (null when it is missing). */
  planned: number | null;
}

/** Parses podpath-connect output; null when it printed no attempt at all. */
export function parseConnectOutput(
  text: string,
  target: string,
  port: number,
): ParsedConnect | null {
  const results: ConnectSummary['results'] = [];
  let planned: number | null = null;
  let reportedOk: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const attempt = ATTEMPT.exec(line);
    if (attempt) {
      const ok = attempt[2] === 'ok';
      const rest = attempt[3]?.trim() ?? '';
      if (ok) {
        const ms = MS.exec(rest);
        results.push({ ok: true, ms: ms ? Number(ms[1]) : null });
      } else {
        results.push({ ok: false, ms: null, error: rest || 'failed' });
      }
      continue;
    }
    const summary = SUMMARY.exec(line);
    if (summary) {
      reportedOk = Number(summary[1]);
      planned = Number(summary[2]);
    }
  }
  if (results.length === 0) return null;
  const succeeded = results.filter((r) => r.ok).length;
  return {
    target,
    port,
    attempts: results.length,
    succeeded,
    results,
    // The summary must agree with the lines; a mismatch means lines were lost.
    complete: planned === results.length && reportedOk === succeeded,
    planned,
  };
}

/**
 * One busybox `nc -v -z` attempt: exit 0 is a connection; otherwise the last line that says
 * why (busybox: `nc: can't connect to remote host (10.96.77.7): Connection refused`).
 */
export function singleConnectSummary(
  exitCode: number,
  log: string,
  target: string,
  port: number,
): ParsedConnect {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const last = lines[lines.length - 1] ?? '';
  const cause = /timed out/i.test(last) ? 'timed out' : (last.split(': ').pop() ?? '');
  const result =
    exitCode === 0
      ? { ok: true, ms: null }
      : { ok: false, ms: null, error: cause || `exit status ${exitCode}` };
  return {
    target,
    port,
    attempts: 1,
    succeeded: exitCode === 0 ? 1 : 0,
    results: [result],
    complete: true,
    planned: 1,
  };
}
