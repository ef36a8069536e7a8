/**
 * The resources the emulator serves, described once: discovery documents, routing, verbs,
 * the store key and the list kind all come from this table.
 */

export type Verb =
  'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceDef {
  name: string;
  /** Kind the subresource answers with (Pod for status/ephemeralcontainers, Binding, ...). */
  kind: string;
  /** Group/version of that kind when it differs from the parent's (pods/log answers text). */
  group?: string;
  version?: string;
  verbs: Verb[];
}

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceDef[];
  /** Key under which the ObjectStore keeps these objects. */
  storeKey: string;
  /** Fields a fieldSelector may name besides metadata.name and metadata.namespace. */
  selectableFields?: string[];
  /** A delete answers with the object (ReturnDeletedObject) rather than a Success Status. */
  returnsDeletedObject?: boolean;
  /** No storage: a create is answered, never stored (SelfSubjectAccessReview). */
  virtual?: boolean;
}

const readOnly: Verb[] = ['get', 'list', 'watch'];
const writable: Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export const resources: ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: writable,
    shortNames: ['ns'],
    storeKey: 'namespaces',
    selectableFields: ['status.phase'],
    returnsDeletedObject: true,
    subresources: [{ name: 'status', kind: 'Namespace', verbs: ['get', 'patch', 'update'] }],
  },
  {
    group: '',
    version: 'v1',
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    verbs: ['get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['no'],
    storeKey: 'nodes',
    selectableFields: ['spec.unschedulable'],
    subresources: [{ name: 'status', kind: 'Node', verbs: ['get', 'patch', 'update'] }],
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: writable,
    shortNames: ['po'],
    categories: ['all'],
    storeKey: 'pods',
    selectableFields: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
    returnsDeletedObject: true,
    subresources: [
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    verbs: writable,
    shortNames: ['svc'],
    categories: ['all'],
    storeKey: 'services',
    returnsDeletedObject: true,
    subresources: [{ name: 'status', kind: 'Service', verbs: ['get', 'patch', 'update'] }],
  },
  {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    verbs: writable,
    shortNames: ['cm'],
    storeKey: 'configmaps',
  },
  {
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: readOnly,
    shortNames: ['ev'],
    storeKey: 'events',
    selectableFields: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    verbs: readOnly,
    shortNames: ['ds'],
    categories: ['all'],
    storeKey: 'daemonsets.apps',
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: readOnly,
    shortNames: ['deploy'],
    categories: ['all'],
    storeKey: 'deployments.apps',
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: readOnly,
    shortNames: ['rs'],
    categories: ['all'],
    storeKey: 'replicasets.apps',
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
    verbs: readOnly,
    storeKey: 'endpointslices.discovery.k8s.io',
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    verbs: writable,
    shortNames: ['netpol'],
    storeKey: 'networkpolicies.networking.k8s.io',
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    storeKey: 'selfsubjectaccessreviews.authorization.k8s.io',
    virtual: true,
  },
];

/** The API groups in the order the real server lists them: core first, then by priority. */
export const groupOrder = ['apps', 'authorization.k8s.io', 'networking.k8s.io', 'discovery.k8s.io'];

/** apiVersion string as objects carry it: `v1`, `apps/v1`. */
export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** Finds a resource by group, version and plural, as a URL names it. */
export function findResource(
  group: string,
  version: string,
  plural: string,
): ResourceDef | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** Finds a resource by its store key ('pods', 'endpointslices.discovery.k8s.io'). */
export function resourceByStoreKey(key: string): ResourceDef | undefined {
  return resources.find((r) => r.storeKey === key);
}
