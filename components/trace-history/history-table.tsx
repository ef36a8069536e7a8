'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type MouseEvent } from 'react';
import { TraceStatusBadge } from '@/components/trace/status-badge';
import type { Finding, Severity, TraceResult } from '@/lib/trace/types';
import { absoluteTime, formatDuration, relativeTime, traceDurationMs } from './format';

export interface HistoryTableProps {
  traces: TraceResult[];
  /** No answer yet: skeleton rows hold the space. */
  loading: boolean;
  /** The rows are the previous filter's while the new one loads. */
  stale: boolean;
  selected: string[];
  onToggle: (id: string) => void;
}

const SKELETON_ROWS = 8;
const ROW = 'h-12';

/** The traces as a table with fixed row heights, so refreshes never move anything. */
export function HistoryTable({ traces, loading, stale, selected, onToggle }: HistoryTableProps) {
  const router = useRouter();
  const now = useNow(10_000);

  const openRow = (e: MouseEvent<HTMLTableRowElement>, id: string) => {
    // Clicks on the checkbox or the link do their own thing; text selection is not a click.
    const target = e.target as HTMLElement;
    if (target.closest('a, button, input, label')) return;
    if (window.getSelection()?.toString()) return;
    if (e.metaKey || e.ctrlKey) window.open(`/traces/${id}`, '_blank');
    else router.push(`/traces/${id}`);
  };

  return (
    <table className="w-full min-w-[68rem] table-fixed border-collapse text-sm">
      <caption className="sr-only">Recent traces, newest first</caption>
      <colgroup>
        <col className="w-10" />
        <col className="w-28" />
        <col />
        <col className="w-32" />
        <col className="w-28" />
        <col className="w-52" />
        <col className="w-24" />
        <col className="w-28" />
      </colgroup>
      <thead className="sticky top-0 z-10 bg-surface text-left text-xs font-medium text-fg-muted shadow-[inset_0_-1px_0_var(--line)]">
        <tr className="h-9">
          <th scope="col" className="px-3">
            <span className="sr-only">Select</span>
          </th>
          <th scope="col" className="px-2">
            Time
          </th>
          <th scope="col" className="px-2">
            From → to
          </th>
          <th scope="col" className="px-2">
            Status
          </th>
          <th scope="col" className="px-2">
            Strategy
          </th>
          <th scope="col" className="px-2">
            Findings
          </th>
          <th scope="col" className="px-2 text-right">
            Duration
          </th>
          <th scope="col" className="px-2 pr-4">
            Cluster
          </th>
        </tr>
      </thead>
      <tbody className={stale ? 'opacity-60 transition-opacity' : 'transition-opacity'}>
        {loading
          ? Array.from({ length: SKELETON_ROWS }, (_, i) => <SkeletonRow key={i} />)
          : traces.map((t) => {
              const isSelected = selected.includes(t.id);
              const duration = traceDurationMs(t);
              const top = topFinding(t.findings);
              const route = `${t.from.ref} → ${t.to.ref}`;
              return (
                <tr
                  key={t.id}
                  data-testid="trace-row"
                  data-trace-id={t.id}
                  data-status={t.status}
                  data-selected={isSelected || undefined}
                  onClick={(e) => openRow(e, t.id)}
                  className={`${ROW} cursor-pointer border-b border-line ${isSelected ? 'bg-accent-soft' : 'bg-surface hover:bg-surface-2'}`}
                >
                  <td className="px-3">
                    <input
                      type="checkbox"
                      checked={isSelected}
                      onChange={() => onToggle(t.id)}
                      aria-label={`Select ${route} (${absoluteTime(t.createdAt)})`}
                      className="h-4 w-4 cursor-pointer accent-accent focus-visible:outline-2 focus-visible:outline-accent"
                    />
                  </td>
                  <td className="px-2 whitespace-nowrap tabular-nums">
                    <time
                      dateTime={t.createdAt}
                      title={absoluteTime(t.createdAt)}
                      className="text-fg"
                    >
                      {relativeTime(t.createdAt, now)}
                    </time>
                  </td>
                  <td className="truncate px-2">
                    <Link
                      href={`/traces/${t.id}`}
                      title={route}
                      className="rounded-sm font-mono text-xs text-fg hover:text-accent hover:underline focus-visible:outline-2 focus-visible:outline-accent"
                    >
                      {t.from.ref}
                      <span className="px-1.5 font-sans text-fg-subtle">→</span>
                      {t.to.ref}
                    </Link>
                    {t.importedFrom && (
                      <span
                        className="ml-2 rounded bg-surface-2 px-1.5 py-0.5 text-[11px] text-fg-muted"
                        title={`Imported ${absoluteTime(t.importedFrom.importedAt)} from trace ${t.importedFrom.id}`}
                      >
                        imported
                      </span>
                    )}
                  </td>
                  <td className="px-2">
                    <TraceStatusBadge status={t.status} />
                  </td>
                  <td className="px-2 text-fg-muted">{t.strategy ?? '—'}</td>
                  <td className="truncate px-2">
                    {top ? (
                      <span className="inline-flex items-center gap-1.5" title={top.title}>
                        <span className="w-4 text-right text-fg-muted tabular-nums">
                          {t.findings.length}
                        </span>
                        <span
                          className={`truncate rounded px-1.5 py-0.5 font-mono text-[11px] ${SEVERITY_CLASS[top.severity]}`}
                        >
                          {top.rule}
                        </span>
                      </span>
                    ) : (
                      <span className="text-fg-subtle">
                        <span className="inline-block w-4 text-right tabular-nums">0</span>
                      </span>
                    )}
                  </td>
                  <td className="px-2 text-right whitespace-nowrap text-fg-muted tabular-nums">
                    {duration !== null
                      ? formatDuration(duration)
                      : t.status === 'running'
                        ? '…'
                        : '—'}
                  </td>
                  <td className="truncate px-2 pr-4 text-fg-muted" title={t.cluster}>
                    {t.cluster}
                  </td>
                </tr>
              );
            })}
      </tbody>
    </table>
  );
}

function SkeletonRow() {
  const bar = 'block h-3 animate-pulse rounded bg-surface-2';
  return (
    <tr className={`${ROW} border-b border-line bg-surface`} aria-hidden="true">
      <td className="px-3">
        <span className={`${bar} w-4`} />
      </td>
      <td className="px-2">
        <span className={`${bar} w-16`} />
      </td>
      <td className="px-2">
        <span className={`${bar} w-3/4`} />
      </td>
      <td className="px-2">
        <span className={`${bar} w-20`} />
      </td>
      <td className="px-2">
        <span className={`${bar} w-10`} />
      </td>
      <td className="px-2">
        <span className={`${bar} w-24`} />
      </td>
      <td className="px-2">
        <span className={`${bar} ml-auto w-12`} />
      </td>
      <td className="px-2 pr-4">
        <span className={`${bar} w-12`} />
      </td>
    </tr>
  );
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const SEVERITY_CLASS: Record<Severity, string> = {
  error: 'bg-danger-soft text-danger',
  warning: 'bg-warn-soft text-warn',
  info: 'bg-accent-soft text-accent',
};

/** The most severe finding, the rules' own order among equals. */
function topFinding(findings: Finding[]): Finding | null {
  let top: Finding | null = null;
  for (const f of findings) {
    if (!top || SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[top.severity]) top = f;
  }
  return top;
}

/** The current time, ticking; relative times are computed on the client only. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
