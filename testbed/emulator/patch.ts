/**
 * The three patch formats of the API: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
 * strategic merge patch. The strategic form needs each list's merge key; the API reads them from
 * Go struct tags, this module from a small table covering the core workload and Service fields.
 */
import { ApiError, badRequest } from './status';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export type PatchType = 'merge' | 'strategic' | 'json';

/** Maps a PATCH Content-Type to its patch type, or null for an unsupported one. */
export function patchTypeOf(contentType: string | undefined): PatchType | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/strategic-merge-patch+json') return 'strategic';
  if (type === 'application/json-patch+json') return 'json';
  return null;
}

/** Applies a patch of the given type to a copy of `target`. */
export function applyPatch(target: JsonObject, patch: Json, type: PatchType): JsonObject {
  let result: Json;
  if (type === 'merge') result = mergePatch(target, patch);
  else if (type === 'strategic') result = strategicMergePatch(target, patch);
  else result = jsonPatch(target, patch);
  if (!isObject(result)) throw badRequest('the patch must result in an object');
  return result;
}

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

type ListStrategy = { kind: 'merge'; mergeKey: string } | { kind: 'union' } | { kind: 'replace' };

const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * The patch strategy of the list at `path` (object keys, with '[]' for a list element), after
 * the patchStrategy/patchMergeKey tags of k8s.io/api.
 */
function listStrategy(path: string[]): ListStrategy {
  const last = path[path.length - 1] ?? '';
  const parent = path[path.length - 3];
  const inContainer =
    path[path.length - 2] === '[]' && parent !== undefined && containerLists.has(parent);
  if (containerLists.has(last)) return { kind: 'merge', mergeKey: 'name' };
  if (inContainer) {
    if (last === 'ports') return { kind: 'merge', mergeKey: 'containerPort' };
    if (last === 'env') return { kind: 'merge', mergeKey: 'name' };
    if (last === 'volumeMounts') return { kind: 'merge', mergeKey: 'mountPath' };
    if (last === 'volumeDevices') return { kind: 'merge', mergeKey: 'devicePath' };
  }
  if (last === 'volumes' || last === 'imagePullSecrets') return { kind: 'merge', mergeKey: 'name' };
  if (last === 'hostAliases') return { kind: 'merge', mergeKey: 'ip' };
  if (last === 'conditions' || last === 'addresses') return { kind: 'merge', mergeKey: 'type' };
  if (last === 'ownerReferences') return { kind: 'merge', mergeKey: 'uid' };
  if (last === 'finalizers') return { kind: 'union' };
  // Service.spec.ports merges on the port number; a container's ports were handled above.
  if (last === 'ports' && path.length === 2 && path[0] === 'spec') {
    return { kind: 'merge', mergeKey: 'port' };
  }
  return { kind: 'replace' };
}

const setOrderPrefix = '$setElementOrder/';
const deletePrimitivePrefix = '$deleteFromPrimitiveList/';

/** Strategic merge patch of `original` with `patch`, as kubectl and client-go send it. */
export function strategicMergePatch(original: Json, patch: Json, path: string[] = []): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const directive = patch.$patch;
  if (directive === 'replace') return stripDirectives(patch);
  if (directive === 'delete') return undefined;
  if (directive !== undefined) throw badRequest(`Unknown patch type: ${String(directive)}`);

  const result: JsonObject = isObject(original) ? { ...original } : {};
  const orders: [string, Json[]][] = [];
  const primitiveDeletes: [string, Json[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(setOrderPrefix)) {
      if (Array.isArray(value)) orders.push([key.slice(setOrderPrefix.length), value]);
      continue;
    }
    if (key.startsWith(deletePrimitivePrefix)) {
      if (Array.isArray(value))
        primitiveDeletes.push([key.slice(deletePrimitivePrefix.length), value]);
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, [...path, key]);
    } else if (isObject(value)) {
      const merged = strategicMergePatch(result[key], value, [...path, key]);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  for (const [key, values] of primitiveDeletes) {
    const current = result[key];
    if (Array.isArray(current)) result[key] = current.filter((v) => !values.includes(v));
  }
  for (const [key, order] of orders) {
    const current = result[key];
    if (Array.isArray(current)) result[key] = reorder(current, order, listStrategy([...path, key]));
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function mergeList(original: Json, patch: Json[], path: string[]): Json[] {
  if (patch.some((e) => isObject(e) && e.$patch === 'replace')) {
    return patch.filter((e) => !(isObject(e) && e.$patch === 'replace')).map(stripDirectives);
  }
  const strategy = listStrategy(path);
  const current = Array.isArray(original) ? [...original] : [];
  if (strategy.kind === 'replace') return patch.map(stripDirectives);
  if (strategy.kind === 'union') {
    for (const v of patch) if (!current.includes(v)) current.push(v);
    return current;
  }
  const key = strategy.mergeKey;
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`expected a map in the list at ${path.join('.')}`);
    const idx = current.findIndex((e) => isObject(e) && e[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) current.splice(idx, 1);
      continue;
    }
    const base = idx >= 0 ? current[idx] : {};
    const merged = strategicMergePatch(base, item, [...path, '[]']);
    if (idx >= 0) current[idx] = merged;
    else current.push(merged);
  }
  return current;
}

function reorder(list: Json[], order: Json[], strategy: ListStrategy): Json[] {
  const keyOf = (e: Json) => (strategy.kind === 'merge' && isObject(e) ? e[strategy.mergeKey] : e);
  const wanted = order.map(keyOf);
  const inOrder: Json[] = [];
  for (const k of wanted) {
    const found = list.find((e) => keyOf(e) === k);
    if (found !== undefined) inOrder.push(found);
  }
  const rest = list.filter((e) => !wanted.includes(keyOf(e)));
  return [...inOrder, ...rest];
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/** RFC 6902 JSON patch. Failures answer 422 with the wording of evanphx/json-patch. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('the patch must be a JSON array of operations');
  let doc = structuredClone(target);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('each JSON patch operation needs "op" and "path"');
    }
    const op = raw as unknown as JsonPatchOp;
    switch (op.op) {
      case 'add':
        doc = pointerSet(doc, op.path, structuredClone(op.value), 'add');
        break;
      case 'replace':
        pointerGet(doc, op.path, 'replace');
        doc = pointerSet(doc, op.path, structuredClone(op.value), 'replace');
        break;
      case 'remove':
        doc = pointerRemove(doc, op.path);
        break;
      case 'move': {
        const from = requireFrom(op);
        const value = pointerGet(doc, from, 'move');
        doc = pointerRemove(doc, from);
        doc = pointerSet(doc, op.path, value, 'add');
        break;
      }
      case 'copy': {
        const value = pointerGet(doc, requireFrom(op), 'copy');
        doc = pointerSet(doc, op.path, structuredClone(value), 'add');
        break;
      }
      case 'test': {
        const value = pointerGet(doc, op.path, 'test');
        if (JSON.stringify(value) !== JSON.stringify(op.value)) {
          throw unprocessable(`testing value ${op.path} failed: test failed`);
        }
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

function requireFrom(op: JsonPatchOp): string {
  if (typeof op.from !== 'string') throw badRequest(`"from" is required for ${op.op}`);
  return op.from;
}

function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function pointerGet(doc: Json, pointer: string, op: string): Json {
  let current = doc;
  for (const part of parsePointer(pointer)) {
    if (Array.isArray(current)) {
      const i = Number(part);
      if (!/^\d+$/.test(part) || i >= current.length) {
        throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
      }
      current = current[i];
    } else if (isObject(current) && part in current) {
      current = current[part];
    } else {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
    }
  }
  return current;
}

function pointerSet(doc: Json, pointer: string, value: Json, op: 'add' | 'replace'): Json {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return value;
  const last = parts[parts.length - 1] ?? '';
  const parentPointer = '/' + parts.slice(0, -1).map(escapePointer).join('/');
  const parent = parts.length === 1 ? doc : pointerGet(doc, parentPointer, op);
  if (Array.isArray(parent)) {
    if (last === '-') {
      parent.push(value);
    } else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length || (op === 'replace' && i >= parent.length)) {
        throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
      }
      if (op === 'add') parent.splice(i, 0, value);
      else parent[i] = value;
    }
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return doc;
}

function pointerRemove(doc: Json, pointer: string): Json {
  const parts = parsePointer(pointer);
  const last = parts[parts.length - 1];
  if (last === undefined)
    throw unprocessable('remove operation does not apply to the whole document');
  const parentPointer = '/' + parts.slice(0, -1).map(escapePointer).join('/');
  const parent = parts.length === 1 ? doc : pointerGet(doc, parentPointer, 'remove');
  const missing = () =>
    unprocessable(`remove operation does not apply: doc is missing path: "${pointer}"`);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw missing();
    parent.splice(i, 1);
  } else if (isObject(parent) && last in parent) {
    delete parent[last];
  } else {
    throw missing();
  }
  return doc;
}

function escapePointer(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}
