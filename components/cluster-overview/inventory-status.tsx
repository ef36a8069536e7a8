import type { HealthResponse } from '@/lib/api/cluster';

export interface InventoryStatusProps {
  pending: boolean;
  notReady: boolean;
  error: Error | null;
  health: HealthResponse | null;
}

/** Shown over the empty canvas until the first inventory arrives, or when it cannot. */
export function InventoryStatus({ pending, notReady, error, health }: InventoryStatusProps) {
  const waiting = pending || notReady;
  const failing = health?.informers?.some((i) => !i.synced && i.lastError) ?? false;
  return (
    <div className="absolute inset-0 z-10 flex items-center justify-center p-6">
      <div
        role={error ? 'alert' : 'status'}
        className="max-w-md rounded-lg border border-line bg-surface p-5 text-sm shadow-sm"
      >
        {waiting && (
          <>
            <p className="font-medium">
              {failing
                ? `The inventory of ${health?.cluster ?? 'the cluster'} does not load yet; podpath keeps retrying.`
                : health?.cluster
                  ? `Loading the inventory of ${health.cluster}…`
                  : 'Loading the cluster inventory…'}
            </p>
            {health?.error && <p className="mt-1 text-fg-muted">{health.error.message}</p>}
            {health?.informers && health.informers.length > 0 && (
              <ul className="mt-3 space-y-1 text-xs">
                {health.informers.map((i) => (
                  <li key={i.resource} className="flex items-center gap-2">
                    <span
                      aria-hidden="true"
                      className={`h-1.5 w-1.5 rounded-full ${i.synced ? 'bg-ok' : i.lastError ? 'bg-danger' : 'bg-warn'}`}
                    />
                    <span className="font-mono">{i.resource}</span>
                    <span className="text-fg-muted">
                      {i.synced ? 'synced' : i.lastError ? i.lastError : 'listing…'}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        {!waiting && error && (
          <>
            <p className="font-medium text-danger">The inventory could not be loaded.</p>
            <p className="mt-1 text-fg-muted">{error.message}</p>
          </>
        )}
      </div>
    </div>
  );
}
