/**
 * A minimal OpenAPI v3 discovery: one document per group/version listing each resource's
 * operations with their group-version-kind and query parameters. kubectl reads it to learn that
 * the server validates fields itself (the fieldValidation parameter of PATCH); without it,
 * `kubectl apply -f` and `kubectl create -f` refuse to run. Schemas are left out on purpose:
 * kubectl then builds strategic merge patches from its compiled-in types, as for any server
 * whose schema it cannot read.
 */
import { createHash } from 'node:crypto';
import { resources, type ResourceDef } from './resources';

type Operation = Record<string, unknown>;

const queryParam = (name: string) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
});

const writeParams = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map(queryParam);

function gvPath(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `apis/${def.group}/${def.version}` : `api/${def.version}`;
}

function operation(def: ResourceDef, action: string, params: object[]): Operation {
  return {
    operationId: `${action}${def.kind}`,
    parameters: params,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: def.group, version: def.version, kind: def.kind },
  };
}

function documentFor(group: string, version: string): object {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const def of resources.filter((r) => r.group === group && r.version === version)) {
    const base = `/${gvPath(def)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.plural}`;
    const collection: Record<string, Operation> = {};
    const item: Record<string, Operation> = {};
    if (def.verbs.includes('list')) collection.get = operation(def, 'list', []);
    if (def.verbs.includes('create')) collection.post = operation(def, 'post', writeParams);
    if (def.verbs.includes('get')) item.get = operation(def, 'get', []);
    if (def.verbs.includes('update')) item.put = operation(def, 'put', writeParams);
    if (def.verbs.includes('patch'))
      item.patch = operation(def, 'patch', [...writeParams, queryParam('force')]);
    if (def.verbs.includes('delete'))
      item.delete = operation(def, 'delete', [queryParam('gracePeriodSeconds')]);
    if (Object.keys(collection).length > 0) paths[base] = collection;
    if (Object.keys(item).length > 0) paths[`${base}/{name}`] = item;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: { schemas: {} },
  };
}

const groupVersions = [...new Set(resources.map((r) => `${r.group}/${r.version}`))].map((gv) => {
  const [group = '', version = ''] = gv.split('/');
  return { group, version, doc: documentFor(group, version) };
});

const hashOf = (doc: object) =>
  createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase();

/** GET /openapi/v3: where each group/version's document lives. */
export function openApiV3Root(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version, doc } of groupVersions) {
    const p = gvPath({ group, version });
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(doc)}` };
  }
  return { paths };
}

/** GET /openapi/v3/api/v1, /openapi/v3/apis/{group}/{version}; undefined when not served. */
export function openApiV3Document(path: string): object | undefined {
  return groupVersions.find((gv) => `/openapi/v3/${gvPath(gv)}` === path)?.doc;
}
