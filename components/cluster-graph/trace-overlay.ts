/**
 * A trace drawn onto a graph model, as plain data: the path's elements stand out, its links
 * become coloured edges labelled with their RTT, success ratio or finding, and the rest of the
 * cluster fades but stays for context. Two entry points: onto the live cluster graph (home page)
 * and as a graph of its own built from the trace alone (the share page, which must show the
 * trace as it was when it ran, whatever the cluster looks like now).
 */
import type { Finding, LinkState, PathElement, PathLink, TraceHop } from '@/lib/trace/types';
import { entityElementId } from '@/lib/resolve/element-ids';
import {
  INTERFACE_HEIGHT,
  INTERFACE_WIDTH,
  NETWORK_HEIGHT,
  POD_WIDTH,
  SERVICE_WIDTH,
  boxHeight,
} from './dimensions';
import { NETWORK_ID, nodeId, shorten } from './elements';
import type { GraphEdge, GraphModel, GraphNode, HopNodeData } from './types';

/** What of a trace the picture needs. */
export interface TraceDrawing {
  path: PathElement[];
  links: PathLink[];
  findings: Finding[];
  hops: TraceHop[];
}

export interface OverlayOptions {
  /** The link the reader is looking at (a finding's link, chosen in the panel). */
  activeLink?: number | null;
}

/** Classes the overlay adds; everything else about an element stays as the builder made it. */
export const TRACE_CLASSES = [
  'on-trace',
  'trace-source',
  'trace-target',
  'faded',
  'hop-seen',
] as const;

/** Edge id of the i-th link of a trace. */
export const traceLinkId = (index: number) => `trace-link:${index}`;

/** The words a link carries on the canvas: its finding's rule, its success ratio or its RTT. */
export function linkLabel(link: PathLink, index: number, findings: readonly Finding[]): string {
  const rule = findings.find((f) => f.link === index)?.rule;
  const parts: string[] = [];
  if (link.state === 'broken') parts.push('✕');
  if (link.state === 'intermittent' && link.successRatio) {
    parts.push(`${link.successRatio.ok}/${link.successRatio.total}`);
  }
  if (rule) parts.push(rule);
  else if (link.label) parts.push(link.label);
  else if (link.state === 'ok' && typeof link.rttMs === 'number') parts.push(formatMs(link.rttMs));
  return parts.join(' ');
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}

/**
 * The trace onto the cluster graph. Path elements the graph draws get `on-trace` (the first and
 * last also `trace-source` / `trace-target`); those it does not draw (LoadBalancer IPs, outside
 * machines, silent hops, a pod hidden by the namespace filter) are added as `hop` nodes; every
 * other element gets `faded`. With only hops so far (a trace still running), the elements they
 * name get `hop-seen` and nothing fades yet.
 */
export function overlayTrace(
  model: GraphModel,
  trace: TraceDrawing | null,
  opts: OverlayOptions = {},
): GraphModel {
  if (!trace) return model;
  if (trace.path.length === 0) return markSeenHops(model, trace.hops);

  const onPath = new Set(trace.path.map((el) => el.id));
  const drawn = new Set(model.nodes.map((n) => n.data.id));
  const first = trace.path[0]?.id;
  const last = trace.path[trace.path.length - 1]?.id;
  // A node box that holds a path element stays, as does the network bar the path crosses.
  const keep = new Set<string>();
  for (const n of model.nodes) {
    if (onPath.has(n.data.id) && n.data.parent) keep.add(n.data.parent);
  }
  if (trace.path.some((el) => el.kind === 'interface' && !el.id.endsWith('/cni0'))) {
    keep.add(NETWORK_ID);
  }

  const nodes: GraphNode[] = model.nodes.map((n) => {
    const id = n.data.id;
    if (onPath.has(id)) {
      return { ...n, classes: [...n.classes, ...endClasses(id, first, last), 'on-trace'] };
    }
    if (keep.has(id)) return n;
    return { ...n, classes: [...n.classes, 'faded'] };
  });
  const added = new Set<string>();
  for (const el of trace.path) {
    if (drawn.has(el.id) || added.has(el.id)) continue;
    added.add(el.id);
    nodes.push(hopNode(el, trace.hops, endClasses(el.id, first, last)));
  }
  const edges: GraphEdge[] = [
    ...model.edges.map((e) => ({ ...e, classes: [...e.classes, 'faded'] })),
    ...traceEdges(trace, opts),
  ];
  return { nodes, edges };
}

/**
 * A graph of the trace alone: the node boxes its path went through, with the interfaces and pods
 * it used inside them, its Services, and what lies outside the cluster. Labels and addresses
 * come from the trace, so the picture is the one of the moment it ran.
 */
export function traceOnlyModel(trace: TraceDrawing, opts: OverlayOptions = {}): GraphModel {
  const nodes: GraphNode[] = [];
  const seen = new Set<string>();
  // In the order the path reaches them: the source's node on the left, traffic flows right.
  const k8sNodes = [
    ...new Set(
      trace.path
        .map((el) => el.node ?? (el.kind === 'node' ? el.id.replace(/^node:/, '') : undefined))
        .filter((n): n is string => typeof n === 'string' && n.length > 0),
    ),
  ];
  const hasUplink = trace.path.some(
    (el) => el.kind === 'interface' && el.node && !el.id.endsWith('/cni0'),
  );
  if (hasUplink) {
    nodes.push({
      group: 'nodes',
      data: {
        id: NETWORK_ID,
        kind: 'network',
        name: 'node network',
        label: 'node network',
        width: 0,
        height: NETWORK_HEIGHT,
      },
      classes: ['network'],
    });
  }
  for (const name of k8sNodes) {
    const id = nodeId(name);
    seen.add(id);
    nodes.push({
      group: 'nodes',
      data: {
        id,
        kind: 'k8s-node',
        name,
        label: name,
        internalIP: null,
        podCIDR: null,
        ready: true,
        role: 'worker',
        width: 0,
        height: 0,
      },
      classes: ['k8s-node', 'worker'],
    });
  }

  for (const el of trace.path) {
    if (seen.has(el.id)) continue;
    seen.add(el.id);
    const ip = hopIp(el, trace.hops);
    const parent = el.node && k8sNodes.includes(el.node) ? nodeId(el.node) : undefined;
    if (el.kind === 'interface' && parent) {
      const name = el.id.slice(el.id.indexOf('/') + 1);
      nodes.push({
        group: 'nodes',
        data: {
          id: el.id,
          kind: 'interface',
          parent,
          node: el.node ?? '',
          name,
          ip,
          label: `${name}\n${ip ?? ''}`.trim(),
          width: INTERFACE_WIDTH,
          height: INTERFACE_HEIGHT,
        },
        classes: ['interface', name === 'cni0' ? 'bridge' : 'uplink'],
      });
    } else if (el.kind === 'pod' && parent && el.id.startsWith('pod:')) {
      const [namespace = '', name = ''] = el.id.slice(4).split('/');
      nodes.push({
        group: 'nodes',
        data: {
          id: el.id,
          kind: 'pod',
          parent,
          namespace,
          name,
          node: el.node ?? null,
          ip,
          hostNetwork: false,
          ready: true,
          phase: 'Running',
          isProbe: false,
          label: [shorten(name, 24), ip, namespace].filter(Boolean).join('\n'),
          width: POD_WIDTH,
          height: boxHeight(ip ? 3 : 2),
        },
        classes: ['pod'],
      });
    } else if (el.kind === 'service' && el.id.startsWith('service:')) {
      const [namespace = '', name = ''] = el.id.slice(8).split('/');
      nodes.push({
        group: 'nodes',
        data: {
          id: el.id,
          kind: 'service',
          namespace,
          name,
          type: 'ClusterIP',
          clusterIP: ip,
          headless: false,
          ingressIPs: [],
          ports: [],
          endpointCount: 1,
          externalTrafficPolicy: null,
          label: `${shorten(name, 24)}\nService · ${namespace}${ip ? `\n${ip}` : ''}`,
          width: SERVICE_WIDTH,
          height: boxHeight(ip ? 3 : 2),
        },
        classes: ['service'],
      });
    } else if (el.kind !== 'node') {
      nodes.push(hopNode(el, trace.hops, []));
    }
  }

  const first = trace.path[0]?.id;
  const last = trace.path[trace.path.length - 1]?.id;
  for (const n of nodes) {
    if (trace.path.some((el) => el.id === n.data.id)) {
      n.classes = [...n.classes, ...endClasses(n.data.id, first, last), 'on-trace'];
    }
  }
  const edges: GraphEdge[] = [];
  // The uplinks hang from the network bar, as on the cluster graph.
  if (hasUplink) {
    for (const n of nodes) {
      if (n.data.kind === 'interface' && n.classes.includes('uplink')) {
        edges.push({
          group: 'edges',
          data: {
            id: `edge:${n.data.id}->${NETWORK_ID}`,
            kind: 'uplink',
            source: n.data.id,
            target: NETWORK_ID,
          },
          classes: ['uplink', 'faded'],
        });
      }
    }
  }
  edges.push(...traceEdges(trace, opts));
  return { nodes, edges };
}

/** The ids of the elements the hops seen so far belong to. */
export function seenElementIds(hops: readonly TraceHop[]): Set<string> {
  const ids = new Set<string>();
  for (const hop of hops) {
    if (hop.ip && hop.entity) ids.add(entityElementId(hop.entity, hop.ip));
  }
  return ids;
}

function markSeenHops(model: GraphModel, hops: readonly TraceHop[]): GraphModel {
  const seen = seenElementIds(hops);
  if (seen.size === 0) return model;
  return {
    nodes: model.nodes.map((n) =>
      seen.has(n.data.id) ? { ...n, classes: [...n.classes, 'hop-seen'] } : n,
    ),
    edges: model.edges,
  };
}

function traceEdges(trace: TraceDrawing, opts: OverlayOptions): GraphEdge[] {
  const edges: GraphEdge[] = [];
  trace.links.forEach((link, index) => {
    const source = trace.path[link.from]?.id;
    const target = trace.path[link.to]?.id;
    if (!source || !target || source === target) return;
    const state: LinkState = link.state;
    const classes = ['trace-link', `state-${state}`];
    if (opts.activeLink === index) classes.push('active-link');
    edges.push({
      group: 'edges',
      data: {
        id: traceLinkId(index),
        kind: 'trace',
        source,
        target,
        state,
        index,
        label: linkLabel(link, index, trace.findings),
      },
      classes,
    });
  });
  return edges;
}

function endClasses(id: string, first: string | undefined, last: string | undefined): string[] {
  const out: string[] = [];
  if (id === first) out.push('trace-source');
  if (id === last) out.push('trace-target');
  return out;
}

function hopIp(el: PathElement, hops: readonly TraceHop[]): string | null {
  if (el.hop !== undefined) return hops[el.hop]?.ip ?? null;
  const colon = el.id.indexOf(':');
  const rest = colon >= 0 ? el.id.slice(colon + 1) : '';
  return /^[0-9a-f.:]+$/i.test(rest) && rest.includes('.') ? rest : null;
}

function hopNode(el: PathElement, hops: readonly TraceHop[], extra: string[]): GraphNode {
  const ip = hopIp(el, hops);
  const hopKind: HopNodeData['hopKind'] = el.kind;
  const silent = el.id.startsWith('unknown:ttl-');
  const title =
    hopKind === 'loadbalancer'
      ? 'LoadBalancer IP'
      : hopKind === 'external'
        ? 'outside the cluster'
        : silent
          ? 'no answer'
          : hopKind === 'unknown'
            ? 'unknown hop'
            : hopKind;
  const name = el.label ?? ip ?? el.id;
  const lines = silent ? ['*', title] : [name, ...(ip && ip !== name ? [ip] : []), title];
  return {
    group: 'nodes',
    data: {
      id: el.id,
      kind: 'hop',
      hopKind,
      ip,
      label: lines.join('\n'),
      width: SERVICE_WIDTH,
      height: boxHeight(lines.length),
    },
    classes: ['hop', `hop-${hopKind}`, ...(silent ? ['silent'] : []), ...extra, 'on-trace'],
  };
}
