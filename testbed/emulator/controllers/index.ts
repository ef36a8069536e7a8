/**
 * The emulator's control plane: scenario seeding and the controllers that make the store behave
 * like a cluster (scheduler, kubelet, EndpointSlice controller, workload status), each driven by
 * store events plus an initial sweep.
 */
import type { ContainerRuntime } from '../../runtime/types';
import type { Scenario } from '../../scenarios/types';
import type { ObjectStore } from '../store';
import { startEndpointSliceController } from './endpointslices';
import { createEventRecorder } from './events';
import { DEFAULT_KUBELET_TIMING, startKubelet, type KubeletTiming } from './kubelet';
import { LogStore, type LogSource } from './logs';
import { startScheduler } from './scheduler';
import { scenarioPodImages, scenarioPodIPs } from './seed';
import { startWorkloadStatusController } from './workloads';

export type { LogSource } from './logs';
export type { KubeletTiming } from './kubelet';
export { seedScenario, DEFAULT_CLUSTER_CA_PEM, type SeedOptions } from './seed';

export interface ControllerOptions {
  store: ObjectStore;
  runtime: ContainerRuntime;
  scenario: Scenario;
  /** Kubelet pacing; tests shorten it. Defaults: 30 ms steps, 10 s..5 min back-off. */
  timing?: Partial<KubeletTiming>;
}

export interface Controllers {
  logs: LogSource;
  /** Resolves once the scheduler, EndpointSlice and workload controllers have nothing queued. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the controllers on `store`. stop() stops every container and removes every sandbox
 * the kubelet made; it does not close the runtime (its owner does).
 */
export function startControllers(opts: ControllerOptions): Controllers {
  const { store, runtime, scenario } = opts;
  const logs = new LogStore();
  const events = createEventRecorder(store);
  const scheduler = startScheduler(store, events);
  const kubelet = startKubelet({
    store,
    runtime,
    logs,
    events,
    scenarioIPs: scenarioPodIPs(scenario),
    scenarioImages: scenarioPodImages(scenario),
    timing: { ...DEFAULT_KUBELET_TIMING, ...opts.timing },
  });
  const slices = startEndpointSliceController(store);
  const workloads = startWorkloadStatusController(store);
  let stopped: Promise<void> | null = null;
  return {
    logs,
    async settled() {
      await Promise.all([scheduler.idle(), slices.idle(), workloads.idle()]);
    },
    stop() {
      stopped ??= (async () => {
        scheduler.stop();
        slices.stop();
        workloads.stop();
        events.stop();
        await kubelet.stop();
      })();
      return stopped;
    },
  };
}
