/**
 * What must change in the drawn graph to go from one model to the next, by element id. The host
 * applies exactly this inside one cy.batch(), so cytoscape never rebuilds what did not change.
 */
import type { LaidOutGraph } from './layout';
import { shapeKey } from './layout';
import type { GraphEdge, GraphElement } from './types';
import type { LaidOutNode } from './layout';

export interface GraphDiff {
  /** In an order cytoscape accepts: parents before children, nodes before edges. */
  add: (LaidOutNode | GraphEdge)[];
  remove: string[];
  /** Elements whose data changed; ids and parents are the same (a new parent is remove + add). */
  updateData: GraphElement[];
  updateClasses: { id: string; classes: string[] }[];
  /** True when positions must be re-applied and the view refitted. */
  shapeChanged: boolean;
}

/** Diffs two laid-out graphs; `prev` null means nothing is drawn yet. */
export function diffGraph(prev: LaidOutGraph | null, next: LaidOutGraph): GraphDiff {
  const before = new Map<string, GraphElement>();
  for (const el of [...(prev?.nodes ?? []), ...(prev?.edges ?? [])]) before.set(el.data.id, el);
  const after = new Set<string>();
  const diff: GraphDiff = {
    add: [],
    remove: [],
    updateData: [],
    updateClasses: [],
    shapeChanged: prev === null || shapeKey(prev) !== shapeKey(next),
  };

  for (const el of [...next.nodes, ...next.edges]) {
    after.add(el.data.id);
    const old = before.get(el.data.id);
    if (!old || !sameIdentity(old, el)) {
      if (old) diff.remove.push(old.data.id);
      diff.add.push(el);
      continue;
    }
    if (!shallowEqual(old.data, el.data)) diff.updateData.push(el);
    if (old.classes.join(' ') !== el.classes.join(' ')) {
      diff.updateClasses.push({ id: el.data.id, classes: el.classes });
    }
  }
  for (const id of before.keys()) if (!after.has(id)) diff.remove.push(id);
  return diff;
}

/** Cytoscape cannot move an element to another parent or re-point an edge through data(). */
function sameIdentity(a: GraphElement, b: GraphElement): boolean {
  if (a.group !== b.group) return false;
  if (a.group === 'edges' && b.group === 'edges') {
    return a.data.source === b.data.source && a.data.target === b.data.target;
  }
  return (a.data as { parent?: string }).parent === (b.data as { parent?: string }).parent;
}

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => {
    const va = ra[k];
    const vb = rb[k];
    if (Array.isArray(va) && Array.isArray(vb)) {
      return va.length === vb.length && va.every((v, i) => v === vb[i]);
    }
    return va === vb;
  });
}
