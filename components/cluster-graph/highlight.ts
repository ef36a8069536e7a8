/**
 * Selection and search as classes on drawn elements. Kept apart from the element builder so
 * that selecting a pod or typing a search changes classes only: no element is rebuilt and the
 * layout never moves.
 */
import type { GraphHighlight, GraphModel } from './types';

export const HIGHLIGHT_CLASSES = ['is-selected', 'on-path', 'dimmed', 'match'] as const;
export type HighlightClass = (typeof HIGHLIGHT_CLASSES)[number];

/**
 * Which highlight classes each element gets: the selected pod, its way out of the node (veth or
 * host stack, cni0, the uplink, the node network) and the Services that send to it are "on
 * path"; with a search, pods that do not match and what only they use step back.
 */
export function highlightClasses(
  model: GraphModel,
  highlight: GraphHighlight,
): Map<string, HighlightClass[]> {
  const out = new Map<string, HighlightClass[]>();
  const add = (id: string, cls: HighlightClass) => {
    const list = out.get(id) ?? [];
    if (!list.includes(cls)) list.push(cls);
    out.set(id, list);
  };
  const nodeIds = new Set(model.nodes.map((n) => n.data.id));
  const outgoing = new Map<string, { id: string; target: string; kind: string }[]>();
  for (const e of model.edges) {
    const list = outgoing.get(e.data.source) ?? [];
    list.push({ id: e.data.id, target: e.data.target, kind: e.data.kind });
    outgoing.set(e.data.source, list);
  }

  const selected = highlight.selected;
  if (selected && nodeIds.has(selected)) {
    add(selected, 'is-selected');
    // Walk the pod's way out: pod -> cni0 -> eth1 -> network (or pod -> eth1 -> network).
    let current = selected;
    const seen = new Set([current]);
    for (;;) {
      const next = (outgoing.get(current) ?? []).find((e) => e.kind !== 'endpoint');
      if (!next || seen.has(next.target)) break;
      add(next.id, 'on-path');
      add(next.target, 'on-path');
      seen.add(next.target);
      current = next.target;
    }
    for (const e of model.edges) {
      if (e.data.kind === 'endpoint' && e.data.target === selected) {
        add(e.data.id, 'on-path');
        add(e.data.source, 'on-path');
      }
    }
  }

  const matches = highlight.matches;
  if (matches) {
    const relatedServices = new Set<string>();
    for (const e of model.edges) {
      if (e.data.kind === 'endpoint' && matches.has(e.data.target))
        relatedServices.add(e.data.source);
    }
    for (const n of model.nodes) {
      const id = n.data.id;
      if (n.data.kind === 'pod') {
        if (matches.has(id)) add(id, 'match');
        else if (id !== selected) add(id, 'dimmed');
      } else if (n.data.kind === 'service' && !relatedServices.has(id) && !out.has(id)) {
        add(id, 'dimmed');
      }
    }
    for (const e of model.edges) {
      const from = e.data.source;
      const to = e.data.target;
      const fromDimmed = out.get(from)?.includes('dimmed') ?? false;
      const toDimmed = out.get(to)?.includes('dimmed') ?? false;
      if ((fromDimmed || toDimmed) && !out.get(e.data.id)?.includes('on-path')) {
        add(e.data.id, 'dimmed');
      }
    }
  }
  return out;
}
