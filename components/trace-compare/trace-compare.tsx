'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, type ReactNode } from 'react';
import { AppHeader } from '@/components/app-header/app-header';
import { absoluteTime, formatDuration, traceDurationMs } from '@/components/trace-history/format';
import { PathStrip } from '@/components/trace/path-strip';
import { TraceStatusBadge } from '@/components/trace/status-badge';
import { ApiError, fetchTrace } from '@/lib/api/client';
import { traceKeys } from '@/lib/api/query-keys';
import { TRACE_ID_PATTERN } from '@/lib/api/traces';
import { compareTraces, msText } from '@/lib/trace/compare';
import type { TraceResult } from '@/lib/trace/types';
import { ChangeList } from './change-list';

export interface TraceCompareProps {
  /** The `a` query parameter: the trace before (the older one, from the history). */
  a: string | null;
  /** The `b` query parameter: the trace after. */
  b: string | null;
}

const RUNNING_REFRESH_MS = 2_000;

/** Two traces side by side with what changed between them on top. */
export function TraceCompare({ a, b }: TraceCompareProps) {
  const left = useTraceSide('a', a);
  const right = useTraceSide('b', b);
  const problems = [left.problem, right.problem].filter((p): p is string => p !== null);
  const ready = left.trace && right.trace ? { a: left.trace, b: right.trace } : null;
  const comparison = useMemo(
    () => (left.trace && right.trace ? compareTraces(left.trace, right.trace) : null),
    [left.trace, right.trace],
  );

  return (
    <div className="flex h-screen min-h-0 flex-col">
      <AppHeader>
        <h1 className="text-sm font-semibold">Compare traces</h1>
        {a && b && TRACE_ID_PATTERN.test(a) && TRACE_ID_PATTERN.test(b) && (
          <Link
            href={`/traces/compare?a=${encodeURIComponent(b)}&b=${encodeURIComponent(a)}`}
            className="rounded-md px-2 py-1 text-xs text-fg-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
          >
            Swap before and after
          </Link>
        )}
      </AppHeader>

      <main data-testid="trace-compare" className="min-h-0 flex-1 overflow-auto">
        <div className="mx-auto flex max-w-[100rem] flex-col gap-4 p-4">
          {problems.length > 0 && (
            <div
              role="alert"
              className="rounded-lg border border-danger bg-danger-soft p-4 text-sm"
            >
              <p className="font-medium text-danger">These traces cannot be compared yet.</p>
              <ul className="mt-1 list-disc pl-5 text-fg">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
              <Link
                href="/traces"
                className="mt-3 inline-block text-accent hover:underline focus-visible:outline-2 focus-visible:outline-accent"
              >
                Pick two traces in the history
              </Link>
            </div>
          )}

          {ready && !comparison?.sameEndpoints && (
            <p
              role="status"
              className="rounded-lg border border-warn bg-warn-soft px-4 py-2 text-sm text-warn"
            >
              <span className="font-semibold">Different endpoints.</span> These traces do not go
              between the same source and target (
              <code className="font-mono text-xs">
                {ready.a.from.ref} → {ready.a.to.ref}
              </code>{' '}
              vs{' '}
              <code className="font-mono text-xs">
                {ready.b.from.ref} → {ready.b.to.ref}
              </code>
              ), so some differences are just the other path.
            </p>
          )}

          <section
            data-testid="compare-summary"
            aria-labelledby="what-changed"
            className="rounded-lg border border-line bg-surface"
          >
            <h2 id="what-changed" className="border-b border-line px-4 py-2 text-sm font-semibold">
              What changed
            </h2>
            {ready && comparison ? (
              <>
                <dl className="grid grid-cols-3 divide-x divide-line border-b border-line">
                  <Figure
                    label="Status"
                    changed={comparison.status.before !== comparison.status.after}
                    kind="status"
                  >
                    <TraceStatusBadge status={comparison.status.before} />
                    <Arrow />
                    <TraceStatusBadge status={comparison.status.after} />
                  </Figure>
                  <Figure
                    label="Hops"
                    changed={comparison.hops.before !== comparison.hops.after}
                    kind="hops"
                  >
                    {comparison.hops.before}
                    <Arrow />
                    {comparison.hops.after}
                    <Delta value={comparison.hops.after - comparison.hops.before} unit="" />
                  </Figure>
                  <Figure
                    label="RTT (last hop, median)"
                    changed={comparison.rttMs.before !== comparison.rttMs.after}
                    kind="rtt"
                  >
                    {msText(comparison.rttMs.before)}
                    <Arrow />
                    {msText(comparison.rttMs.after)}
                    {comparison.rttMs.before !== null && comparison.rttMs.after !== null && (
                      <Delta value={comparison.rttMs.after - comparison.rttMs.before} unit="ms" />
                    )}
                  </Figure>
                </dl>
                <ChangeList changes={comparison.changes} />
              </>
            ) : (
              <div className="h-40 animate-pulse" aria-hidden={problems.length === 0} />
            )}
          </section>

          <div className="grid gap-4 xl:grid-cols-2">
            <TracePanel side="a" title="Before" state={left} />
            <TracePanel side="b" title="After" state={right} />
          </div>
        </div>
      </main>
    </div>
  );
}

interface SideState {
  id: string | null;
  trace: TraceResult | null;
  loading: boolean;
  problem: string | null;
}

function useTraceSide(side: 'a' | 'b', id: string | null): SideState {
  const valid = id !== null && TRACE_ID_PATTERN.test(id);
  const q = useQuery({
    queryKey: traceKeys.detail(id ?? ''),
    queryFn: ({ signal }) => fetchTrace(id ?? '', signal),
    enabled: valid,
    refetchInterval: (query) =>
      query.state.data?.status === 'running' ? RUNNING_REFRESH_MS : false,
  });
  let problem: string | null = null;
  if (!id) problem = `Trace ${side} is missing: the address needs ?a=ID&b=ID.`;
  else if (!valid) problem = `Trace ${side} (“${id}”) is not a trace id: ids are 24 characters.`;
  else if (q.isError) {
    problem =
      q.error instanceof ApiError && q.error.status === 404
        ? `Trace ${side} (${id}) does not exist on this server (traces live in its memory).`
        : `Trace ${side} (${id}) could not be loaded: ${q.error.message}`;
  }
  return { id, trace: q.data ?? null, loading: valid && q.isPending, problem };
}

function TracePanel({ side, title, state }: { side: 'a' | 'b'; title: string; state: SideState }) {
  const t = state.trace;
  const duration = t ? traceDurationMs(t) : null;
  return (
    <section
      aria-label={`${title}: trace ${side}`}
      data-side={side}
      className="min-w-0 rounded-lg border border-line bg-surface"
    >
      <header className="flex min-h-[4.5rem] flex-wrap items-center gap-x-4 gap-y-1 border-b border-line px-4 py-2">
        <span className="rounded bg-surface-2 px-1.5 py-0.5 text-xs font-semibold text-fg-muted uppercase">
          {side} · {title}
        </span>
        {t ? (
          <>
            <TraceStatusBadge status={t.status} />
            <time
              dateTime={t.createdAt}
              className="text-xs text-fg-muted tabular-nums"
              title={t.createdAt}
            >
              {absoluteTime(t.createdAt)}
            </time>
            <span className="text-xs text-fg-muted">
              cluster <span className="font-medium text-fg">{t.cluster}</span>
            </span>
            {duration !== null && (
              <span className="text-xs text-fg-muted tabular-nums">{formatDuration(duration)}</span>
            )}
            <Link
              href={`/traces/${t.id}`}
              className="ml-auto text-xs text-accent hover:underline focus-visible:outline-2 focus-visible:outline-accent"
            >
              Open trace
            </Link>
            <p className="w-full truncate font-mono text-xs" title={`${t.from.ref} → ${t.to.ref}`}>
              {t.from.ref} <span className="font-sans text-fg-subtle">→</span> {t.to.ref}
            </p>
          </>
        ) : (
          <span className="h-3 w-64 animate-pulse rounded bg-surface-2" aria-hidden="true" />
        )}
      </header>
      <div className="p-4">
        {t ? (
          <>
            <PathStrip trace={t} />
            {t.findings.length > 0 && (
              <ul className="mt-4 space-y-1 border-t border-line pt-3 text-xs">
                {t.findings.map((f, i) => (
                  <li key={i} className="flex gap-2">
                    <span className="shrink-0 font-mono font-semibold">{f.rule}</span>
                    <span className="truncate text-fg-muted" title={f.title}>
                      {f.title}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <div className="h-16 animate-pulse rounded bg-surface-2" aria-hidden="true" />
        )}
      </div>
    </section>
  );
}

interface FigureProps {
  label: string;
  /** A changed figure is one of the comparison's changes (same test id as the list's items). */
  changed: boolean;
  kind: 'status' | 'hops' | 'rtt';
  children: ReactNode;
}

function Figure({ label, changed, kind, children }: FigureProps) {
  return (
    <div
      className="px-4 py-3"
      data-testid={changed ? 'compare-change' : undefined}
      data-kind={changed ? kind : undefined}
    >
      <dt className="text-xs text-fg-muted">
        {label}
        {!changed && <span className="text-fg-subtle"> · unchanged</span>}
      </dt>
      <dd className="mt-1 flex items-center gap-2 text-sm font-medium tabular-nums">{children}</dd>
    </div>
  );
}

function Arrow() {
  return (
    <>
      <span aria-hidden="true" className="text-fg-subtle">
        →
      </span>
      <span className="sr-only">to</span>
    </>
  );
}

function Delta({ value, unit }: { value: number; unit: string }) {
  if (value === 0) return <span className="text-xs font-normal text-fg-subtle">(same)</span>;
  const text = unit === 'ms' ? msText(Math.abs(value)) : String(Math.abs(value));
  return (
    <span className="text-xs font-normal text-fg-muted">
      ({value > 0 ? '+' : '\u2212'}
      {text})
    </span>
  );
}
