/**
 * Test support only (imported by *.test.ts, never by product code): a ClusterClient for an
 * emulator's kubeconfig, and an InventorySnapshot read straight from the emulator's store.
 */
import { readFileSync } from 'node:fs';
import { createClusterClient } from '../../cluster/client';
import { kubeConfigFor, resolveClusterChoice } from '../../cluster/selection';
import { KubeTransport } from '../../cluster/transport';
import type { ClusterClient } from '../../cluster/types';
import { snapshotFromObjects } from '../../inventory/snapshot-from-objects';
import type { InventorySnapshot } from '../../inventory/types';
import type { Emulator } from '../../../testbed/emulator/index';

/** A client for a kubeconfig given as text or as a file path. */
export function clientForKubeconfig(kubeconfig: { text?: string; path?: string }): ClusterClient {
  const text = kubeconfig.text ?? readFileSync(kubeconfig.path ?? '', 'utf8');
  const files: Record<string, string> = { '/kubeconfig': text };
  const choice = resolveClusterChoice({
    env: { KUBECONFIG: '/kubeconfig' },
    argv: [],
    fileExists: (f) => f in files,
    readFile: (f) => files[f] ?? '',
  });
  if (choice.kind !== 'kubeconfig') throw new Error('expected a kubeconfig choice');
  return createClusterClient(
    new KubeTransport(kubeConfigFor(choice, (f) => files[f] ?? '')),
    choice.context,
  );
}

interface PodLike {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/**
 * What the inventory would hold for the emulator's objects, once the kubelet has started every
 * scheduled pod and the EndpointSlice controller has seen them ready.
 */
export async function snapshotOf(emulator: Emulator): Promise<InventorySnapshot> {
  const started = (p: PodLike) =>
    !p.spec?.nodeName ||
    ['Succeeded', 'Failed'].includes(p.status?.phase ?? '') ||
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  for (let i = 0; i < 200; i++) {
    await emulator.settled();
    if ((emulator.store.list('pods') as PodLike[]).every(started)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await emulator.settled();
  const list = (kind: string, resource: string) => ({
    kind: `${kind}List`,
    items: emulator.store.list(resource),
  });
  return snapshotFromObjects(
    [
      list('Node', 'nodes'),
      list('Pod', 'pods'),
      list('Service', 'services'),
      list('EndpointSlice', 'endpointslices.discovery.k8s.io'),
      list('NetworkPolicy', 'networkpolicies.networking.k8s.io'),
      list('DaemonSet', 'daemonsets.apps'),
    ],
    'demo',
  ).snapshot;
}
