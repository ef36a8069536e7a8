'use client';

import { endpointPods, podId } from '@/components/cluster-graph/elements';
import { podCidrGateway } from '@/components/cluster-graph/ip';
import type { InventorySnapshot } from '@/lib/inventory/types';

export interface PodDetailsProps {
  snapshot: InventorySnapshot;
  selected: string;
  uplinkName: string;
  onClose: () => void;
  /** Puts the pod in the trace's From or To field. */
  onTrace?: (which: 'from' | 'to', ref: string) => void;
}

/** Facts about the selected pod, with its way out of the node spelled out hop by hop. */
export function PodDetails({ snapshot, selected, uplinkName, onClose, onTrace }: PodDetailsProps) {
  const pod = snapshot.pods.find((p) => podId(p.namespace, p.name) === selected);
  if (!pod) return null;
  const node = snapshot.nodes.find((n) => n.name === pod.nodeName);
  const gateway = node?.podCIDRs[0] ? podCidrGateway(node.podCIDRs[0]) : null;
  const services = snapshot.services.filter((s) =>
    endpointPods(s, snapshot.endpointSlices, snapshot.pods).all.includes(selected),
  );
  const hops: { name: string; ip: string | null }[] = pod.hostNetwork
    ? [{ name: `${uplinkName} (host network)`, ip: node?.internalIP ?? null }]
    : [
        { name: 'cni0', ip: gateway },
        { name: uplinkName, ip: node?.internalIP ?? null },
      ];

  return (
    <section
      aria-label={`Pod ${pod.namespace}/${pod.name}`}
      data-testid="pod-details"
      className="max-h-[45%] shrink-0 overflow-y-auto border-t border-line px-4 py-3 text-sm"
    >
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 className="truncate font-semibold" title={pod.name}>
            {pod.name}
          </h2>
          <p className="text-xs text-fg-muted">
            {pod.namespace} · {pod.phase}
            {pod.ready ? '' : ' · not ready'}
            {pod.owner ? ` · ${pod.owner.kind} ${pod.owner.name}` : ''}
          </p>
        </div>
        <button
          type="button"
          onClick={onClose}
          aria-label="Clear selection"
          className="rounded px-1.5 text-fg-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
        >
          ×
        </button>
      </div>
      {onTrace && (
        <div className="mt-2 flex gap-1.5">
          {(['from', 'to'] as const).map((which) => (
            <button
              key={which}
              type="button"
              onClick={() => onTrace(which, selected)}
              className="h-7 rounded-md border border-line px-2 text-xs font-medium text-fg-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
            >
              {which === 'from' ? 'Trace from here' : 'Trace to here'}
            </button>
          ))}
        </div>
      )}
      <dl className="mt-2 grid grid-cols-[5.5rem_1fr] gap-x-2 gap-y-1 text-xs">
        <dt className="text-fg-muted">IP</dt>
        <dd className="font-mono">{pod.ips.length > 0 ? pod.ips.join(', ') : 'none'}</dd>
        <dt className="text-fg-muted">Node</dt>
        <dd className="font-mono">{pod.nodeName ?? 'not scheduled'}</dd>
        <dt className="text-fg-muted">Network</dt>
        <dd>{pod.hostNetwork ? "host network (the node's own stack)" : 'pod network'}</dd>
        {pod.ports.length > 0 && (
          <>
            <dt className="text-fg-muted">Ports</dt>
            <dd className="font-mono">
              {pod.ports.map((p) => `${p.containerPort}/${p.protocol}`).join(', ')}
            </dd>
          </>
        )}
        <dt className="text-fg-muted">Way out</dt>
        <dd>
          <ol className="flex flex-wrap items-center gap-1 font-mono">
            {hops.map((h, i) => (
              <li key={h.name} className="flex items-center gap-1">
                {i > 0 && <span aria-hidden="true">→</span>}
                <span className="rounded bg-surface-2 px-1">
                  {h.name} {h.ip ?? '?'}
                </span>
              </li>
            ))}
          </ol>
        </dd>
        {services.length > 0 && (
          <>
            <dt className="text-fg-muted">Services</dt>
            <dd className="font-mono">
              {services.map((s) => `${s.namespace}/${s.name}`).join(', ')}
            </dd>
          </>
        )}
        {Object.keys(pod.labels).length > 0 && (
          <>
            <dt className="text-fg-muted">Labels</dt>
            <dd className="flex flex-wrap gap-1">
              {Object.entries(pod.labels).map(([k, v]) => (
                <span key={k} className="rounded bg-surface-2 px-1 font-mono text-[11px]">
                  {k}={v}
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
