/**
 * Test support (imported by *.test.ts only): the inventory snapshots of the scenario clusters,
 * built with lib/inventory's snapshotFromObjects from the committed `kubectl get -o json`
 * shaped dumps next to this file. lib/topology/fixtures.test.ts keeps the dumps equal to what
 * the emulator serves and regenerates them (see there).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { snapshotFromObjects } from '@/lib/inventory/snapshot-from-objects';
import type { InventorySnapshot } from '@/lib/inventory/types';

export type FixtureCluster = 'demo' | 'k3s';

/** Path of a cluster's object dump. */
export function fixturePath(cluster: FixtureCluster): string {
  return fileURLToPath(new URL(`./${cluster}-objects.json`, import.meta.url));
}

const snapshots = new Map<FixtureCluster, InventorySnapshot>();

/** The snapshot of a scenario cluster, as podpath's inventory would hold it. */
export function fixtureSnapshot(cluster: FixtureCluster): InventorySnapshot {
  const cached = snapshots.get(cluster);
  if (cached) return cached;
  const dump: unknown = JSON.parse(readFileSync(fixturePath(cluster), 'utf8'));
  const { snapshot } = snapshotFromObjects(dump, cluster);
  snapshots.set(cluster, snapshot);
  return snapshot;
}
