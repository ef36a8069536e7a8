import type { DataPlane } from '@/lib/api/inventory';

const dataPlaneText: Record<DataPlane, string> = {
  lab: 'network lab',
  replay: 'recorded outputs',
  none: 'no data plane',
};

const dataPlaneTitle: Record<DataPlane, string> = {
  lab: 'Probes run in a real network lab (namespaces, routes, iptables) built from the scenario.',
  replay:
    'The network lab cannot run here (it needs root); probes answer with outputs recorded in the lab.',
  none: 'No data plane: probes cannot run, the inventory is all there is.',
};

/** Says whether this is the built-in demo cluster (and what answers its probes) or a real one. */
export function ClusterBadge({ demo, dataPlane }: { demo: boolean; dataPlane: DataPlane | null }) {
  if (!demo) {
    return (
      <span
        data-testid="cluster-badge"
        className="inline-flex items-center gap-1.5 rounded-full bg-ok-soft px-2.5 py-0.5 text-xs font-medium text-ok"
      >
        <span aria-hidden="true" className="h-1.5 w-1.5 rounded-full bg-ok" />
        Live cluster
      </span>
    );
  }
  return (
    <span
      data-testid="cluster-badge"
      title={dataPlane ? dataPlaneTitle[dataPlane] : undefined}
      className="inline-flex items-center gap-1.5 rounded-full bg-warn-soft px-2.5 py-0.5 text-xs font-medium text-warn"
    >
      <span aria-hidden="true" className="h-1.5 w-1.5 rounded-full bg-warn" />
      Demo cluster
      {dataPlane && <span className="font-normal opacity-80">· {dataPlaneText[dataPlane]}</span>}
    </span>
  );
}
