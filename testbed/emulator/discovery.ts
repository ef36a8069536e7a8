/**
 * Discovery documents, legacy (APIVersions, APIGroupList, APIResourceList) and aggregated
 * (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, which kubectl 1.32 asks for first).
 */
import { groupOrder, resources, type ResourceDef } from './resources';

const byGroup = (group: string) => resources.filter((r) => r.group === group);

/** Group names served under /apis, in discovery order. */
export function apiGroups(): string[] {
  const present = new Set(resources.map((r) => r.group).filter((g) => g !== ''));
  return groupOrder.filter((g) => present.has(g));
}

function versionsOf(group: string): string[] {
  return [...new Set(byGroup(group).map((r) => r.version))];
}

/** GET /api */
export function legacyApiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(group: string): object {
  const versions = versionsOf(group).map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** GET /apis */
export function apiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().map(groupEntry) };
}

/** GET /apis/{group}, or undefined when the group is not served. */
export function apiGroup(group: string): object | undefined {
  if (!apiGroups().includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) };
}

/** GET /api/v1 or /apis/{group}/{version}, or undefined when not served. */
export function apiResourceList(group: string, version: string): object | undefined {
  const defs = byGroup(group).filter((r) => r.version === version);
  if (defs.length === 0) return undefined;
  const entries: object[] = [];
  for (const def of defs) {
    const entry: Record<string, unknown> = {
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.verbs,
    };
    if (def.shortNames) entry.shortNames = def.shortNames;
    if (def.categories) entry.categories = def.categories;
    entries.push(entry);
    for (const sub of def.subresources ?? []) {
      const subEntry: Record<string, unknown> = {
        name: `${def.plural}/${sub.name}`,
        singularName: '',
        namespaced: def.namespaced,
        kind: sub.kind,
        verbs: sub.verbs,
      };
      if (sub.group !== undefined) subEntry.group = sub.group;
      if (sub.version !== undefined) subEntry.version = sub.version;
      entries.push(subEntry);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: entries,
  };
}

function aggregatedResource(def: ResourceDef): object {
  const entry: Record<string, unknown> = {
    resource: def.plural,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
  };
  if (def.shortNames) entry.shortNames = def.shortNames;
  if (def.categories) entry.categories = def.categories;
  if (def.subresources) {
    entry.subresources = def.subresources.map((sub) => ({
      subresource: sub.name,
      responseKind: {
        group: sub.group ?? def.group,
        version: sub.version ?? def.version,
        kind: sub.kind,
      },
      verbs: sub.verbs,
    }));
  }
  return entry;
}

function aggregatedGroup(group: string): object {
  return {
    metadata: { name: group, creationTimestamp: null },
    versions: versionsOf(group).map((version) => ({
      version,
      resources: byGroup(group)
        .filter((r) => r.version === version)
        .map(aggregatedResource),
      freshness: 'Current',
    })),
  };
}

/** The aggregated document for /api (core group only) or /apis (every named group). */
export function aggregatedDiscovery(path: '/api' | '/apis', apiVersion: string): object {
  const groups = path === '/api' ? [''] : apiGroups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion,
    metadata: {},
    items: groups.map(aggregatedGroup),
  };
}

/**
 * Which aggregated discovery version the Accept header asks for, if any. Clients list it first
 * and fall back to plain JSON, so the first acceptable entry wins.
 */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | null {
  if (!accept) return null;
  for (const part of accept.split(',')) {
    const params = mediaParams(part);
    if (params.type !== 'application/json') continue;
    if (params.as === 'APIGroupDiscoveryList' && params.g === 'apidiscovery.k8s.io') {
      if (params.v === 'v2' || params.v === 'v2beta1') return params.v;
      continue;
    }
    if (!params.as) return null;
  }
  return null;
}

/** Splits a media range `application/json;as=Table;v=v1` into its type and parameters. */
export function mediaParams(mediaRange: string): Record<string, string> & { type: string } {
  const [type = '', ...rest] = mediaRange.split(';').map((s) => s.trim());
  const out: Record<string, string> & { type: string } = { type: type.toLowerCase() };
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}
