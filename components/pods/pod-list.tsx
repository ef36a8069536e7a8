'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { podId } from '@/components/cluster-graph/elements';
import type { InventoryPod } from '@/lib/inventory/types';

export interface PodListProps {
  pods: InventoryPod[];
  /** The selected pod's element id (`pod:NS/NAME`), if any. */
  selected: string | null;
  onSelect: (id: string) => void;
}

/**
 * The pods as a single-select listbox (WAI-ARIA pattern with aria-activedescendant): focus stays
 * on the list, arrows move the active option, Enter or Space selects it, Home/End jump.
 */
export function PodList({ pods, selected, onSelect }: PodListProps) {
  const prefix = useId();
  const ids = pods.map((p) => podId(p.namespace, p.name));
  const [active, setActive] = useState<string | null>(null);
  const [lastSelected, setLastSelected] = useState(selected);
  const listRef = useRef<HTMLDivElement>(null);

  // A selection made elsewhere (a click on the graph) moves the active option along with it.
  if (selected !== lastSelected) {
    setLastSelected(selected);
    if (selected !== null) setActive(selected);
  }

  // When the active pod is filtered away, fall back to the selection, then to the first pod.
  let activeIndex = active === null ? -1 : ids.indexOf(active);
  if (activeIndex < 0 && selected !== null) activeIndex = ids.indexOf(selected);
  if (activeIndex < 0 && ids.length > 0) activeIndex = 0;
  const optionId = (i: number) => `${prefix}-pod-${i}`;

  useEffect(() => {
    if (activeIndex < 0) return;
    const el = listRef.current?.querySelector(`[data-index="${activeIndex}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  const move = (index: number) => {
    if (ids.length === 0) return;
    const clamped = Math.max(0, Math.min(ids.length - 1, index));
    setActive(ids[clamped] ?? null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = 8;
    switch (e.key) {
      case 'ArrowDown':
        move(activeIndex + 1);
        break;
      case 'ArrowUp':
        move(activeIndex - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(ids.length - 1);
        break;
      case 'PageDown':
        move(activeIndex + page);
        break;
      case 'PageUp':
        move(activeIndex - page);
        break;
      case 'Enter':
      case ' ': {
        const id = ids[activeIndex];
        if (id) onSelect(id);
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  };

  if (pods.length === 0) {
    return (
      <p className="px-3 py-6 text-center text-sm text-fg-muted" role="status">
        No pods match.
      </p>
    );
  }

  return (
    <div
      ref={listRef}
      role="listbox"
      aria-label="Pods"
      tabIndex={0}
      aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
      onKeyDown={onKeyDown}
      className="group/list h-full overflow-y-auto px-2 py-1 outline-none"
    >
      {pods.map((pod, i) => {
        const id = ids[i] ?? '';
        const isSelected = id === selected;
        const isActive = i === activeIndex;
        return (
          <div
            key={id}
            id={optionId(i)}
            role="option"
            aria-selected={isSelected}
            data-index={i}
            data-pod-id={id}
            onClick={() => {
              setActive(id);
              onSelect(id);
            }}
            className={[
              'mb-0.5 cursor-pointer rounded-md border px-2.5 py-1.5 text-sm select-none',
              isSelected ? 'border-accent bg-accent-soft' : 'border-transparent hover:bg-surface-2',
              isActive
                ? 'group-focus-visible/list:outline-2 group-focus-visible/list:outline-accent'
                : '',
            ].join(' ')}
          >
            <div className="flex items-center gap-1.5">
              <span className="truncate font-medium" title={`${pod.namespace}/${pod.name}`}>
                {pod.name}
              </span>
              {pod.hostNetwork && (
                <span className="shrink-0 rounded bg-warn-soft px-1.5 text-[11px] font-medium text-warn">
                  host network
                </span>
              )}
              {!pod.ready && (
                <span className="shrink-0 rounded bg-danger-soft px-1.5 text-[11px] font-medium text-danger">
                  {pod.phase === 'Running' ? 'not ready' : pod.phase.toLowerCase()}
                </span>
              )}
            </div>
            <div className="mt-0.5 flex gap-2 truncate font-mono text-xs text-fg-muted">
              <span>{pod.ip ?? 'no IP'}</span>
              <span aria-hidden="true">·</span>
              <span className="truncate">{pod.nodeName ?? 'not scheduled'}</span>
              <span aria-hidden="true">·</span>
              <span className="truncate">{pod.namespace}</span>
            </div>
          </div>
        );
      })}
    </div>
  );
}
