/**
 * The scenario clusters' object dumps (lib/topology/__fixtures__/{demo,k3s}-objects.json), as
 * `kubectl get nodes,pods,services,endpointslices,networkpolicies -A -o json` prints them,
 * taken from the API emulator serving testbed/scenarios. This test fails when the emulator's
 * objects drift from the committed dumps; regenerate them with
 *   UPDATE_FIXTURES=1 npx vitest run lib/topology/fixtures.test.ts
 * and then the goldens that depend on them with
 *   UPDATE_GOLDEN=1 npx vitest run lib/refs lib/resolve lib/topology lib/path
 */
import { startEmulator, type Emulator } from '../../testbed/emulator/index';
import { api } from '../../testbed/emulator/test-support';
import { createNullRuntime } from '../../testbed/runtime/null-runtime';
import { demoScenario } from '../../testbed/scenarios/demo';
import { k3sScenario } from '../../testbed/scenarios/k3s';
import type { Scenario } from '../../testbed/scenarios/types';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { snapshotFromObjects } from '@/lib/inventory/snapshot-from-objects';
import type { InventorySnapshot } from '@/lib/inventory/types';
import { fixturePath, type FixtureCluster } from './__fixtures__/load';

/** The resources of the dump, in kubectl's order, with the group/version kubectl prints. */
const RESOURCES = [
  { path: '/api/v1/nodes', kind: 'Node', apiVersion: 'v1' },
  { path: '/api/v1/pods', kind: 'Pod', apiVersion: 'v1' },
  { path: '/api/v1/services', kind: 'Service', apiVersion: 'v1' },
  {
    path: '/apis/discovery.k8s.io/v1/endpointslices',
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
  },
  {
    path: '/apis/networking.k8s.io/v1/networkpolicies',
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
  },
] as const;

interface Meta {
  namespace?: string;
  name?: string;
}

/** Lists every resource as kubectl does for `get a,b,c -A -o json`: one v1 List of typed items. */
async function dumpObjects(emulator: Emulator): Promise<unknown> {
  const items: unknown[] = [];
  for (const r of RESOURCES) {
    const reply = await api(emulator, 'GET', r.path);
    if (reply.status !== 200) throw new Error(`GET ${r.path}: ${reply.status} ${reply.text}`);
    const list = (reply.json as { items: { metadata?: Meta }[] }).items;
    // The API server omits kind/apiVersion on list items; kubectl puts them back.
    const typed = list.map((item) => ({ apiVersion: r.apiVersion, kind: r.kind, ...item }));
    typed.sort((a, b) => key(a.metadata).localeCompare(key(b.metadata)));
    items.push(...typed);
  }
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

const key = (m: Meta | undefined) => `${m?.namespace ?? ''}/${m?.name ?? ''}`;

async function freshDump(scenario: Scenario): Promise<unknown> {
  const emulator = await startEmulator({
    scenario,
    runtime: createNullRuntime(),
    kubeletTiming: { stepDelayMs: 1 },
  });
  try {
    await emulator.settled();
    return await dumpObjects(emulator);
  } finally {
    await emulator.close();
  }
}

/**
 * What the trace pipeline reads of a dump, without what changes on every emulator start
 * (uids, generated EndpointSlice name suffixes, container statuses' ids and times).
 */
function stable(snapshot: InventorySnapshot): unknown {
  return {
    ...snapshot,
    pods: snapshot.pods.map(({ uid: _uid, containers: _containers, ...pod }) => pod),
    endpointSlices: snapshot.endpointSlices
      .map(({ name: _name, ...slice }) => slice)
      .sort((a, b) =>
        `${a.namespace}/${a.serviceName}`.localeCompare(`${b.namespace}/${b.serviceName}`),
      ),
  };
}

const CLUSTERS: [FixtureCluster, Scenario][] = [
  ['demo', demoScenario],
  ['k3s', k3sScenario],
];

describe.each(CLUSTERS)('%s objects fixture', (cluster, scenario) => {
  it('matches what the emulator serves for the scenario', async () => {
    const dump = await freshDump(scenario);
    if (process.env.UPDATE_FIXTURES) {
      writeFileSync(fixturePath(cluster), `${JSON.stringify(dump, null, 1)}\n`);
    }
    const committed: unknown = JSON.parse(readFileSync(fixturePath(cluster), 'utf8'));
    const fresh = snapshotFromObjects(dump, cluster);
    const saved = snapshotFromObjects(committed, cluster);
    expect(saved.skipped).toBe(0);
    expect(stable(saved.snapshot)).toEqual(stable(fresh.snapshot));
  });
});
