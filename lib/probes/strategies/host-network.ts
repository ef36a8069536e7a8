/**
 * The `hostNetwork` strategy: a probe pod in the node's own network namespace. It traces what
 * the node itself does (node sources, hostNetwork pods such as S4's my-pod), and gives S5 its
 * evidence: the node reaches an address that its pods cannot, so the break is pod egress.
 */
import type { ClusterClient, PodManifest } from '../../cluster/types';
import { probeSecurity } from '../manifest';
import type { ProbeRun } from '../outcome';
import type { ProbeOutcome, ProbeSpec } from '../types';
import { buildProbePodManifest } from './pod';
import { runProbePod, type PodRunOptions } from './probe-pod';

/**
 * The pod strategy's manifest with `hostNetwork: true` and `dnsPolicy: ClusterFirstWithHostNet`
 * (without it a hostNetwork pod resolves with the node's resolv.conf, not cluster DNS).
 */
export function buildHostNetworkManifest(spec: ProbeSpec, argv: string[]): PodManifest {
  return buildProbePodManifest(spec, argv, { hostNetwork: true });
}

/** Runs a `hostNetwork` strategy probe on the source's node. */
export function runHostNetworkStrategy(
  client: ClusterClient,
  run: ProbeRun,
  options: PodRunOptions,
): Promise<ProbeOutcome> {
  const { source } = run.spec;
  run.notes.push(...probeSecurity(run.spec.image, run.spec.options.netRaw ?? true).notes);
  run.notes.push(
    source.kind === 'pod'
      ? `the probe ran in the host network of ${source.node}${source.hostNetwork ? `, which ${source.namespace}/${source.name} shares` : ''}`
      : `the probe ran in the host network of ${source.node}`,
  );
  return runProbePod(client, buildHostNetworkManifest(run.spec, run.argv), run, options);
}
