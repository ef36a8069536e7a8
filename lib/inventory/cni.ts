import type { CniInfo, CniPlugin, InventoryDaemonSet, InventoryNode } from './types';

type KnownPlugin = Exclude<CniPlugin, 'unknown'>;

/** DaemonSet names and image fragments each CNI installs in kube-system. */
const DAEMONSET_SIGNS: Record<KnownPlugin, { names: RegExp; image: RegExp }> = {
  // kube-flannel-ds (upstream manifest), kube-flannel (older); mirrors rename the image
  // (rancher/mirrored-flannelcni-flannel), so any image naming flannel counts.
  flannel: { names: /flannel/, image: /flannel/ },
  calico: { names: /^calico-node$/, image: /calico\/node[:@]/ },
  cilium: { names: /^cilium$/, image: /cilium\/cilium[:@]/ },
};

/** Namespaces CNI installers use: kube-system, and the upstream flannel manifest's own. */
const CNI_NAMESPACES = new Set(['kube-system', 'kube-flannel', 'calico-system']);

/**
 * Decides which CNI the cluster runs from node annotations (written by the CNI agent on each
 * node, so the strongest sign) and the CNI's DaemonSet, and lists the evidence for the UI.
 * Canal clusters show both flannel and calico: flannel annotations win there because flannel
 * moves the packets while calico only enforces policy.
 */
export function detectCni(nodes: InventoryNode[], daemonSets: InventoryDaemonSet[]): CniInfo {
  const score: Record<KnownPlugin, number> = { flannel: 0, calico: 0, cilium: 0 };
  const evidence: string[] = [];
  const backends = new Map<string, string[]>();

  for (const node of nodes) {
    if (node.cni.plugin === 'unknown') continue;
    // Two points per node so that annotations outweigh a DaemonSet that is merely present.
    score[node.cni.plugin] += 2;
    if (node.cni.backend) {
      const list = backends.get(`${node.cni.plugin}:${node.cni.backend}`) ?? [];
      list.push(node.name);
      backends.set(`${node.cni.plugin}:${node.cni.backend}`, list);
    }
  }
  for (const plugin of Object.keys(score) as KnownPlugin[]) {
    const annotated = nodes.filter((n) => n.cni.plugin === plugin).map((n) => n.name);
    if (annotated.length > 0) {
      evidence.push(
        `${plugin} annotations on ${annotated.length}/${nodes.length} nodes (${annotated.join(', ')})`,
      );
    }
  }

  for (const ds of daemonSets) {
    if (!CNI_NAMESPACES.has(ds.namespace)) continue;
    for (const plugin of Object.keys(DAEMONSET_SIGNS) as KnownPlugin[]) {
      const sign = DAEMONSET_SIGNS[plugin];
      const image = ds.images.find((i) => sign.image.test(i));
      if (sign.names.test(ds.name) || image) {
        score[plugin] += 1;
        evidence.push(
          `DaemonSet ${ds.namespace}/${ds.name}${image ? ` (image ${image})` : ''} belongs to ${plugin}`,
        );
      }
    }
  }

  const ranked = (Object.keys(score) as KnownPlugin[])
    .filter((p) => score[p] > 0)
    .sort((a, b) => score[b] - score[a] || preference(a) - preference(b));
  const plugin: CniPlugin = ranked[0] ?? 'unknown';
  if (plugin === 'unknown') {
    evidence.push('no flannel, calico or cilium annotations on nodes and no CNI DaemonSet found');
    return { plugin, backend: null, evidence };
  }

  const ownBackends = [...backends.entries()]
    .filter(([key]) => key.startsWith(`${plugin}:`))
    .sort((a, b) => b[1].length - a[1].length);
  const backend = ownBackends[0]?.[0].slice(plugin.length + 1) ?? null;
  for (const [key, names] of ownBackends) {
    evidence.push(`backend ${key.slice(plugin.length + 1)} on ${names.join(', ')}`);
  }
  if (ownBackends.length > 1) {
    evidence.push(`nodes disagree on the ${plugin} backend; using the most common one`);
  }
  return { plugin, backend, evidence };
}

function preference(plugin: KnownPlugin): number {
  return ['flannel', 'calico', 'cilium'].indexOf(plugin);
}
