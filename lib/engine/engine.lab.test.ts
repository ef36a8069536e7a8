/**
 * The engine end to end without HTTP: the real cluster connection (informers, client) against
 * the API emulator, whose kubelet runs the probe containers in the network lab. Needs root
 * (PODPATH_LAB=off skips it on purpose).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCluster, type DemoCluster } from '../../testbed/demo-cluster';
import { labTestsOff } from '../../testbed/lab/lab-test-support';
import { connectCluster, type ClusterConnection } from '../cluster/connection';
import { resolveClusterChoice } from '../cluster/selection';
import { PROBE_SELECTOR } from '../probes/cleanup';
import { createMemoryTraceStore } from '../store/memory';
import { createTraceEngine } from './engine';
import type { TraceEngine, TraceEvent } from './types';

describe.skipIf(labTestsOff)('trace engine through emulator and lab', () => {
  let cluster: DemoCluster;
  let dataDir: string;
  let connection: ClusterConnection;
  let engine: TraceEngine;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'podpath-engine-'));
    cluster = await startDemoCluster({ dataPlane: 'lab', dataDir });
    const input = {
      env: { KUBECONFIG: cluster.kubeconfigPath },
      argv: [],
      fileExists: (f: string) => fs.existsSync(f),
      readFile: (f: string) => fs.readFileSync(f, 'utf8'),
    };
    const choice = resolveClusterChoice(input);
    if (choice.kind !== 'kubeconfig') throw new Error('expected the demo kubeconfig');
    connection = connectCluster(choice, { readFile: input.readFile });
    await connection.ready();
    engine = createTraceEngine({
      cluster: () => ({
        context: connection.context,
        client: connection.client,
        snapshot: () => connection.store.snapshot(),
        ready: () => connection.ready(),
      }),
      store: createMemoryTraceStore(),
      log: () => {},
    });
  }, 90_000);

  afterAll(async () => {
    await engine?.close();
    await connection?.close();
    await cluster?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    // Whatever a trace did, its probe pods are gone when it has ended.
    expect(await connection.client.listPods({ labelSelector: PROBE_SELECTOR })).toEqual([]);
  });

  it('S1: web-client to httpd is reachable over the article hops', async () => {
    const started = await engine.start({ from: 'pod:default/web-client', to: 'pod:default/httpd' });
    const seen: TraceEvent['type'][] = [];
    await engine.subscribe(started.id, ({ event }) => seen.push(event.type));
    const final = await engine.wait(started.id);
    expect(final?.status).toBe('reachable');
    expect(final?.strategy).toBe('pod');
    expect(final?.hops.map((h) => h.ip)).toEqual(['10.244.2.1', '192.168.56.11', '10.244.1.3']);
    expect(final?.path.map((p) => p.id)).toEqual([
      'pod:default/web-client',
      'node-2/cni0',
      'node-2/eth1',
      'node-1/eth1',
      'node-1/cni0',
      'pod:default/httpd',
    ]);
    expect(final?.links.every((l) => l.state === 'ok')).toBe(true);
    expect(final?.raw.traceroute).toContain('traceroute to 10.244.1.3');
    expect(seen.filter((t) => t === 'hop')).toHaveLength(3);
    expect(seen.at(-1)).toBe('done');
    expect(seen.indexOf('running')).toBeLessThan(seen.indexOf('hop'));
  }, 60_000);

  it('S2: fxrql to its own Service is intermittent over 20 connects', async () => {
    const started = await engine.start({
      from: 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql',
      to: 'service:default/k8s-go-demo-svc:80',
    });
    const final = await engine.wait(started.id);
    expect(final?.strategy).toBe('ephemeral');
    expect(final?.connect?.attempts).toBe(20);
    // Each connect picks one of two endpoints; all 20 alike has odds of 2 in 2^20.
    expect(final?.status).toBe('intermittent');
    const link = final?.links.find((l) => l.state === 'intermittent');
    expect(link?.successRatio?.total).toBe(20);
  }, 90_000);

  it('S5: cancelling a trace to the outside deletes its probe pod and ends it cancelled', async () => {
    const started = await engine.start({ from: 'pod:default/web-client', to: 'ip:192.168.2.10' });
    // Wait until the probe container runs (silent hops keep it busy for a while).
    await new Promise<void>((resolve) => {
      void engine.subscribe(started.id, ({ event }) => {
        if (event.type === 'running' || event.type === 'done') resolve();
      });
    });
    expect(await connection.client.listPods({ labelSelector: PROBE_SELECTOR })).toHaveLength(1);
    const outcome = await engine.cancel(started.id);
    expect(outcome?.result).toMatchObject({ status: 'error', error: { code: 'cancelled' } });
  }, 60_000);
});
