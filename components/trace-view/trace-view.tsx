'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { AppHeader } from '@/components/app-header/app-header';
import { ClusterGraph } from '@/components/cluster-graph/cluster-graph';
import { GraphController } from '@/components/cluster-graph/graph-controller';
import { GraphMirror } from '@/components/cluster-graph/graph-mirror';
import { GraphToolbar } from '@/components/cluster-graph/graph-toolbar';
import { traceOnlyModel } from '@/components/cluster-graph/trace-overlay';
import { TraceStatusBadge } from '@/components/trace/status-badge';
import { TraceProgressView } from '@/components/trace-run/trace-progress';
import { toRunError, useTraceRun, type RunError } from '@/components/trace-run/use-trace-run';
import { useTheme } from '@/components/theme/use-theme';
import { apiRequest } from '@/lib/api/client';
import { traceCreatedSchema } from '@/lib/api/traces';
import type { TraceResult } from '@/lib/trace/types';
import { TraceActions } from './trace-actions';
import { TraceDetails } from './trace-details';

/** The share page: one stored trace, its picture, its details, and a way to run it again. */
export function TraceView({ initial }: { initial: TraceResult }) {
  const [controller] = useState(() => new GraphController());
  const [theme] = useTheme();
  const router = useRouter();
  const run = useTraceRun();
  const [activeLink, setActiveLink] = useState<number | null>(null);
  const [rerunning, setRerunning] = useState(false);
  const [rerunError, setRerunError] = useState<RunError | null>(null);

  const openRun = run.open;
  useEffect(() => openRun(initial.id, initial), [openRun, initial]);

  const trace: TraceResult = run.result ?? initial;
  const running = trace.status === 'running';
  const streamedHops = run.progress.hops;
  const live: TraceResult = useMemo(
    () => (running ? { ...trace, hops: streamedHops } : trace),
    [running, trace, streamedHops],
  );
  const model = useMemo(() => traceOnlyModel(live, { activeLink }), [live, activeLink]);
  useEffect(() => controller.setModel(model), [controller, model]);
  useEffect(() => controller.setTheme(theme), [controller, theme]);

  const rerun = async () => {
    setRerunning(true);
    setRerunError(null);
    try {
      const created = await apiRequest('/api/traces', traceCreatedSchema, {
        method: 'POST',
        body: { from: trace.from.ref, to: trace.to.ref, strategy: trace.strategy ?? 'auto' },
      });
      router.push(created.url);
    } catch (err) {
      setRerunError(toRunError(err));
      setRerunning(false);
    }
  };

  const created = new Date(trace.createdAt);
  const durationMs =
    trace.timings?.totalMs ??
    (trace.finishedAt ? Date.parse(trace.finishedAt) - created.getTime() : null);
  const historyHref = `/traces?from=${encodeURIComponent(trace.from.ref)}&to=${encodeURIComponent(trace.to.ref)}`;

  return (
    <div
      className="flex h-screen min-h-0 flex-col"
      data-testid="trace-page"
      data-trace-id={trace.id}
      data-status={trace.status}
    >
      <AppHeader>
        <h1
          className="min-w-0 truncate font-mono text-sm"
          title={`${trace.from.ref} → ${trace.to.ref}`}
        >
          <span data-testid="trace-from">{trace.from.ref}</span>
          <span className="px-2 text-fg-subtle" aria-label="to">
            →
          </span>
          <span data-testid="trace-to">{trace.to.ref}</span>
        </h1>
      </AppHeader>

      <div className="flex min-h-12 shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-b border-line bg-surface px-4 py-2 text-xs text-fg-muted">
        <TraceStatusBadge status={trace.status} />
        <span>
          cluster{' '}
          <strong className="font-medium text-fg" data-testid="trace-cluster">
            {trace.cluster}
          </strong>
        </span>
        <span title={trace.createdAt}>
          ran{' '}
          <time
            dateTime={trace.createdAt}
            className="font-medium text-fg tabular-nums"
            data-testid="trace-time"
          >
            {formatWhen(created)}
          </time>
        </span>
        {durationMs !== null && Number.isFinite(durationMs) && (
          <span className="tabular-nums">took {(durationMs / 1000).toFixed(1)} s</span>
        )}
        {trace.strategy && <span>probe: {trace.strategy}</span>}
        {trace.importedFrom && (
          <span
            data-testid="trace-imported"
            className="rounded bg-warn-soft px-1.5 py-0.5 text-warn"
            title={`Imported ${trace.importedFrom.importedAt}`}
          >
            imported from a JSON export (was {trace.importedFrom.id})
          </span>
        )}
        <div className="ml-auto flex flex-wrap items-center gap-1.5">
          <button
            type="button"
            onClick={() => void rerun()}
            disabled={rerunning || running}
            data-testid="rerun-button"
            className="inline-flex h-7 items-center rounded-md bg-accent px-2.5 text-xs font-semibold text-white hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:opacity-50 dark:text-slate-950"
          >
            {rerunning ? 'Starting…' : 'Re-run'}
          </button>
          {running && run.id && (
            <button
              type="button"
              onClick={() => void run.cancel()}
              disabled={run.cancelling}
              className="inline-flex h-7 items-center rounded-md border border-danger px-2.5 text-xs font-medium text-danger hover:bg-danger-soft"
            >
              {run.cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          <TraceActions trace={trace} png={() => controller.png()} />
          <Link
            href={historyHref}
            className="inline-flex h-7 items-center rounded-md px-2 text-xs text-fg-muted hover:text-fg"
          >
            Same path in history
          </Link>
        </div>
      </div>
      {rerunError && (
        <div role="alert" className="border-b border-danger/40 bg-danger-soft px-4 py-2 text-sm">
          <strong className="text-danger">{rerunError.title}:</strong> {rerunError.message}
        </div>
      )}

      <div className="flex min-h-0 flex-1">
        <section aria-label="Trace graph" className="relative min-w-0 flex-1 bg-canvas">
          <ClusterGraph controller={controller} />
          <GraphToolbar controller={controller} />
          <GraphMirror controller={controller} />
          {live.path.length === 0 && !running && (
            <p className="absolute inset-x-0 top-1/3 text-center text-sm text-fg-muted">
              No path to draw: {trace.error?.message ?? 'the probe saw nothing'}.
            </p>
          )}
        </section>
        <aside
          aria-label="Trace details"
          className="w-[26rem] shrink-0 overflow-y-auto border-l border-line bg-surface p-4 xl:w-[30rem]"
        >
          {running && (
            <div className="mb-4">
              <TraceProgressView progress={run.progress} startedAt={created.getTime()} running />
            </div>
          )}
          <TraceDetails trace={live} activeLink={activeLink} onSelectLink={setActiveLink} />
        </aside>
      </div>
    </div>
  );
}

/** The same text on the server and in every browser (no locale or time zone): no hydration drift. */
function formatWhen(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
