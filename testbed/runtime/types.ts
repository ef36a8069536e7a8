/**
 * The seam between the API emulator (control plane) and whatever runs containers (data plane).
 * The emulator's kubelet calls a ContainerRuntime; the network lab implements it with real
 * network namespaces, the replay runtime with recorded outputs, and the null runtime refuses
 * plainly. The emulator never invents what a container prints.
 */

/** What the kubelet knows about a pod when it asks the runtime for its sandbox. */
export interface SandboxSpec {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  hostNetwork: boolean;
  /** Pod IP allocated by the emulator from the node's podCIDR (ignored for hostNetwork). */
  podIP?: string;
  /** Ports the pod's containers declare; the lab answers TCP connects on them. */
  listenPorts: number[];
}

export interface ContainerSpec {
  sandbox: SandboxSpec;
  /** Container name (an ephemeral container's name for ephemeral containers). */
  name: string;
  image: string;
  /** Effective argv: command followed by args, after $(VAR) expansion by the kubelet. */
  argv: string[];
  /** True for a container that the scenario declares as a long-running server or idle client. */
  longRunning: boolean;
  securityContext?: {
    capabilities?: { add?: string[]; drop?: string[] };
    runAsNonRoot?: boolean;
    runAsUser?: number;
  };
}

export interface ContainerExit {
  exitCode: number;
  /** Kubernetes container terminated reason: Completed, Error, ContainerCannotRun, ... */
  reason: string;
  message?: string;
}

export interface RunningContainer {
  /** Called with each chunk of output as it is produced (stdout and stderr interleaved). */
  onOutput(listener: (chunk: Buffer, stream: 'stdout' | 'stderr') => void): void;
  /** Resolves when the process ends (never for a long-running container until stopped). */
  exited: Promise<ContainerExit>;
  /** Ends the container (SIGTERM, then SIGKILL after the grace period). */
  stop(): Promise<void>;
}

export interface ContainerRuntime {
  /** Human-readable kind shown by the UI: 'lab', 'replay', 'none'. */
  readonly kind: 'lab' | 'replay' | 'none';
  /** Creates the pod's network (veth into cni0 with podIP) or joins the node's namespace. */
  createSandbox(spec: SandboxSpec): Promise<void>;
  removeSandbox(spec: SandboxSpec): Promise<void>;
  /**
   * Starts a container. Throws (or resolves a ContainerExit with ContainerCannotRun) when the
   * image/command pair is not supported, with a message the pod status will carry.
   */
  startContainer(spec: ContainerSpec): Promise<RunningContainer>;
  /** Releases everything the runtime made (namespaces, links, rules). */
  close(): Promise<void>;
}
