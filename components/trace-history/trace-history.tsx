'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { AppHeader } from '@/components/app-header/app-header';
import { fetchTraces } from '@/lib/api/client';
import { traceKeys } from '@/lib/api/query-keys';
import type { TraceListQuery } from '@/lib/api/traces';
import type { TraceResult, TraceStatus } from '@/lib/trace/types';
import { HistoryTable } from './history-table';
import {
  compareHref,
  EMPTY_FILTER,
  filterFromParams,
  filterToSearch,
  isFiltered,
  type HistoryFilter,
} from './history-filters';
import { ImportButton } from './import-button';

/** How many traces the page lists; the store keeps more, the history is about recent ones. */
const LIST_LIMIT = 200;
/** Refresh while a listed trace runs, and slowly otherwise so new traces show up. */
const RUNNING_REFRESH_MS = 2_000;
const IDLE_REFRESH_MS = 15_000;
/** Typing in a reference field waits this long before the URL (and the list) follow. */
const TYPING_DEBOUNCE_MS = 350;

const STATUSES: TraceStatus[] = ['running', 'reachable', 'intermittent', 'unreachable', 'error'];

/**
 * The trace history: recent traces newest first, filtered by source, target and status through
 * the URL, refreshed while any of them runs; two of them can be compared, and an exported trace
 * can be imported.
 */
export function TraceHistory() {
  const router = useRouter();
  const pathname = usePathname() ?? '/traces';
  const searchParams = useSearchParams();
  const filter = useMemo(() => filterFromParams(searchParams), [searchParams]);

  // The text fields are edited locally and pushed to the URL after a pause; a URL that changes
  // by itself (back button, a shared link) resets them.
  const [draft, setDraft] = useState<{ from: string; to: string }>({
    from: filter.from,
    to: filter.to,
  });
  const [draftBase, setDraftBase] = useState(filter);
  if (draftBase.from !== filter.from || draftBase.to !== filter.to) {
    setDraftBase(filter);
    setDraft({ from: filter.from, to: filter.to });
  }

  const navigate = (next: HistoryFilter) => {
    const qs = filterToSearch(next);
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  useEffect(() => {
    if (draft.from.trim() === filter.from && draft.to.trim() === filter.to) return;
    const t = setTimeout(
      () => navigate({ ...filter, from: draft.from, to: draft.to }),
      TYPING_DEBOUNCE_MS,
    );
    return () => clearTimeout(t);
    // navigate is recreated each render; the draft and the URL filter are what matter here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, filter]);

  const query: TraceListQuery = {
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    limit: LIST_LIMIT,
  };
  const list = useQuery({
    queryKey: traceKeys.list(query),
    queryFn: ({ signal }) => fetchTraces(query, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (q) =>
      q.state.data?.traces.some((t) => t.status === 'running')
        ? RUNNING_REFRESH_MS
        : IDLE_REFRESH_MS,
  });
  // The reference suggestions come from the unfiltered list (the same query when unfiltered).
  const filtered = isFiltered(filter);
  const all = useQuery({
    queryKey: traceKeys.list({ limit: LIST_LIMIT }),
    queryFn: ({ signal }) => fetchTraces({ limit: LIST_LIMIT }, signal),
    enabled: filtered,
    refetchInterval: IDLE_REFRESH_MS,
  });

  const traces = useMemo(() => list.data?.traces ?? [], [list.data]);
  const suggestions = useMemo(() => {
    const source = [...(all.data?.traces ?? []), ...traces];
    return {
      from: [...new Set(source.map((t) => t.from.ref))].sort(),
      to: [...new Set(source.map((t) => t.to.ref))].sort(),
    };
  }, [all.data, traces]);

  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  // Selection survives refreshes and filtering, but only of traces still listed.
  const selectedTraces = selected
    .map((id) => traces.find((t) => t.id === id))
    .filter((t): t is TraceResult => t !== undefined);
  const compare = compareHref(selectedTraces);

  const running = traces.filter((t) => t.status === 'running').length;

  return (
    <div className="flex h-screen min-h-0 flex-col">
      <AppHeader>
        <h1 className="text-sm font-semibold">Trace history</h1>
        <p className="hidden text-xs text-fg-muted tabular-nums sm:block" aria-live="polite">
          {list.data
            ? `${traces.length} trace${traces.length === 1 ? '' : 's'}${running ? ` · ${running} running` : ''}`
            : ' '}
        </p>
      </AppHeader>

      <main
        data-testid="trace-history"
        className="flex min-h-0 flex-1 flex-col"
        aria-busy={list.isFetching}
      >
        <div className="flex flex-wrap items-end gap-3 border-b border-line bg-surface px-4 py-3">
          <RefField
            id="history-filter-from"
            label="Source"
            value={draft.from}
            options={suggestions.from}
            onChange={(from) => setDraft((d) => ({ ...d, from }))}
            onCommit={() => navigate({ ...filter, from: draft.from, to: draft.to })}
          />
          <span aria-hidden="true" className="pb-1.5 text-fg-subtle">
            →
          </span>
          <RefField
            id="history-filter-to"
            label="Target"
            value={draft.to}
            options={suggestions.to}
            onChange={(to) => setDraft((d) => ({ ...d, to }))}
            onCommit={() => navigate({ ...filter, from: draft.from, to: draft.to })}
          />
          <div className="flex flex-col gap-1">
            <label htmlFor="history-filter-status" className="text-xs font-medium text-fg-muted">
              Status
            </label>
            <select
              id="history-filter-status"
              data-testid="history-filter-status"
              value={filter.status}
              onChange={(e) =>
                navigate({ ...filter, ...draft, status: e.target.value as TraceStatus | '' })
              }
              className="h-8 w-36 rounded-md border border-line bg-surface px-2 text-sm focus-visible:outline-2 focus-visible:outline-accent"
            >
              <option value="">Any status</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            onClick={() => navigate(EMPTY_FILTER)}
            disabled={!filtered && !draft.from && !draft.to}
            className="h-8 rounded-md px-2 text-sm text-fg-muted hover:text-fg focus-visible:outline-2 focus-visible:outline-accent disabled:invisible"
          >
            Clear filters
          </button>

          <div className="ml-auto flex items-end gap-3">
            <ImportButton />
            <div className="flex items-center gap-2">
              <span
                className="w-36 text-right text-xs whitespace-nowrap text-fg-muted tabular-nums"
                aria-live="polite"
              >
                {selected.length === 0
                  ? 'Pick two to compare'
                  : selectedTraces.length === 2
                    ? '2 selected'
                    : `${selectedTraces.length} selected, pick 2`}
              </span>
              <button
                type="button"
                data-testid="compare-button"
                disabled={!compare}
                onClick={() => compare && router.push(compare)}
                className="h-8 rounded-md bg-accent px-3 text-sm font-medium text-white hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent disabled:cursor-not-allowed disabled:bg-surface-2 disabled:text-fg-subtle dark:text-bg"
              >
                Compare
              </button>
            </div>
          </div>
        </div>

        <div className="min-h-0 flex-1 overflow-auto">
          {list.isError && (
            <p role="alert" className="m-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
              The history could not be loaded: {list.error.message}
            </p>
          )}
          {list.isSuccess && traces.length === 0 ? (
            <EmptyHistory filtered={filtered} onClear={() => navigate(EMPTY_FILTER)} />
          ) : (
            <HistoryTable
              traces={traces}
              loading={list.isPending}
              stale={list.isPlaceholderData}
              selected={selected}
              onToggle={toggle}
            />
          )}
        </div>
      </main>
    </div>
  );
}

interface RefFieldProps {
  id: string;
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
  onCommit: () => void;
}

function RefField({ id, label, value, options, onChange, onCommit }: RefFieldProps) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-fg-muted">
        {label}
      </label>
      <input
        id={id}
        data-testid={id}
        type="search"
        list={`${id}-refs`}
        value={value}
        placeholder={`any ${label.toLowerCase()}, e.g. pod:NS/NAME`}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onCommit();
        }}
        className="h-8 w-52 rounded-md border border-line bg-surface px-2 font-mono text-xs placeholder:font-sans placeholder:text-fg-subtle focus-visible:outline-2 focus-visible:outline-accent 2xl:w-72"
      />
      <datalist id={`${id}-refs`}>
        {options.map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>
    </div>
  );
}

function EmptyHistory({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  return (
    <div className="flex h-full items-center justify-center p-6">
      <div role="status" className="max-w-md rounded-lg border border-line bg-surface p-6 text-sm">
        {filtered ? (
          <>
            <p className="font-medium">No trace matches these filters.</p>
            <p className="mt-1 text-fg-muted">
              Source and target match whole references, such as{' '}
              <code className="font-mono text-xs">pod:default/web-client</code>.
            </p>
            <div className="mt-4 flex gap-3">
              <button
                type="button"
                onClick={onClear}
                className="h-8 rounded-md border border-line px-3 text-sm hover:bg-surface-2 focus-visible:outline-2 focus-visible:outline-accent"
              >
                Clear filters
              </button>
              <Link
                href="/"
                className="inline-flex h-8 items-center rounded-md px-3 text-sm text-accent hover:underline focus-visible:outline-2 focus-visible:outline-accent"
              >
                Go to the cluster
              </Link>
            </div>
          </>
        ) : (
          <>
            <p className="font-medium">No traces yet.</p>
            <p className="mt-1 text-fg-muted">
              Pick a source and a target on the cluster page to trace the path between them, or
              import a trace someone exported.
            </p>
            <Link
              href="/"
              className="mt-4 inline-flex h-8 items-center rounded-md bg-accent px-3 text-sm font-medium text-white hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent dark:text-bg"
            >
              Go to the cluster
            </Link>
          </>
        )}
      </div>
    </div>
  );
}
