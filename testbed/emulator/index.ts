/**
 * The Kubernetes API emulator: an HTTPS server that kubectl and @kubernetes/client-node talk to as
 * to a real kube-apiserver, over a scenario's objects kept alive by the emulator's controllers.
 *
 * Served: discovery (legacy and aggregated), /version, health, a schema-less OpenAPI v3 index;
 * list (selectors, pagination), get, watch (bookmarks, 410 Expired), create, update, patch
 * (merge, strategic merge, JSON patch), delete (graceful for pods, finalizers, namespaces);
 * pods/log, pods/status, pods/ephemeralcontainers, pods/binding; SelfSubjectAccessReviews;
 * server-side Tables. Not served: exec/attach/port-forward, server-side apply, deletecollection,
 * managedFields, OpenAPI schemas (so `kubectl explain` fails), previous container logs.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ContainerRuntime } from '../runtime/types';
import type { Scenario } from '../scenarios/types';
import type { ForbidRule } from './auth';
import { seedScenario, startControllers, type KubeletTiming } from './controllers/index';
import { renderKubeconfig } from './kubeconfig';
import { ApiServer } from './server';
import { ObjectStore } from './store';
import { createServingCertificate } from './tls';

export type { ForbidRule } from './auth';

export interface EmulatorOptions {
  scenario: Scenario;
  runtime: ContainerRuntime;
  /** Listen address; 127.0.0.1 unless given. */
  host?: string;
  /** Listen port; 0 (a free port) unless given. */
  port?: number;
  /** Bearer token clients must send; random unless given. */
  token?: string;
  /** Requests matching one of these are answered 403 Forbidden. */
  forbid?: ForbidRule[];
  /** Store events kept for watch resumption; older resourceVersions answer 410 Expired. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them (the API server's is a minute). */
  bookmarkIntervalMs?: number;
  /** The user the token authenticates as, named in 403 messages. */
  user?: string;
  /** Kubelet pacing handed to the controllers; tests shorten it. */
  kubeletTiming?: Partial<KubeletTiming>;
}

export interface Emulator {
  /** Base URL, e.g. https://127.0.0.1:41234. */
  url: string;
  store: ObjectStore;
  token: string;
  /** PEM of the CA that signed the serving certificate; clients must trust it. */
  caPem: string;
  /** Kubeconfig YAML; context and cluster are named after the scenario unless told. */
  kubeconfig(contextName?: string): string;
  writeKubeconfig(path: string): Promise<void>;
  /** Ends every open watch stream, as an API server restart or load balancer would. */
  dropWatches(): void;
  /** Resolves once the scheduler, EndpointSlice and workload controllers have nothing queued. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the emulator: seeds the scenario into a fresh store, starts the controllers with the
 * given container runtime and serves the API. Resolves once the server is listening.
 */
export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const { scenario } = opts;
  const store = new ObjectStore(opts.historyLimit);
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const user = opts.user ?? 'kubernetes-admin';
  const host = opts.host ?? '127.0.0.1';
  // HTTPS because kubectl sends a kubeconfig's token only over TLS.
  const tls = createServingCertificate(['127.0.0.1', '::1', 'localhost', host]);
  seedScenario(store, scenario, { caCertPem: tls.caPem });
  const controllers = startControllers({
    store,
    runtime: opts.runtime,
    scenario,
    timing: opts.kubeletTiming,
  });
  const api = new ApiServer({
    store,
    scenario,
    logs: controllers.logs,
    token,
    user,
    forbid: opts.forbid ?? [],
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
  });
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, api.handle);
  try {
    await listen(server, host, opts.port ?? 0);
  } catch (err) {
    await controllers.stop();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const kubeconfig = (contextName?: string) =>
    renderKubeconfig({
      server: url,
      caPem: tls.caPem,
      token,
      contextName: contextName ?? scenario.name,
      userName: `${contextName ?? scenario.name}-admin`,
    });

  let closing: Promise<void> | null = null;
  return {
    url,
    store,
    token,
    caPem: tls.caPem,
    kubeconfig,
    async writeKubeconfig(path: string) {
      await writeFile(path, kubeconfig(), { mode: 0o600 });
    },
    dropWatches() {
      api.watches.dropAll();
    },
    settled() {
      return controllers.settled();
    },
    close() {
      closing ??= (async () => {
        api.closeStreams();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await controllers.stop();
      })();
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
