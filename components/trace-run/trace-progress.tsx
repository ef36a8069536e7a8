'use client';

import { useEffect, useState } from 'react';
import { progressSteps, type StepState, type TraceProgress } from './trace-progress-state';

const ICON: Record<StepState, { glyph: string; className: string; word: string }> = {
  pending: { glyph: '○', className: 'text-fg-subtle', word: 'waiting' },
  active: { glyph: '◐', className: 'text-accent animate-pulse', word: 'in progress' },
  done: { glyph: '●', className: 'text-ok', word: 'done' },
  failed: { glyph: '✕', className: 'text-danger', word: 'failed' },
};

/**
 * Where a running trace stands: the probe's steps, one fixed-height row each, so the panel
 * never changes size while events arrive; and the time since it started.
 */
export function TraceProgressView({
  progress,
  startedAt,
  running,
}: {
  progress: TraceProgress;
  startedAt: number | null;
  running: boolean;
}) {
  const steps = progressSteps(progress);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [running]);
  const elapsed = startedAt ? Math.max(0, (now - startedAt) / 1000) : null;

  return (
    <section aria-label="Trace progress" data-testid="trace-progress" className="space-y-1">
      <div className="flex h-5 items-center justify-between text-xs text-fg-muted">
        <span className="font-medium">Progress</span>
        <span className="font-mono tabular-nums" aria-hidden={!running}>
          {running && elapsed !== null ? `${elapsed.toFixed(1)} s` : ''}
        </span>
      </div>
      <ol className="space-y-0.5">
        {steps.map((s) => {
          const icon = ICON[s.state];
          return (
            <li
              key={s.key}
              data-testid="trace-step"
              data-step={s.key}
              data-state={s.state}
              className="flex h-6 items-center gap-2 text-[13px]"
            >
              <span aria-hidden="true" className={`w-4 text-center ${icon.className}`}>
                {icon.glyph}
              </span>
              <span className={s.state === 'pending' ? 'text-fg-subtle' : 'text-fg'}>
                {s.title}
              </span>
              <span className="sr-only">{icon.word}</span>
              <span className="ml-auto truncate pl-2 font-mono text-xs text-fg-muted tabular-nums">
                {s.detail ?? ''}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
