/**
 * Element ids of a trace's path. The first four are the cluster graph's own ids
 * (components/cluster-graph/elements.ts), so a path can be drawn onto that graph; the others name
 * things the graph does not draw (LoadBalancer IPs, outside machines, unknown hops).
 */
import type { HopEntity } from '@/lib/trace/types';

export const nodeId = (name: string) => `node:${name}`;
export const podId = (namespace: string, name: string) => `pod:${namespace}/${name}`;
export const serviceId = (namespace: string, name: string) => `service:${namespace}/${name}`;
export const interfaceId = (node: string, name: string) => `${node}/${name}`;
export const loadBalancerId = (ip: string) => `loadbalancer:${ip}`;
export const externalId = (ipOrName: string) => `external:${ipOrName}`;
export const unknownId = (ip: string) => `unknown:${ip}`;
/** A hop that did not answer, placed where the probe saw silence in the middle of a path. */
export const silentHopId = (ttl: number) => `unknown:ttl-${ttl}`;

/** The path element id of a resolved hop entity; `ip` names the elements that have no name. */
export function entityElementId(entity: HopEntity, ip: string): string {
  switch (entity.kind) {
    case 'pod':
      return entity.namespace && entity.name ? podId(entity.namespace, entity.name) : unknownId(ip);
    case 'interface':
      return entity.node && entity.name ? interfaceId(entity.node, entity.name) : unknownId(ip);
    case 'node':
      return entity.node ? nodeId(entity.node) : unknownId(ip);
    case 'service':
      return entity.namespace && entity.name
        ? serviceId(entity.namespace, entity.name)
        : unknownId(ip);
    case 'loadbalancer':
      return loadBalancerId(ip);
    case 'external':
      return externalId(ip);
    case 'unknown':
      return unknownId(ip);
  }
}
