'use client';

import { useQuery } from '@tanstack/react-query';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ClusterGraph } from '@/components/cluster-graph/cluster-graph';
import { buildGraphElements, podId } from '@/components/cluster-graph/elements';
import { GraphController } from '@/components/cluster-graph/graph-controller';
import { GraphMirror } from '@/components/cluster-graph/graph-mirror';
import { GraphToolbar } from '@/components/cluster-graph/graph-toolbar';
import { overlayTrace, type TraceDrawing } from '@/components/cluster-graph/trace-overlay';
import type { GraphModel } from '@/components/cluster-graph/types';
import {
  endpointOptions,
  graphIdForRef,
  refForGraphId,
} from '@/components/trace-picker/endpoint-options';
import { TracePanel } from '@/components/trace-run/trace-panel';
import { useTraceRun } from '@/components/trace-run/use-trace-run';
import { TRACE_ID_PATTERN, type RequestedStrategy } from '@/lib/api/traces';
import { PodDetails } from '@/components/pods/pod-details';
import { PodList } from '@/components/pods/pod-list';
import { filterPods, namespacesOf } from '@/components/pods/pod-query';
import { AppHeader } from '@/components/app-header/app-header';
import { useTheme } from '@/components/theme/use-theme';
import { ApiError, fetchHealth, fetchInventory } from '@/lib/api/client';
import { clusterKeys } from '@/lib/api/query-keys';
import { ClusterBadge } from './cluster-badge';
import { ContextSwitcher } from './context-switcher';
import { InventoryStatus } from './inventory-status';

const EMPTY_MODEL: GraphModel = { nodes: [], edges: [] };
const UPLINK = 'eth1';

/** The home page: the cluster drawn as nodes, interfaces, pods and Services, with a pod list. */
export function ClusterOverview() {
  const [controller] = useState(() => new GraphController());
  const [namespace, setNamespace] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [theme] = useTheme();
  const pathname = usePathname();
  const search = useSearchParams();
  const from = search.get('from') || null;
  const to = search.get('to') || null;
  const traceParam = search.get('trace');
  const [activeSlot, setActiveSlot] = useState<'from' | 'to'>(from && !to ? 'to' : 'from');
  const [strategy, setStrategy] = useState<RequestedStrategy>('auto');
  const [activeLink, setActiveLink] = useState<number | null>(null);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const run = useTraceRun();

  const inventory = useQuery({
    queryKey: clusterKeys.inventory(),
    queryFn: ({ signal }) => fetchInventory(signal),
    refetchInterval: (q) => (q.state.status === 'success' ? 5_000 : 1_500),
  });
  const health = useQuery({
    queryKey: clusterKeys.health(),
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval: (q) => (q.state.data?.ok ? 10_000 : 1_500),
  });

  const snapshot = inventory.data ?? null;
  const model = useMemo(
    () =>
      snapshot ? buildGraphElements(snapshot, { namespace }, { uplinkName: UPLINK }) : EMPTY_MODEL,
    [snapshot, namespace],
  );
  const pods = useMemo(
    () => (snapshot ? filterPods(snapshot.pods, namespace, query) : []),
    [snapshot, namespace, query],
  );
  const matches = useMemo(
    () => (query.trim() ? new Set(pods.map((p) => podId(p.namespace, p.name))) : null),
    [pods, query],
  );
  const namespaces = useMemo(() => (snapshot ? namespacesOf(snapshot) : []), [snapshot]);
  const options = useMemo(() => (snapshot ? endpointOptions(snapshot) : []), [snapshot]);

  // The URL holds the choice (`/?from=...&to=...&trace=ID`), so even an unrun trace can be shared.
  const setUrl = useCallback(
    (next: { from: string | null; to: string | null; trace: string | null }) => {
      const params = new URLSearchParams();
      if (next.from) params.set('from', next.from);
      if (next.to) params.set('to', next.to);
      if (next.trace) params.set('trace', next.trace);
      const qs = params.toString();
      // The History API, not router.replace: Next keeps useSearchParams in step with it, and
      // this dynamic page is not fetched from the server again for a change of its query.
      window.history.replaceState(null, '', qs ? `${pathname}?${qs}` : pathname);
    },
    [pathname],
  );

  const choose = useCallback(
    (which: 'from' | 'to', ref: string | null) => {
      const next = { from, to, trace: null as string | null };
      next[which] = ref;
      if (next.from === from && next.to === to) return;
      run.reset();
      setActiveLink(null);
      setUrl(next);
      if (ref && which === 'from') setActiveSlot('to');
    },
    [from, to, run, setUrl],
  );

  // A click on the graph fills the active slot; the target slot stays active for corrections.
  useEffect(
    () =>
      controller.onPick((id) => {
        const ref = refForGraphId(id);
        if (ref) choose(activeSlot, ref);
      }),
    [controller, choose, activeSlot],
  );

  // A trace in the URL (a reload, a shared link) is followed or shown. Only a change of the
  // URL's trace matters: the run's own id reaching the URL must not open it a second time.
  const { open: openTrace, id: runId } = run;
  useEffect(() => {
    if (traceParam && TRACE_ID_PATTERN.test(traceParam) && traceParam !== runId) {
      openTrace(traceParam);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [traceParam, openTrace]);

  const startRun = () => {
    if (!from || !to) return;
    setActiveLink(null);
    setStartedAt(Date.now());
    void run.start({ from, to, strategy });
  };
  useEffect(() => {
    if (runId && runId !== traceParam) setUrl({ from, to, trace: runId });
    // Only a new trace id moves the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId]);

  const drawing: TraceDrawing | null = useMemo(() => {
    if (run.result && run.result.status !== 'running') return run.result;
    if (run.phase === 'running' || run.phase === 'starting') {
      return { path: [], links: [], findings: [], hops: run.progress.hops };
    }
    return null;
  }, [run.result, run.phase, run.progress.hops]);
  const traced = useMemo(
    () => overlayTrace(model, drawing, { activeLink }),
    [model, drawing, activeLink],
  );

  useEffect(() => controller.setModel(traced), [controller, traced]);
  // A finished trace brings its path into view, once (the user may pan away afterwards).
  const finished = run.result && run.result.status !== 'running' ? run.result : null;
  useEffect(() => {
    if (finished) controller.focus(finished.path.map((el) => el.id));
  }, [controller, finished]);
  useEffect(
    () =>
      controller.setPicks({
        from: from ? graphIdForRef(from, options) : null,
        to: to ? graphIdForRef(to, options) : null,
      }),
    [controller, from, to, options],
  );
  useEffect(() => controller.setHighlight({ selected, matches }), [controller, selected, matches]);
  useEffect(() => controller.setTheme(theme), [controller, theme]);
  useEffect(() => controller.onSelect(setSelected), [controller]);

  const resetView = () => {
    setNamespace(null);
    setQuery('');
    setSelected(null);
  };

  const notReady = inventory.error instanceof ApiError && inventory.error.status === 503;

  return (
    <div className="flex h-screen min-h-0 flex-col">
      <AppHeader right={<SyncIndicator ok={health.data?.ok ?? false} known={health.isSuccess} />}>
        <ContextSwitcher onSwitched={resetView} />
        {snapshot && <ClusterBadge demo={snapshot.demo} dataPlane={snapshot.dataPlane} />}
        {snapshot && (
          <p
            data-testid="cluster-summary"
            className="hidden truncate text-xs text-fg-muted lg:block"
          >
            {count(snapshot.nodes.length, 'node')} · {count(snapshot.pods.length, 'pod')} ·{' '}
            {count(snapshot.services.length, 'Service')} ·{' '}
            {snapshot.cni.plugin === 'unknown'
              ? 'CNI unknown'
              : [snapshot.cni.plugin, snapshot.cni.backend].filter(Boolean).join(' ')}
          </p>
        )}
      </AppHeader>

      <div className="flex min-h-0 flex-1">
        <aside
          aria-label="Pods and filters"
          className="flex w-72 shrink-0 flex-col border-r border-line bg-surface xl:w-80"
        >
          <div className="space-y-2 border-b border-line p-3">
            <div className="flex items-center gap-2">
              <label htmlFor="namespace-filter" className="w-20 text-xs font-medium text-fg-muted">
                Namespace
              </label>
              <select
                id="namespace-filter"
                value={namespace ?? ''}
                onChange={(e) => setNamespace(e.target.value === '' ? null : e.target.value)}
                className="h-8 min-w-0 flex-1 rounded-md border border-line bg-surface px-2 text-sm focus-visible:outline-2 focus-visible:outline-accent"
              >
                <option value="">All namespaces</option>
                {namespaces.map((ns) => (
                  <option key={ns} value={ns}>
                    {ns}
                  </option>
                ))}
              </select>
            </div>
            <input
              type="search"
              aria-label="Search pods"
              placeholder="Search pods: name, IP, node, app=web"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              className="h-8 w-full rounded-md border border-line bg-surface px-2 text-sm placeholder:text-fg-subtle focus-visible:outline-2 focus-visible:outline-accent"
            />
            <p className="text-xs text-fg-muted" aria-live="polite" data-testid="pod-count">
              {snapshot ? count(pods.length, 'pod') : ' '}
              {snapshot && pods.length !== snapshot.pods.length
                ? ` of ${snapshot.pods.length}`
                : ''}
            </p>
          </div>
          <div className="min-h-0 flex-1">
            {snapshot && <PodList pods={pods} selected={selected} onSelect={setSelected} />}
          </div>
          {snapshot && selected && (
            <PodDetails
              snapshot={snapshot}
              selected={selected}
              uplinkName={UPLINK}
              onClose={() => setSelected(null)}
              onTrace={choose}
            />
          )}
        </aside>

        <section aria-label="Cluster graph" className="relative min-w-0 flex-1 bg-canvas">
          <ClusterGraph controller={controller} />
          {snapshot ? (
            <GraphToolbar controller={controller} />
          ) : (
            <InventoryStatus
              pending={inventory.isPending && !inventory.isError}
              notReady={notReady}
              error={notReady ? null : inventory.error}
              health={health.data ?? null}
            />
          )}
          <GraphMirror controller={controller} />
        </section>
        <TracePanel
          options={options}
          from={from}
          to={to}
          onChange={choose}
          activeSlot={activeSlot}
          onActivateSlot={setActiveSlot}
          strategy={strategy}
          onStrategy={setStrategy}
          run={run}
          startedAt={startedAt}
          onRun={startRun}
          activeLink={activeLink}
          onSelectLink={setActiveLink}
          png={() => controller.png()}
        />
      </div>
    </div>
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function SyncIndicator({ ok, known }: { ok: boolean; known: boolean }) {
  if (!known) return null;
  return (
    <span
      className="flex items-center gap-1.5 text-xs text-fg-muted"
      title={ok ? 'The inventory is synced and watched' : 'The inventory is still loading'}
    >
      <span
        aria-hidden="true"
        className={`h-2 w-2 rounded-full ${ok ? 'bg-ok' : 'animate-pulse bg-warn'}`}
      />
      {ok ? 'watching' : 'syncing'}
    </span>
  );
}
