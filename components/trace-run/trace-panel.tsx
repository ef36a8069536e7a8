'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { EndpointPicker } from '@/components/trace-picker/endpoint-picker';
import type { EndpointOption } from '@/components/trace-picker/endpoint-options';
import { TraceStatusBadge } from '@/components/trace/status-badge';
import { TraceActions } from '@/components/trace-view/trace-actions';
import { TraceDetails } from '@/components/trace-view/trace-details';
import type { RequestedStrategy } from '@/lib/api/traces';
import type { TraceResult } from '@/lib/trace/types';
import { TraceProgressView } from './trace-progress';
import type { TraceRun } from './use-trace-run';

export interface TracePanelProps {
  options: readonly EndpointOption[];
  from: string | null;
  to: string | null;
  onChange: (which: 'from' | 'to', ref: string | null) => void;
  activeSlot: 'from' | 'to';
  onActivateSlot: (slot: 'from' | 'to') => void;
  strategy: RequestedStrategy;
  onStrategy: (s: RequestedStrategy) => void;
  run: TraceRun;
  startedAt: number | null;
  onRun: () => void;
  activeLink: number | null;
  onSelectLink: (link: number | null) => void;
  png?: () => Promise<Blob | null>;
}

/**
 * The trace side of the home page: pick a source and a target (typed, searched or clicked on
 * the graph), run, watch the probe's progress, then read the result. Its width is fixed and its
 * sections keep their heights while a trace runs, so nothing on the page jumps.
 */
export function TracePanel(props: TracePanelProps) {
  const { run, from, to } = props;
  const [showOptions, setShowOptions] = useState(false);
  const busy = run.phase === 'starting' || run.phase === 'running';
  const canRun = !!from && !!to && !busy;

  const live: TraceResult | null = useMemo(() => {
    if (run.result && run.result.status !== 'running') return run.result;
    if (run.phase === 'idle' && !run.result) return null;
    const base = run.result;
    return {
      id: run.id ?? '',
      createdAt: base?.createdAt ?? new Date(props.startedAt ?? 0).toISOString(),
      cluster: base?.cluster ?? '',
      from: base?.from ?? { ref: from ?? '', kind: 'pod', ip: null, node: null },
      to: base?.to ?? { ref: to ?? '', kind: 'pod', ip: null, node: null },
      strategy: base?.strategy ?? null,
      status: 'running',
      hops: run.progress.hops,
      path: [],
      links: [],
      findings: [],
      raw: {},
    };
  }, [run.result, run.phase, run.id, run.progress.hops, from, to, props.startedAt]);

  return (
    <aside
      aria-label="Trace"
      data-testid="trace-panel"
      className="flex w-[25rem] shrink-0 flex-col border-l border-line bg-surface xl:w-[28rem]"
    >
      <form
        className="space-y-2 border-b border-line p-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (canRun) props.onRun();
        }}
      >
        <h2 className="text-sm font-semibold">Trace a path</h2>
        <EndpointPicker
          label="From"
          role="from"
          options={props.options}
          value={from}
          onChange={(ref) => props.onChange('from', ref)}
          active={props.activeSlot === 'from'}
          onActivate={() => props.onActivateSlot('from')}
        />
        <EndpointPicker
          label="To"
          role="to"
          options={props.options}
          value={to}
          onChange={(ref) => props.onChange('to', ref)}
          active={props.activeSlot === 'to'}
          onActivate={() => props.onActivateSlot('to')}
        />
        <div className="flex items-center gap-2">
          {busy ? (
            <button
              type="button"
              onClick={() => void run.cancel()}
              disabled={run.cancelling || !run.id}
              className="inline-flex h-9 flex-1 items-center justify-center rounded-md border border-danger px-3 text-sm font-medium text-danger hover:bg-danger-soft focus-visible:outline-2 focus-visible:outline-accent disabled:opacity-60"
            >
              {run.cancelling ? 'Cancelling…' : 'Cancel trace'}
            </button>
          ) : (
            <button
              type="submit"
              disabled={!canRun}
              className="inline-flex h-9 flex-1 items-center justify-center rounded-md bg-accent px-3 text-sm font-semibold text-white hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:cursor-not-allowed disabled:opacity-50 dark:text-slate-950"
            >
              Run trace
            </button>
          )}
          <button
            type="button"
            aria-expanded={showOptions}
            onClick={() => setShowOptions((s) => !s)}
            className="inline-flex h-9 items-center rounded-md border border-line px-2 text-xs text-fg-muted hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
          >
            Options
          </button>
        </div>
        {showOptions && (
          <div className="flex items-center gap-2">
            <label htmlFor="trace-strategy" className="text-xs text-fg-muted">
              Probe
            </label>
            <select
              id="trace-strategy"
              value={props.strategy}
              onChange={(e) => props.onStrategy(e.target.value as RequestedStrategy)}
              className="h-8 flex-1 rounded-md border border-line bg-surface px-2 text-sm focus-visible:outline-2 focus-visible:outline-accent"
            >
              <option value="auto">automatic</option>
              <option value="pod">probe pod on the source node</option>
              <option value="ephemeral">ephemeral container in the source pod</option>
              <option value="hostNetwork">hostNetwork pod</option>
            </select>
          </div>
        )}
        {!from || !to ? (
          <p className="text-xs text-fg-muted">
            Click a {props.activeSlot === 'from' ? 'source' : 'target'} in the graph, or type one
            above.
          </p>
        ) : null}
      </form>

      <div className="min-h-0 flex-1 overflow-y-auto p-3" data-testid="trace-panel-body">
        {run.error && (
          <div
            role="alert"
            data-testid="trace-run-error"
            data-code={run.error.code}
            data-status={run.error.status ?? ''}
            className="mb-3 rounded-md border border-danger/40 bg-danger-soft p-3 text-sm"
          >
            <p className="font-semibold text-danger">{run.error.title}</p>
            <p className="mt-1 break-words text-fg">{run.error.message}</p>
            {run.error.status === 403 && (
              <p className="mt-1 text-xs text-fg-muted">
                podpath&apos;s service account needs to create pods (or ephemeral containers) and
                read their logs in the probe namespace.
              </p>
            )}
          </div>
        )}
        {live ? (
          <div className="space-y-4">
            <div className="flex min-h-7 flex-wrap items-center gap-2">
              <TraceStatusBadge status={live.status} />
              {run.id && live.status !== 'running' && (
                <Link
                  href={`/traces/${run.id}`}
                  className="text-xs text-accent underline-offset-2 hover:underline"
                  data-testid="trace-page-link"
                >
                  Open trace page
                </Link>
              )}
              {run.id && (
                <span className="sr-only" data-testid="trace-id">
                  {run.id}
                </span>
              )}
            </div>
            {live.status !== 'running' && run.id && <TraceActions trace={live} png={props.png} />}
            {live.status === 'running' && (
              <TraceProgressView progress={run.progress} startedAt={props.startedAt} running />
            )}
            <TraceDetails
              trace={live}
              activeLink={props.activeLink}
              onSelectLink={props.onSelectLink}
            />
          </div>
        ) : (
          !run.error && (
            <div className="space-y-2 text-sm text-fg-muted">
              <p>
                podpath runs traceroute and TCP connects from the source, names every hop, compares
                them with the path the cluster&apos;s topology predicts and explains what breaks.
              </p>
              <p className="text-xs">
                Sources: pods and nodes. Targets: pods, Services, nodes, LoadBalancer IPs, any
                address or DNS name.
              </p>
            </div>
          )
        )}
      </div>
    </aside>
  );
}
