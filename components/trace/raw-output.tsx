'use client';

import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { TraceResult } from '@/lib/trace/types';
import { CopyButton } from './copy-button';
import { rawKeyLabel, rawKeys } from './format';

export interface RawOutputProps {
  raw: TraceResult['raw'];
}

/**
 * What each probe printed, exactly, one tab per probe: traceroute, connect and dns first, then
 * the extra probes the diagnosis rules asked for. Tabs follow the ARIA tabs pattern (arrow keys,
 * Home and End move and select).
 */
export function RawOutput({ raw }: RawOutputProps) {
  const keys = rawKeys(raw);
  const [picked, setPicked] = useState<string | null>(null);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const id = useId();
  // A running trace gains outputs; the choice stays while its key exists.
  const selected = picked !== null && keys.includes(picked) ? picked : (keys[0] ?? null);

  if (keys.length === 0 || selected === null) {
    return (
      <div data-testid="raw-output" className="text-sm">
        <p data-testid="raw-output-empty" className="text-fg-muted">
          No probe output yet: it appears here once a probe has run.
        </p>
      </div>
    );
  }

  const select = (index: number) => {
    const key = keys[index];
    if (key === undefined) return;
    setPicked(key);
    tabRefs.current[index]?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = keys.length - 1;
    const next =
      e.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : e.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (next === null) return;
    e.preventDefault();
    select(next);
  };

  const selectedIndex = keys.indexOf(selected);
  const text = raw[selected] ?? '';
  const lines = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;

  return (
    // No heading of its own: the page puts it under one ("Raw probe output").
    <div
      data-testid="raw-output"
      className="overflow-hidden rounded-lg border border-line bg-surface"
    >
      <div className="flex items-center border-b border-line px-2 pt-1.5">
        <div
          role="tablist"
          aria-label="Probe outputs"
          className="-mb-px flex min-w-0 flex-1 gap-1 overflow-x-auto"
        >
          {keys.map((key, i) => {
            const on = key === selected;
            const extra = key.startsWith('extra:');
            return (
              <button
                key={key}
                ref={(el) => {
                  tabRefs.current[i] = el;
                }}
                type="button"
                role="tab"
                id={`${id}-tab-${i}`}
                aria-selected={on}
                // Only the selected tab's panel is in the page.
                aria-controls={on ? `${id}-panel-${i}` : undefined}
                tabIndex={on ? 0 : -1}
                title={extra ? `Extra probe for the diagnosis: ${rawKeyLabel(key)}` : undefined}
                onClick={() => setPicked(key)}
                onKeyDown={(e) => onKeyDown(e, i)}
                className={`flex h-8 max-w-[18rem] shrink-0 items-center gap-1.5 rounded-t-md border-b-2 px-2.5 text-xs font-medium focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent ${
                  on
                    ? 'border-accent text-fg'
                    : 'border-transparent text-fg-muted hover:bg-surface-2 hover:text-fg'
                }`}
              >
                {extra && (
                  <span className="rounded bg-surface-2 px-1 text-[10px] tracking-wide text-fg-subtle uppercase">
                    extra
                  </span>
                )}
                <span className={`truncate ${extra ? 'font-mono' : ''}`}>{rawKeyLabel(key)}</span>
              </button>
            );
          })}
        </div>
      </div>

      <div
        role="tabpanel"
        id={`${id}-panel-${selectedIndex}`}
        aria-labelledby={`${id}-tab-${selectedIndex}`}
        data-testid={`raw-output-${selected}`}
        data-key={selected}
      >
        <div className="flex items-center justify-between gap-2 px-3 py-1.5">
          <p className="text-xs text-fg-subtle tabular-nums">
            {lines === 0 ? 'empty' : `${lines} line${lines === 1 ? '' : 's'}`}
          </p>
          <CopyButton text={text} label="Copy output" />
        </div>
        {/* Focusable, so the scroll region can be scrolled from the keyboard. */}
        <pre
          tabIndex={0}
          aria-label={`${rawKeyLabel(selected)} output`}
          className="max-h-96 overflow-auto border-t border-line bg-surface-2 px-3 py-2.5 font-mono text-xs leading-5 whitespace-pre text-fg tabular-nums focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent"
        >
          {text === '' ? <span className="text-fg-subtle">(the probe printed nothing)</span> : text}
        </pre>
      </div>
    </div>
  );
}
