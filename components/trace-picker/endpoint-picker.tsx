'use client';

import { useId, useMemo, useRef, useState } from 'react';
import {
  searchEndpoints,
  typedEndpoint,
  type EndpointOption,
  type EndpointOptionKind,
} from './endpoint-options';

export interface EndpointPickerProps {
  /** "From" or "To": the field's label. */
  label: string;
  role: 'from' | 'to';
  options: readonly EndpointOption[];
  /** The chosen reference, or null. */
  value: string | null;
  onChange: (ref: string | null) => void;
  /** This slot receives the next click on the graph. */
  active: boolean;
  onActivate: () => void;
}

const KIND_LABEL: Record<EndpointOptionKind, string> = {
  pod: 'pod',
  node: 'node',
  service: 'svc',
  loadbalancer: 'LB',
  ip: 'IP',
  dns: 'DNS',
};

/**
 * A searchable endpoint field (the ARIA combobox pattern): type to filter the cluster's pods,
 * nodes, Services and LoadBalancer IPs, or type an address or DNS name; arrows move, Enter
 * picks, Escape closes. It is also the slot a click on the graph fills while it is active.
 */
export function EndpointPicker({
  label,
  role,
  options,
  value,
  onChange,
  active,
  onActivate,
}: EndpointPickerProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [cursor, setCursor] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const chosen = value ? (options.find((o) => o.ref === value) ?? typedEndpoint(value)) : null;
  const text = query ?? (chosen ? chosen.label : (value ?? ''));
  const matches = useMemo(() => {
    const q = query ?? '';
    const found = searchEndpoints(options, q, 50);
    const typed = typedEndpoint(q);
    if (typed && !found.some((o) => o.ref === typed.ref)) return [typed, ...found];
    return found;
  }, [options, query]);

  const pick = (o: EndpointOption | undefined) => {
    if (!o) return;
    onChange(o.ref);
    setQuery(null);
    setOpen(false);
  };

  const ring =
    role === 'from' ? 'ring-[#2563eb] dark:ring-[#60a5fa]' : 'ring-[#9333ea] dark:ring-[#c084fc]';

  return (
    <div className="min-w-0" data-testid={`picker-${role}`} data-value={value ?? ''}>
      <div className="mb-1 flex items-center justify-between">
        <label htmlFor={id} className="text-xs font-medium text-fg-muted">
          {label}
        </label>
        <button
          type="button"
          onClick={onActivate}
          aria-pressed={active}
          className={`h-5 rounded px-1.5 text-[11px] focus-visible:outline-2 focus-visible:outline-accent ${active ? 'bg-accent-soft font-medium text-accent' : 'text-fg-subtle hover:text-fg'}`}
          title="The next click on the graph fills this field"
        >
          {active ? 'picking from graph' : 'pick in graph'}
        </button>
      </div>
      <div className="relative">
        <input
          ref={input}
          id={id}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && matches[cursor] ? `${id}-opt-${cursor}` : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={role === 'from' ? 'pod, node…' : 'pod, Service, node, LB IP, address…'}
          value={text}
          onFocus={() => {
            onActivate();
            setOpen(true);
          }}
          onBlur={() => {
            setOpen(false);
            setQuery(null);
          }}
          onChange={(e) => {
            setQuery(e.target.value);
            setCursor(0);
            setOpen(true);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setOpen(true);
              setCursor((c) => Math.min(c + 1, Math.max(0, matches.length - 1)));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setCursor((c) => Math.max(0, c - 1));
            } else if (e.key === 'Enter') {
              if (open) {
                e.preventDefault();
                pick(matches[cursor]);
              }
            } else if (e.key === 'Escape') {
              setOpen(false);
              setQuery(null);
            }
          }}
          className={`h-9 w-full rounded-md border border-line bg-surface pr-8 pl-2 font-mono text-[13px] placeholder:font-sans placeholder:text-fg-subtle focus-visible:outline-2 focus-visible:outline-accent ${active ? `ring-2 ${ring}` : ''}`}
        />
        {value && (
          <button
            type="button"
            aria-label={`Clear ${label.toLowerCase()}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              onChange(null);
              setQuery(null);
              input.current?.focus();
            }}
            className="absolute top-1/2 right-1 inline-flex h-7 w-7 -translate-y-1/2 items-center justify-center rounded text-fg-subtle hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
          >
            <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3.5 w-3.5">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="2" />
            </svg>
          </button>
        )}
        {open && (
          <ul
            id={listId}
            role="listbox"
            aria-label={`${label} candidates`}
            className="absolute z-30 mt-1 max-h-72 w-full overflow-auto rounded-md border border-line bg-surface py-1 shadow-lg"
          >
            {matches.length === 0 && (
              <li className="px-3 py-2 text-xs text-fg-muted" role="presentation">
                Nothing matches. Type an IP address or a DNS name to trace outside the cluster.
              </li>
            )}
            {matches.map((o, i) => (
              <li
                key={o.ref}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={i === cursor}
                data-ref={o.ref}
                onMouseDown={(e) => e.preventDefault()}
                onMouseEnter={() => setCursor(i)}
                onClick={() => pick(o)}
                className={`flex cursor-pointer items-start gap-2 px-2 py-1.5 ${i === cursor ? 'bg-accent-soft' : ''}`}
              >
                <span className="mt-0.5 inline-flex w-8 shrink-0 justify-center rounded bg-surface-2 px-1 text-[10px] font-semibold tracking-wide text-fg-muted uppercase">
                  {KIND_LABEL[o.kind]}
                </span>
                <span className="min-w-0">
                  <span className="block truncate font-mono text-[13px]">{o.label}</span>
                  <span className="block truncate text-[11px] text-fg-muted">{o.detail}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <p className="mt-1 h-4 truncate text-[11px] text-fg-subtle" aria-live="polite">
        {chosen ? chosen.detail : ' '}
      </p>
    </div>
  );
}
