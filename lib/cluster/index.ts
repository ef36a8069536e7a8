/**
 * The door to the cluster: the only module tree that imports @kubernetes/client-node. Route
 * handlers usually want lib/server/cluster-runtime instead; the CLI and tests use these parts.
 */
import 'server-only';

export { createClusterClient } from './client';
export { connectCluster } from './connection';
export type { ClusterConnection, ConnectOptions } from './connection';
export {
  ClusterError,
  clusterErrorFromResponse,
  clusterErrorFromThrown,
  httpStatusFor,
  isClusterError,
} from './errors';
export type { ClusterErrorCode } from './errors';
export type { InformerStatus } from './informer';
export {
  IN_CLUSTER_CONTEXT,
  kubeConfigFor,
  listContexts,
  processChoiceInput,
  resolveClusterChoice,
} from './selection';
export type { ClusterChoice, ClusterChoiceInput } from './selection';
export type * from './types';
