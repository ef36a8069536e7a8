import type { ConnectSummary } from '@/lib/trace/types';
import { connectFailures, connectHeadline, connectMedianMs, formatMs } from './format';

export interface ConnectSummaryViewProps {
  connect: ConnectSummary;
}

/**
 * The repeated TCP connects: how many got through, one cell per attempt in the order they ran
 * (so "every other one fails" is visible at a glance), the median time and the errors seen.
 */
export function ConnectSummaryView({ connect }: ConnectSummaryViewProps) {
  const failed = connect.attempts - connect.succeeded;
  const tone =
    connect.attempts === 0
      ? 'text-fg-muted'
      : failed === 0
        ? 'text-ok'
        : connect.succeeded === 0
          ? 'text-danger'
          : 'text-warn';
  const verdict =
    connect.attempts === 0
      ? 'no attempt'
      : failed === 0
        ? 'all succeeded'
        : connect.succeeded === 0
          ? 'all failed'
          : 'some failed';
  const med = connectMedianMs(connect);
  const failures = connectFailures(connect);
  const okCount = connect.results.filter((r) => r.ok).length;

  return (
    <div
      data-testid="connect-summary"
      data-succeeded={connect.succeeded}
      data-attempts={connect.attempts}
      className="rounded-lg border border-line bg-surface px-4 py-3"
    >
      <p className="flex flex-wrap items-baseline gap-x-2 text-sm text-fg">
        <span className="font-medium tabular-nums">{headlineParts(connect)}</span>
        <span className={`text-xs font-medium ${tone}`}>({verdict})</span>
      </p>

      {connect.results.length > 0 && (
        <div className="mt-2.5 flex flex-wrap items-center gap-x-4 gap-y-2">
          <div
            role="img"
            aria-label={`Attempts in order: ${okCount} succeeded, ${connect.results.length - okCount} failed`}
            className="flex flex-wrap gap-0.5"
          >
            {connect.results.map((r, i) => (
              <span
                key={i}
                data-testid="connect-attempt"
                data-ok={r.ok ? 'true' : 'false'}
                title={`#${i + 1}: ${
                  r.ok
                    ? `ok${r.ms !== null ? `, ${formatMs(r.ms)}` : ''}`
                    : `failed: ${r.error ?? 'no reason given'}${r.ms !== null ? ` after ${formatMs(r.ms)}` : ''}`
                }`}
                // Failed cells are hollow as well as red, so the bar reads without colour.
                className={`block h-5 w-3 rounded-sm ${
                  r.ok ? 'bg-ok' : 'border-2 border-danger bg-danger-soft'
                }`}
              />
            ))}
          </div>
          <p className="text-xs text-fg-muted tabular-nums">
            {med !== null ? (
              <>
                median <span className="font-mono text-fg">{formatMs(med)}</span> of the ones that
                succeeded
              </>
            ) : (
              'no connect succeeded'
            )}
          </p>
        </div>
      )}

      {failures.length > 0 && (
        <ul className="mt-2 space-y-0.5 text-xs text-fg-muted" aria-label="Errors">
          {failures.map((f) => (
            <li key={f.error} className="tabular-nums">
              <span className="font-mono text-fg">{f.count}×</span> {f.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The headline with its address in monospace. */
function headlineParts(connect: ConnectSummary) {
  const text = connectHeadline(connect);
  const m = /^(.* to )(\S+)( succeeded)$/.exec(text);
  if (!m) return text;
  return (
    <>
      {m[1]}
      <span className="font-mono">{m[2]}</span>
      {m[3]}
    </>
  );
}
