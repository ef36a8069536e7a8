'use client';

import type { GraphController } from './graph-controller';

const legend: { label: string; swatch: string }[] = [
  {
    label: 'uplink (eth1)',
    swatch: 'border-sky-600 bg-sky-100 dark:border-sky-400 dark:bg-sky-950',
  },
  {
    label: 'pod bridge (cni0)',
    swatch: 'border-teal-600 bg-teal-100 dark:border-teal-400 dark:bg-teal-950',
  },
  { label: 'pod', swatch: 'border-slate-400 bg-white dark:border-slate-500 dark:bg-slate-800' },
  {
    label: 'host network pod',
    swatch: 'border-dashed border-amber-600 bg-amber-100 dark:border-amber-500 dark:bg-amber-950',
  },
  {
    label: 'Service',
    swatch: 'border-violet-600 bg-violet-100 dark:border-violet-400 dark:bg-violet-950',
  },
  {
    label: 'no endpoints',
    swatch: 'border-dashed border-red-600 bg-red-100 dark:border-red-400 dark:bg-red-950',
  },
];

const button =
  'inline-flex h-7 min-w-7 items-center justify-center rounded-md border border-line bg-surface px-1.5 text-sm text-fg-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent';

/** Legend and view controls, floating over the canvas. */
export function GraphToolbar({ controller }: { controller: GraphController }) {
  return (
    <>
      <ul
        aria-label="Legend"
        className="pointer-events-none absolute bottom-3 left-3 z-10 flex flex-wrap gap-x-3 gap-y-1 rounded-md border border-line bg-surface/90 px-3 py-1.5 text-[11px] text-fg-muted backdrop-blur"
      >
        {legend.map((l) => (
          <li key={l.label} className="flex items-center gap-1.5">
            <span
              aria-hidden="true"
              className={`inline-block h-2.5 w-3.5 rounded-sm border ${l.swatch}`}
            />
            {l.label}
          </li>
        ))}
      </ul>
      <div
        role="toolbar"
        aria-label="Graph view"
        className="absolute top-3 right-3 z-10 flex gap-1"
      >
        <button
          type="button"
          className={button}
          aria-label="Zoom in"
          onClick={() => controller.zoomBy(1.25)}
        >
          +
        </button>
        <button
          type="button"
          className={button}
          aria-label="Zoom out"
          onClick={() => controller.zoomBy(0.8)}
        >
          −
        </button>
        <button type="button" className={button} onClick={() => controller.fit()}>
          Fit
        </button>
      </div>
    </>
  );
}
