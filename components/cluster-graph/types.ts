/**
 * The graph as podpath draws it: plain data, independent of cytoscape, so that building it and
 * laying it out are pure functions that tests can read. The host component turns these into
 * cytoscape elements one to one (same ids, same data).
 */

export type GraphNodeKind = 'network' | 'k8s-node' | 'interface' | 'pod' | 'service' | 'hop';
export type GraphEdgeKind = 'uplink' | 'bridge' | 'veth' | 'host-netns' | 'endpoint' | 'trace';

interface GraphNodeDataBase {
  id: string;
  kind: GraphNodeKind;
  /** What the canvas prints, lines separated by \n. */
  label: string;
  /** Compound parent (the Kubernetes node box) for interfaces and pods. */
  parent?: string;
  /** Box size in model units, chosen by the layout constants. */
  width: number;
  height: number;
}

export interface NetworkNodeData extends GraphNodeDataBase {
  kind: 'network';
  name: string;
}

export interface K8sNodeData extends GraphNodeDataBase {
  kind: 'k8s-node';
  name: string;
  internalIP: string | null;
  podCIDR: string | null;
  ready: boolean;
  role: 'control-plane' | 'worker';
}

export interface InterfaceNodeData extends GraphNodeDataBase {
  kind: 'interface';
  node: string;
  /** eth1 (the node's uplink, InternalIP) or cni0 (the pod bridge, the podCIDR's gateway). */
  name: string;
  ip: string | null;
}

export interface PodNodeData extends GraphNodeDataBase {
  kind: 'pod';
  namespace: string;
  name: string;
  node: string | null;
  ip: string | null;
  hostNetwork: boolean;
  ready: boolean;
  phase: string;
  isProbe: boolean;
}

export interface ServiceNodeData extends GraphNodeDataBase {
  kind: 'service';
  namespace: string;
  name: string;
  type: string;
  clusterIP: string | null;
  headless: boolean;
  ingressIPs: string[];
  ports: string[];
  /** Number of endpoint pods found; 0 means nothing answers (scenario S6). */
  endpointCount: number;
  externalTrafficPolicy: 'Cluster' | 'Local' | null;
}

/**
 * Something a trace's path went through that the cluster graph does not draw: a LoadBalancer
 * IP, a machine outside the cluster, a hop nobody owns or one that stayed silent.
 */
export interface HopNodeData extends GraphNodeDataBase {
  kind: 'hop';
  hopKind: 'loadbalancer' | 'external' | 'unknown' | 'node' | 'pod' | 'interface' | 'service';
  ip: string | null;
}

export type GraphNodeData =
  NetworkNodeData | K8sNodeData | InterfaceNodeData | PodNodeData | ServiceNodeData | HopNodeData;

export interface GraphEdgeData {
  id: string;
  kind: GraphEdgeKind;
  source: string;
  target: string;
  label?: string;
  /** Trace links only: their state and index in the trace's links[]. */
  state?: 'ok' | 'broken' | 'intermittent' | 'unknown';
  index?: number;
  /** Trace links between nodes: how far the line bows towards the node network. */
  bend?: number;
}

export interface GraphNode {
  group: 'nodes';
  data: GraphNodeData;
  classes: string[];
}

export interface GraphEdge {
  group: 'edges';
  data: GraphEdgeData;
  classes: string[];
}

export type GraphElement = GraphNode | GraphEdge;

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Position {
  x: number;
  y: number;
}

/** What the UI filters by; the namespace changes the graph's shape, the others only its classes. */
export interface GraphFilter {
  /** null: every namespace. */
  namespace: string | null;
}

export interface GraphHighlight {
  /** The selected pod's element id, if any. */
  selected: string | null;
  /** Pod ids matching the search; null when there is no search. */
  matches: ReadonlySet<string> | null;
}

export type Theme = 'light' | 'dark';
