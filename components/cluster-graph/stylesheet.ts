/**
 * The cytoscape stylesheet as a pure function of the theme: switching theme swaps the
 * stylesheet on the live `cy` instance, nothing is rebuilt.
 */
import type { Theme } from './types';

export interface GraphStyle {
  selector: string;
  style: Record<string, string | number | number[]>;
}

interface Palette {
  text: string;
  muted: string;
  nodeFill: string;
  nodeBorder: string;
  nodeTitle: string;
  networkFill: string;
  networkBorder: string;
  uplinkFill: string;
  uplinkBorder: string;
  bridgeFill: string;
  bridgeBorder: string;
  podFill: string;
  podBorder: string;
  hostFill: string;
  hostBorder: string;
  serviceFill: string;
  serviceBorder: string;
  lbFill: string;
  lbBorder: string;
  warnFill: string;
  warnBorder: string;
  edge: string;
  endpointEdge: string;
  accent: string;
  match: string;
  ok: string;
  warn: string;
  broken: string;
  unknown: string;
  labelBg: string;
  pickFrom: string;
  pickTo: string;
}

const palettes: Record<Theme, Palette> = {
  light: {
    text: '#0f172a',
    muted: '#475569',
    nodeFill: '#f8fafc',
    nodeBorder: '#cbd5e1',
    nodeTitle: '#0f172a',
    networkFill: '#e2e8f0',
    networkBorder: '#94a3b8',
    uplinkFill: '#e0f2fe',
    uplinkBorder: '#0284c7',
    bridgeFill: '#ccfbf1',
    bridgeBorder: '#0d9488',
    podFill: '#ffffff',
    podBorder: '#94a3b8',
    hostFill: '#fef3c7',
    hostBorder: '#d97706',
    serviceFill: '#ede9fe',
    serviceBorder: '#7c3aed',
    lbFill: '#e0e7ff',
    lbBorder: '#4f46e5',
    warnFill: '#fee2e2',
    warnBorder: '#dc2626',
    edge: '#94a3b8',
    endpointEdge: '#a78bfa',
    accent: '#2563eb',
    match: '#16a34a',
    ok: '#16a34a',
    warn: '#d97706',
    broken: '#dc2626',
    unknown: '#94a3b8',
    labelBg: '#ffffff',
    pickFrom: '#2563eb',
    pickTo: '#9333ea',
  },
  dark: {
    text: '#e2e8f0',
    muted: '#94a3b8',
    nodeFill: '#0f172a',
    nodeBorder: '#334155',
    nodeTitle: '#f1f5f9',
    networkFill: '#1e293b',
    networkBorder: '#475569',
    uplinkFill: '#082f49',
    uplinkBorder: '#38bdf8',
    bridgeFill: '#042f2e',
    bridgeBorder: '#2dd4bf',
    podFill: '#1e293b',
    podBorder: '#64748b',
    hostFill: '#451a03',
    hostBorder: '#f59e0b',
    serviceFill: '#2e1065',
    serviceBorder: '#a78bfa',
    lbFill: '#1e1b4b',
    lbBorder: '#818cf8',
    warnFill: '#450a0a',
    warnBorder: '#f87171',
    edge: '#64748b',
    endpointEdge: '#8b5cf6',
    accent: '#60a5fa',
    match: '#4ade80',
    ok: '#4ade80',
    warn: '#fbbf24',
    broken: '#f87171',
    unknown: '#64748b',
    labelBg: '#020617',
    pickFrom: '#60a5fa',
    pickTo: '#c084fc',
  },
};

const FONT = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The stylesheet for one theme; selectors use the classes the element builder assigns. */
export function graphStylesheet(theme: Theme): GraphStyle[] {
  const c = palettes[theme];
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: 'data(width)',
        height: 'data(height)',
        label: 'data(label)',
        'font-family': FONT,
        'font-size': 11,
        'line-height': 1.25,
        color: c.text,
        'text-wrap': 'wrap',
        'text-valign': 'center',
        'text-halign': 'center',
        'background-color': c.podFill,
        'border-width': 1,
        'border-color': c.podBorder,
        'transition-property': 'opacity, border-color, background-color',
        'transition-duration': 150,
      },
    },
    {
      selector: 'node.k8s-node',
      style: {
        shape: 'round-rectangle',
        'background-color': c.nodeFill,
        'border-color': c.nodeBorder,
        'border-width': 1.5,
        padding: 18,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -6,
        'font-size': 13,
        'font-weight': 600,
        color: c.nodeTitle,
        'compound-sizing-wrt-labels': 'exclude',
      },
    },
    {
      selector: 'node.k8s-node.not-ready',
      style: { 'border-color': c.warnBorder, 'border-style': 'dashed' },
    },
    {
      selector: 'node.network',
      style: {
        shape: 'round-rectangle',
        'background-color': c.networkFill,
        'border-color': c.networkBorder,
        color: c.muted,
        'font-size': 12,
        'font-weight': 600,
      },
    },
    {
      selector: 'node.interface',
      style: { 'font-family': 'ui-monospace, SFMono-Regular, Menlo, monospace', 'font-size': 11 },
    },
    {
      selector: 'node.uplink',
      style: {
        'background-color': c.uplinkFill,
        'border-color': c.uplinkBorder,
        'border-width': 1.5,
      },
    },
    {
      selector: 'node.bridge',
      style: {
        'background-color': c.bridgeFill,
        'border-color': c.bridgeBorder,
        'border-width': 1.5,
      },
    },
    {
      selector: 'node.host-network',
      style: {
        'background-color': c.hostFill,
        'border-color': c.hostBorder,
        'border-style': 'dashed',
      },
    },
    {
      selector: 'node.pod.not-ready',
      style: { 'border-color': c.warnBorder, 'border-style': 'dotted' },
    },
    { selector: 'node.probe', style: { opacity: 0.75 } },
    {
      selector: 'node.service',
      style: {
        'background-color': c.serviceFill,
        'border-color': c.serviceBorder,
        'corner-radius': 14,
      },
    },
    { selector: 'node.lb', style: { 'background-color': c.lbFill, 'border-color': c.lbBorder } },
    {
      selector: 'node.no-endpoints',
      style: {
        'background-color': c.warnFill,
        'border-color': c.warnBorder,
        'border-style': 'dashed',
      },
    },
    {
      selector: 'edge',
      style: {
        width: 1.25,
        'line-color': c.edge,
        'curve-style': 'straight',
        opacity: 0.8,
        'transition-property': 'opacity, line-color, width',
        'transition-duration': 150,
      },
    },
    { selector: 'edge.host-netns', style: { 'line-style': 'dashed' } },
    {
      selector: 'edge.endpoint',
      style: {
        'line-color': c.endpointEdge,
        'line-style': 'dashed',
        'line-dash-pattern': [4, 4],
        'curve-style': 'bezier',
        'target-arrow-shape': 'triangle',
        'target-arrow-color': c.endpointEdge,
        'arrow-scale': 0.7,
        // Endpoint lines cross the node boxes; faint until a selection puts them on the path.
        opacity: 0.3,
      },
    },
    { selector: 'edge.endpoint.not-ready', style: { 'line-color': c.warnBorder, opacity: 0.4 } },
    // Search: matches stand out, the rest steps back but stays readable for context.
    { selector: '.dimmed', style: { opacity: 0.25 } },
    { selector: 'node.match', style: { 'border-color': c.match, 'border-width': 2.5 } },
    {
      selector: 'node.on-path',
      style: { 'border-color': c.accent, 'border-width': 2.5, opacity: 1 },
    },
    {
      selector: 'edge.on-path',
      style: {
        'line-color': c.accent,
        'target-arrow-color': c.accent,
        width: 3,
        opacity: 1,
        'z-index': 10,
      },
    },
    {
      selector: 'node.is-selected',
      style: {
        'border-color': c.accent,
        'border-width': 3,
        'underlay-color': c.accent,
        'underlay-opacity': 0.18,
        'underlay-padding': 6,
        'underlay-shape': 'round-rectangle',
        opacity: 1,
      },
    },
    // A trace: its path stands out, the rest of the cluster fades but stays for context.
    { selector: '.faded', style: { opacity: 0.16 } },
    { selector: 'node.k8s-node.faded', style: { opacity: 0.35 } },
    {
      selector: 'node.on-trace',
      style: { 'border-color': c.accent, 'border-width': 2.5, opacity: 1 },
    },
    {
      selector: 'node.hop-seen',
      style: {
        'border-color': c.accent,
        'border-width': 2.5,
        'underlay-color': c.accent,
        'underlay-opacity': 0.14,
        'underlay-padding': 5,
        'underlay-shape': 'round-rectangle',
      },
    },
    {
      selector: 'node.hop',
      style: { 'background-color': c.nodeFill, 'border-color': c.nodeBorder, 'border-width': 1.5 },
    },
    {
      selector: 'node.hop-loadbalancer',
      style: { shape: 'hexagon', 'background-color': c.lbFill, 'border-color': c.lbBorder },
    },
    { selector: 'node.hop-external', style: { 'border-style': 'dashed', shape: 'barrel' } },
    {
      selector: 'node.hop-unknown',
      style: { 'border-style': 'dotted', color: c.muted, shape: 'ellipse' },
    },
    {
      selector: 'node.trace-source, node.pick-from',
      style: {
        'underlay-color': c.pickFrom,
        'underlay-opacity': 0.22,
        'underlay-padding': 7,
        'underlay-shape': 'round-rectangle',
        'border-color': c.pickFrom,
        'border-width': 3,
        opacity: 1,
      },
    },
    {
      selector: 'node.trace-target, node.pick-to',
      style: {
        'underlay-color': c.pickTo,
        'underlay-opacity': 0.22,
        'underlay-padding': 7,
        'underlay-shape': 'round-rectangle',
        'border-color': c.pickTo,
        'border-width': 3,
        opacity: 1,
      },
    },
    {
      selector: 'edge.trace-link',
      style: {
        width: 4,
        opacity: 1,
        'curve-style': 'bezier',
        'control-point-step-size': 46,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.9,
        label: 'data(label)',
        'font-family': FONT,
        'font-size': 11,
        'font-weight': 600,
        color: c.text,
        'text-background-color': c.labelBg,
        'text-background-opacity': 0.92,
        'text-background-padding': '3',
        'text-background-shape': 'round-rectangle',
        'text-rotation': 'none',
        'z-index': 20,
      },
    },
    {
      selector: 'edge.trace-link.via-network',
      style: {
        'curve-style': 'unbundled-bezier',
        'control-point-distances': 'data(bend)',
        'control-point-weights': 0.5,
        'source-endpoint': '0% -50%',
        'target-endpoint': '0% -50%',
      },
    },
    {
      selector: 'edge.state-ok',
      style: { 'line-color': c.ok, 'target-arrow-color': c.ok },
    },
    {
      selector: 'edge.state-intermittent',
      style: {
        'line-color': c.warn,
        'target-arrow-color': c.warn,
        'line-style': 'dashed',
        'line-dash-pattern': [10, 5],
        color: c.warn,
      },
    },
    {
      selector: 'edge.state-broken',
      style: {
        'line-color': c.broken,
        'target-arrow-color': c.broken,
        'target-arrow-shape': 'tee',
        color: c.broken,
        width: 5,
      },
    },
    {
      selector: 'edge.state-unknown',
      style: {
        'line-color': c.unknown,
        'target-arrow-color': c.unknown,
        'line-style': 'dotted',
        width: 3,
      },
    },
    {
      selector: 'edge.active-link',
      style: {
        width: 7,
        'underlay-color': c.accent,
        'underlay-opacity': 0.25,
        'underlay-padding': 4,
        'z-index': 30,
      },
    },
    // Cytoscape's own selection state is not used: selection lives in React and comes in
    // through the `is-selected` class, so the canvas and the pod list cannot disagree.
    { selector: 'node:selected', style: { 'overlay-opacity': 0 } },
    { selector: 'node:active', style: { 'overlay-opacity': 0.08, 'overlay-color': c.accent } },
    { selector: 'edge:active', style: { 'overlay-opacity': 0 } },
  ];
}

/** The canvas background behind the graph, matched by the page's CSS. */
export function graphBackground(theme: Theme): string {
  return theme === 'dark' ? '#020617' : '#ffffff';
}
