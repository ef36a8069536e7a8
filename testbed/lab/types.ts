/**
 * The lab's public shape, as agreed with the emulator: the kubelet drives `runtime`, the
 * emulator's Services and EndpointSlices reach the service proxy through `syncServices`.
 */
import type { KubeObject } from '../emulator/store';
import type { ContainerRuntime, SandboxSpec } from '../runtime/types';
import type { LabFix } from './fixes';
import type { ProxyOptions } from './proxy-rules';

export type { LabFix } from './fixes';

/** Where `Lab.exec` runs a command: a node's host network, a pod's network, a router/host. */
export type ExecTarget =
  { node: string } | { pod: { namespace: string; name: string } } | { host: string };

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A SandboxSpec with the pod's DNS policy, which the lab reads when present: a hostNetwork
 * pod with ClusterFirstWithHostNet resolves through cluster DNS, others through the node's.
 */
export interface LabSandboxSpec extends SandboxSpec {
  dnsPolicy?: 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';
}

export interface LabOptions {
  /** Namespace name prefix, `pp<4 hex>-`; random when omitted. */
  prefix?: string;
  /** Build the scenario's pods right away (default true); otherwise only createSandbox adds pods. */
  scenarioPods?: boolean;
  /** Service proxy switches; defaults follow the scenario's defects. */
  proxy?: Partial<ProxyOptions>;
}

export interface Lab {
  readonly prefix: string;
  readonly runtime: ContainerRuntime;
  /** Rewrites every node's service rules (atomically per node) and the cluster DNS records. */
  syncServices(services: KubeObject[], endpointSlices: KubeObject[]): Promise<void>;
  /** Runs argv, without a shell, inside that namespace (`ip netns exec`). */
  exec(where: ExecTarget, argv: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Applies one of the scenarios' fixes with the article's commands. */
  applyFix(fix: LabFix): Promise<void>;
  /** Idempotent full teardown. */
  close(): Promise<void>;
}
