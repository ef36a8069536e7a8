/**
 * Test support only (imported by *.test.ts, never by product code): starts the real API
 * emulator on the demo scenario with a container runtime that runs nothing. Long-running
 * containers idle until stopped; any other container "runs" at once, prints one line naming
 * its argv (so log reading has something real to read) and exits 0.
 */
import { startEmulator } from '../../../testbed/emulator/index';
import type { Emulator, EmulatorOptions } from '../../../testbed/emulator/index';
import type {
  ContainerRuntime,
  ContainerSpec,
  RunningContainer,
} from '../../../testbed/runtime/types';
import { demoScenario } from '../../../testbed/scenarios/demo';

export type { Emulator };

/** A ContainerRuntime with no data plane, for tests of the control plane only. */
export function createIdleRuntime(): ContainerRuntime {
  return {
    kind: 'none',
    async createSandbox() {},
    async removeSandbox() {},
    async startContainer(spec: ContainerSpec): Promise<RunningContainer> {
      let stop!: () => void;
      const stopped = new Promise<{ exitCode: number; reason: string }>((resolve) => {
        stop = () => resolve({ exitCode: 137, reason: 'Error' });
      });
      const listeners: ((chunk: Buffer, stream: 'stdout' | 'stderr') => void)[] = [];
      let exited = stopped;
      if (!spec.longRunning) {
        exited = new Promise((resolve) => {
          // Output goes out after the kubelet has subscribed to it.
          setTimeout(() => {
            for (const l of listeners) l(Buffer.from(`ran: ${spec.argv.join(' ')}\n`), 'stdout');
            resolve({ exitCode: 0, reason: 'Completed' });
          }, 20);
        });
      }
      return {
        onOutput: (listener) => listeners.push(listener),
        exited,
        stop: async () => stop(),
      };
    },
    async close() {},
  };
}

/** The demo scenario's emulator on a free port of 127.0.0.1. */
export function startDemoEmulator(
  options: Partial<Omit<EmulatorOptions, 'scenario' | 'runtime'>> = {},
): Promise<Emulator> {
  return startEmulator({ scenario: demoScenario, runtime: createIdleRuntime(), ...options });
}
