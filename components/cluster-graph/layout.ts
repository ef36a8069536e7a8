/**
 * Deterministic preset layout: every position is a function of the graph's shape alone, so the
 * same cluster always looks the same (stable screenshots, no jumping boxes on refresh).
 *
 *            [ node network · flannel host-gw ..................................... ]
 *   ┌ controlplane ───────────┐  ┌ node-1 ─────────────────┐  ┌ node-2 ──────────...
 *   │ [eth1]        [cni0]    │  │ [eth1]        [cni0]    │
 *   │ host pods     pods      │  │ host pods     pods      │
 *   └─────────────────────────┘  └─────────────────────────┘
 *   [svc] [svc] [svc] [svc] ...
 */
import { INTERFACE_HEIGHT, POD_WIDTH, SERVICE_WIDTH } from './dimensions';
import type { GraphModel, GraphNode, Position } from './types';

/** Most pods stacked in one column before the node box grows another column. */
export const MAX_ROWS = 8;
const COLUMN_GAP = 20;
const ROW_GAP = 10;
const NODE_GAP = 52;
/** Space between the interface row and the first pod, where the veth lines start. */
const POD_TOP_GAP = 26;
/** From the interface row up to the network bar, clearing the node box's title. */
const NETWORK_RISE = 112;
const SERVICE_GAP_X = 20;
const SERVICE_GAP_Y = 20;
/** From the lowest node box content down to the first row of Services. */
const SERVICE_DROP = 80;
/** From the network bar up to the row of things outside the cluster a trace went through. */
const HOP_RISE = 96;

export interface LaidOutNode extends GraphNode {
  /** Absent on compound nodes: cytoscape sizes those around their children. */
  position?: Position;
}

export interface LaidOutGraph {
  nodes: LaidOutNode[];
  edges: GraphModel['edges'];
}

/** Positions every leaf node and sizes the network bar; returns a new model. */
export function layoutGraph(model: GraphModel): LaidOutGraph {
  const positions = new Map<string, Position>();
  const children = new Map<string, GraphNode[]>();
  for (const n of model.nodes) {
    if (!n.data.parent) continue;
    const list = children.get(n.data.parent) ?? [];
    list.push(n);
    children.set(n.data.parent, list);
  }

  let x = 0;
  let lowest = INTERFACE_HEIGHT / 2;
  for (const k8s of model.nodes.filter((n) => n.data.kind === 'k8s-node')) {
    const kids = children.get(k8s.data.id) ?? [];
    const ifaces = kids.filter((n) => n.data.kind === 'interface');
    const pods = kids.filter((n) => n.data.kind === 'pod');
    const hostPods = pods.filter((n) => n.data.kind === 'pod' && n.data.hostNetwork);
    const podPods = pods.filter((n) => n.data.kind === 'pod' && !n.data.hostNetwork);
    const uplink = ifaces.find((n) => n.classes.includes('uplink'));
    const bridge = ifaces.find((n) => n.classes.includes('bridge'));

    const hostBlock = placeColumns(hostPods, x, positions);
    if (uplink) positions.set(uplink.data.id, { x: hostBlock.center, y: 0 });
    const podX = hostBlock.right + COLUMN_GAP;
    const podBlock = placeColumns(podPods, podX, positions);
    if (bridge) positions.set(bridge.data.id, { x: podBlock.center, y: 0 });
    lowest = Math.max(lowest, hostBlock.bottom, podBlock.bottom);
    x = podBlock.right + NODE_GAP;
  }
  const nodesRight = x > 0 ? x - NODE_GAP : 0;

  const network = model.nodes.find((n) => n.data.kind === 'network');
  let networkWidth = 0;
  if (network) {
    networkWidth = Math.max(nodesRight, POD_WIDTH);
    positions.set(network.data.id, { x: nodesRight / 2, y: -NETWORK_RISE });
  }

  const services = model.nodes.filter((n) => n.data.kind === 'service');
  const perRow = Math.max(
    3,
    Math.floor((nodesRight + SERVICE_GAP_X) / (SERVICE_WIDTH + SERVICE_GAP_X)),
  );
  let rowTop = lowest + SERVICE_DROP;
  for (let i = 0; i < services.length; i += perRow) {
    const row = services.slice(i, i + perRow);
    const rowHeight = Math.max(...row.map((s) => s.data.height));
    row.forEach((s, j) => {
      positions.set(s.data.id, {
        x: SERVICE_WIDTH / 2 + j * (SERVICE_WIDTH + SERVICE_GAP_X),
        y: rowTop + s.data.height / 2,
      });
    });
    rowTop += rowHeight + SERVICE_GAP_Y;
  }

  // What a trace went through beyond the cluster (LoadBalancer IPs, outside machines, unknown
  // hops): a row above the node network, in path order, so that it never moves anything else.
  const hops = model.nodes.filter((n) => n.data.kind === 'hop');
  hops.forEach((h, i) => {
    positions.set(h.data.id, {
      x: SERVICE_WIDTH / 2 + i * (SERVICE_WIDTH + SERVICE_GAP_X),
      y: -NETWORK_RISE - HOP_RISE,
    });
  });

  return {
    nodes: model.nodes.map((n) => {
      const position = positions.get(n.data.id);
      const data = n.data.kind === 'network' ? { ...n.data, width: networkWidth } : n.data;
      return position ? { ...n, data, position } : { ...n, data };
    }),
    edges: model.edges.map((e) => bendAcrossNodes(e, model, positions)),
  };
}

/** How far a trace link between two nodes' interfaces bows up towards the node network. */
const NETWORK_BEND = 64;

/**
 * A trace link from one node's interface to another node's lies on the row of interfaces and
 * would cut straight through the boxes in between; it bows up towards the network bar instead,
 * which is where that traffic goes. `bend` is signed for cytoscape's control-point distance,
 * which bends a left-to-right edge down when positive, so up is negative going right.
 */
function bendAcrossNodes(
  edge: GraphModel['edges'][number],
  model: GraphModel,
  positions: Map<string, Position>,
): GraphModel['edges'][number] {
  if (edge.data.kind !== 'trace') return edge;
  const source = model.nodes.find((n) => n.data.id === edge.data.source);
  const target = model.nodes.find((n) => n.data.id === edge.data.target);
  const a = positions.get(edge.data.source);
  const b = positions.get(edge.data.target);
  if (!source || !target || !a || !b) return edge;
  if (source.data.kind !== 'interface' || target.data.kind !== 'interface') return edge;
  if (source.data.parent === target.data.parent) return edge;
  const bend = (b.x >= a.x ? -1 : 1) * NETWORK_BEND;
  return {
    ...edge,
    data: { ...edge.data, bend },
    classes: [...edge.classes, 'via-network'],
  };
}

/**
 * Stacks pods in columns of at most MAX_ROWS starting at `left`; an empty block still takes one
 * column so that its interface has a place.
 */
function placeColumns(
  pods: GraphNode[],
  left: number,
  positions: Map<string, Position>,
): { center: number; right: number; bottom: number } {
  const columns = Math.max(1, Math.ceil(pods.length / MAX_ROWS));
  const width = columns * POD_WIDTH + (columns - 1) * COLUMN_GAP;
  const top = INTERFACE_HEIGHT / 2 + POD_TOP_GAP;
  let bottom = INTERFACE_HEIGHT / 2;
  const columnTops = Array<number>(columns).fill(top);
  pods.forEach((pod, i) => {
    const col = Math.floor(i / MAX_ROWS);
    const y = columnTops[col] ?? top;
    positions.set(pod.data.id, {
      x: left + POD_WIDTH / 2 + col * (POD_WIDTH + COLUMN_GAP),
      y: y + pod.data.height / 2,
    });
    columnTops[col] = y + pod.data.height + ROW_GAP;
    bottom = Math.max(bottom, y + pod.data.height);
  });
  return { center: left + width / 2, right: left + width, bottom };
}

/**
 * A key that changes exactly when the layout would: the ordered set of nodes, their parents
 * and sizes (edges do not move anything). The host re-runs the layout, and fits the view, only
 * when it changes, so a pod turning ready or a search never moves the picture.
 */
export function shapeKey(model: { nodes: GraphNode[] }): string {
  return model.nodes
    .map((n) => `${n.data.id}<${n.data.parent ?? ''}>${n.data.width}x${n.data.height}`)
    .join('|');
}
