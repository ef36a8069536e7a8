import type { ContainerRuntime, ContainerSpec, RunningContainer } from './types';

/**
 * A runtime with no data plane: long-running scenario containers "run" silently so that the
 * cluster looks as it should, and anything that would print something is refused with a plain
 * reason instead of an invented output.
 */
export function createNullRuntime(): ContainerRuntime {
  return {
    kind: 'none',
    async createSandbox() {},
    async removeSandbox() {},
    async startContainer(spec: ContainerSpec): Promise<RunningContainer> {
      if (!spec.longRunning) {
        throw new Error(
          `this demo cluster runs no containers (no network lab and no recordings): cannot run ${JSON.stringify(spec.argv)} in ${spec.sandbox.namespace}/${spec.sandbox.name}`,
        );
      }
      let stop!: () => void;
      const exited = new Promise<{ exitCode: number; reason: string }>((resolve) => {
        stop = () => resolve({ exitCode: 0, reason: 'Completed' });
      });
      return {
        onOutput() {},
        exited,
        async stop() {
          stop();
        },
      };
    },
    async close() {},
  };
}
