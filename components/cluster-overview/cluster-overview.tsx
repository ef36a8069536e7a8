'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ClusterGraph } from '@/components/cluster-graph/cluster-graph';
import { buildGraphElements, podId } from '@/components/cluster-graph/elements';
import { GraphController } from '@/components/cluster-graph/graph-controller';
import { GraphMirror } from '@/components/cluster-graph/graph-mirror';
import { GraphToolbar } from '@/components/cluster-graph/graph-toolbar';
import type { GraphModel } from '@/components/cluster-graph/types';
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

  useEffect(() => controller.setModel(model), [controller, model]);
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
