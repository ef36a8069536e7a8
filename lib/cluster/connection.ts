import 'server-only';

import { InventoryStore } from '../inventory/inventory-store';
import { INVENTORY_RESOURCES } from '../inventory/types';
import type { InventoryResource } from '../inventory/types';
import { createClusterClient } from './client';
import { ClusterError } from './errors';
import { SupervisedInformer } from './informer';
import type { BackoffOptions, InformerStatus } from './informer';
import { ESSENTIAL_RESOURCES, RESOURCE_PATHS } from './resources';
import { kubeConfigFor } from './selection';
import type { ClusterChoice } from './selection';
import { KubeTransport } from './transport';
import type { TransportOptions } from './transport';
import type { ClusterClient } from './types';

export interface ConnectOptions {
  readFile: (file: string) => string;
  transport?: TransportOptions;
  backoff?: Partial<BackoffOptions>;
  /** Resources to watch; all six by default. */
  resources?: readonly InventoryResource[];
}

/** One live cluster: its client, its informers and the inventory they keep current. */
export interface ClusterConnection {
  readonly context: string;
  readonly demo: boolean;
  readonly contexts: string[];
  /** API server URL, for display. */
  readonly server: string;
  readonly store: InventoryStore;
  readonly client: ClusterClient;
  /**
   * Resolves once every informer has listed once. Rejects with the ClusterError when nodes or
   * pods cannot be read at all (401/403); other resources that cannot be read are left empty
   * and reported in `status()`. Stays pending while the API server is unreachable.
   */
  ready(): Promise<void>;
  isReady(): boolean;
  status(): { informers: InformerStatus[] };
  close(): Promise<void>;
}

/**
 * Connects to the cluster a ClusterChoice names and starts one supervised informer per
 * inventory resource, all feeding one InventoryStore.
 */
export function connectCluster(
  choice: Exclude<ClusterChoice, { kind: 'demo' }>,
  options: ConnectOptions,
): ClusterConnection {
  const kubeConfig = kubeConfigFor(choice, options.readFile);
  const transport = new KubeTransport(kubeConfig, options.transport);
  const store = new InventoryStore(choice.context);
  const client = createClusterClient(transport, choice.context);
  const resources = options.resources ?? INVENTORY_RESOURCES;

  const informers = resources.map(
    (resource) =>
      new SupervisedInformer(
        resource,
        {
          list: () => transport.listAll(RESOURCE_PATHS[resource], {}, `list ${resource}`),
          watch: (resourceVersion, onEvent, done) =>
            transport.watch(RESOURCE_PATHS[resource], { resourceVersion }, onEvent, done),
        },
        {
          replace: (objects) => store.replace(resource, objects),
          apply: (type, object) => store.apply(resource, type, object),
        },
        { backoff: options.backoff },
      ),
  );
  informers.forEach((i) => i.start());

  let closed = false;
  const settledOk = (i: SupervisedInformer) =>
    i.status().synced ||
    (i.failure() !== null && !ESSENTIAL_RESOURCES.includes(i.resource as InventoryResource));

  return {
    context: choice.context,
    demo: choice.demo,
    contexts: [...choice.contexts],
    server: transport.server,
    store,
    client,
    async ready() {
      await Promise.all(informers.map((i) => i.settled()));
      if (closed)
        throw new ClusterError('unknown', `the connection to ${choice.context} was closed`);
      const fatal = informers.find((i) => !settledOk(i));
      const failure = fatal?.failure();
      if (failure) throw failure;
    },
    isReady: () => !closed && informers.every(settledOk),
    status: () => ({ informers: informers.map((i) => i.status()) }),
    async close() {
      closed = true;
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}
