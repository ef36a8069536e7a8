'use client';

import { useSyncExternalStore } from 'react';
import { CopyButton } from '@/components/trace/copy-button';
import type { TraceResult } from '@/lib/trace/types';

const BUTTON =
  'inline-flex h-7 items-center gap-1 rounded-md border border-line px-2 text-xs font-medium text-fg-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent disabled:opacity-50';

/** The file name of an export: `podpath-trace-<id>.json` / `.png`. */
export const exportFileName = (id: string, ext: 'json' | 'png') => `podpath-trace-${id}.${ext}`;

/** The JSON a trace exports to: the TraceResult itself, readable, importable by any podpath. */
export function traceExportText(trace: TraceResult): string {
  return `${JSON.stringify(trace, null, 2)}\n`;
}

const noSubscription = () => () => undefined;

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Share and export: copy the trace's link, save it as JSON (which any podpath imports) or its
 * graph as a PNG. `png` is the graph's exporter (absent when no graph is drawn).
 */
export function TraceActions({
  trace,
  png,
}: {
  trace: TraceResult;
  png?: () => Promise<Blob | null>;
}) {
  // The page's own origin; empty while rendering on the server.
  const origin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => '',
  );
  const link = `${origin}/traces/${trace.id}`;
  const finished = trace.status !== 'running';

  return (
    <div className="flex flex-wrap items-center gap-1.5" data-testid="trace-actions">
      <CopyButton text={link} label="Copy link" />
      <button
        type="button"
        className={BUTTON}
        disabled={!finished}
        onClick={() =>
          download(
            new Blob([traceExportText(trace)], { type: 'application/json' }),
            exportFileName(trace.id, 'json'),
          )
        }
      >
        Export JSON
      </button>
      {png && (
        <button
          type="button"
          className={BUTTON}
          onClick={() =>
            void png().then((blob) => {
              if (blob) download(blob, exportFileName(trace.id, 'png'));
            })
          }
        >
          Export PNG
        </button>
      )}
    </div>
  );
}
