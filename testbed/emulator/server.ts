/**
 * The emulator's HTTP API: routing, authentication, authorization, content negotiation and the
 * REST verbs over the ObjectStore, after kube-apiserver's generic registry and endpoint handlers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scenario } from '../scenarios/types';
import { forbiddenReason, isForbidden, type ForbidRule, type RequestAttributes } from './auth';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  legacyApiVersions,
  mediaParams,
  wantsAggregated,
} from './discovery';
import { checkLogStatus, chooseContainer, serveLog, type LogSource } from './logs';
import { openApiV3Document, openApiV3Root } from './openapi';
import { applyPatch, patchTypeOf, type PatchType } from './patch';
import { apiVersionOf, findResource, type ResourceDef, type Verb } from './resources';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  successStatus,
  unauthorized,
  unsupportedMediaType,
  gone,
  type FieldError,
  type GroupResource,
} from './status';
import { StoreError, type KubeObject, type ObjectStore } from './store';
import { defaultContainer, jsonEqual, strategyFor, type StrategyContext } from './strategies';
import { toTable } from './tables';
import { dropNulls, generateName, nameErrors, objectMetaErrors } from './validation';
import { WatchRegistry } from './watch';

export interface ApiServerOptions {
  store: ObjectStore;
  scenario: Scenario;
  logs: LogSource;
  token: string;
  /** The user name the token authenticates as, shown in 403 messages. */
  user: string;
  forbid: ForbidRule[];
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK event. */
  bookmarkIntervalMs: number;
}

interface Route {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The deprecated /watch/ path prefix. */
  legacyWatch: boolean;
}

type Output =
  | { kind: 'json' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partial'; version: 'v1' | 'v1beta1' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const maxBodyBytes = 3 * 1024 * 1024;

/** Time as the API writes it: RFC 3339, seconds precision, UTC. */
const now = (offsetSeconds = 0) =>
  new Date(Date.now() + offsetSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

/** The emulator's request handler. One instance serves one ObjectStore. */
export class ApiServer {
  readonly watches: WatchRegistry;
  private readonly streams = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ctx: StrategyContext;

  constructor(private readonly opts: ApiServerOptions) {
    this.watches = new WatchRegistry(opts.store, opts.bookmarkIntervalMs);
    this.ctx = { store: opts.store, scenario: opts.scenario };
  }

  /** Node's request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Audit-Id', randomUUID());
    this.dispatch(req, res).catch((err: unknown) => this.fail(res, err));
  };

  /** Ends every open watch and log stream and forgets pending timers (server shutdown). */
  closeStreams(): void {
    this.watches.dropAll();
    for (const end of [...this.streams]) end();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();

    if (
      ['/healthz', '/livez', '/readyz'].includes(path) ||
      /^\/(healthz|livez|readyz)\//.test(path)
    ) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (path === '/version') {
      this.json(res, 200, this.version());
      return;
    }
    if (!this.authenticated(req)) throw unauthorized();

    if (path === '/openapi/v3') {
      this.json(res, 200, openApiV3Root());
      return;
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiV3Document(path);
      if (!doc) throw pathNotFound();
      // The hash in the URL pins the content, so clients may cache it for good.
      this.json(res, 200, doc, {
        'Cache-Control': 'public, immutable',
        Etag: `"${url.searchParams.get('hash') ?? ''}"`,
      });
      return;
    }

    const accept = req.headers.accept;
    if (path === '/api' || path === '/apis') {
      const aggregated = wantsAggregated(accept);
      if (aggregated) {
        const doc = aggregatedDiscovery(path, `apidiscovery.k8s.io/${aggregated}`);
        res.writeHead(200, {
          'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`,
          Vary: 'Accept',
        });
        res.end(JSON.stringify(doc));
        return;
      }
      const host = req.headers.host ?? '127.0.0.1';
      this.json(res, 200, path === '/api' ? legacyApiVersions(host) : apiGroupList(), {
        Vary: 'Accept',
      });
      return;
    }

    let segments: string[];
    try {
      segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      throw badRequest(`malformed path ${JSON.stringify(path)}`);
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] !== undefined) {
      group = '';
      version = segments[1];
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments[1] !== undefined) {
      group = segments[1];
      if (segments[2] === undefined) {
        const doc = apiGroup(group);
        if (!doc) throw pathNotFound();
        this.json(res, 200, doc);
        return;
      }
      version = segments[2];
      rest = segments.slice(3);
    } else {
      throw pathNotFound();
    }
    if (rest.length === 0) {
      const doc = apiResourceList(group, version);
      if (!doc) throw pathNotFound();
      this.json(res, 200, doc);
      return;
    }
    const route = parseRoute(group, version, rest);
    if (!route) throw pathNotFound();
    await this.serveResource(req, res, method, route, url.searchParams);
  }

  private async serveResource(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    route: Route,
    query: URLSearchParams,
  ): Promise<void> {
    const { def } = route;
    // ?watch turns a list into a watch; on a named object it is ignored, as RequestInfo does.
    const watching = route.legacyWatch || (route.name === undefined && isTrue(query.get('watch')));
    const verb = requestVerb(method, route, watching);
    if (!verb) throw methodNotAllowed();
    const attrs: RequestAttributes = {
      verb,
      group: def.group,
      resource: def.plural,
      subresource: route.subresource ?? '',
      namespace: route.namespace ?? '',
      name: route.name ?? '',
    };
    if (isForbidden(this.opts.forbid, attrs)) {
      throw forbidden(gr(def), attrs.name, forbiddenReason(this.opts.user, attrs));
    }
    const allowed = route.subresource
      ? def.subresources?.find((s) => s.name === route.subresource)?.verbs
      : def.verbs;
    if (!allowed) throw pathNotFound();
    if (!allowed.includes(verb)) throw methodNotAllowed();
    // Across namespaces a namespaced resource has only its list/watch collection route.
    if (def.namespaced && !route.namespace && verb !== 'list' && verb !== 'watch') {
      if (route.name !== undefined) throw pathNotFound();
      throw methodNotAllowed();
    }

    // Logs answer text whatever the client accepts; everything else negotiates its form.
    const output: Output =
      route.subresource === 'log' ? { kind: 'json' } : negotiate(req.headers.accept);
    switch (verb) {
      case 'list':
        this.json(res, 200, this.list(route, query, output));
        return;
      case 'watch':
        this.watch(route, query, output, res);
        return;
      case 'get':
        if (route.subresource === 'log') {
          this.logs(route, query, res);
          return;
        }
        this.json(res, 200, this.render(route.def, this.get(route), output, query));
        return;
      case 'create': {
        const body = await readJson(req, true);
        if (route.subresource === 'binding') {
          this.json(res, 201, this.bind(route, body));
          return;
        }
        const created = def.virtual ? this.review(body) : this.create(route, body, query);
        this.json(res, 201, created);
        return;
      }
      case 'update': {
        const body = await readJson(req, true);
        this.json(res, 200, this.update(route, body, query));
        return;
      }
      case 'patch': {
        const type = patchTypeOf(req.headers['content-type']);
        if (!type) throw unsupportedMediaType(req.headers['content-type'] ?? '');
        const body = await readJson(req, false);
        this.json(res, 200, this.patch(route, body, type, query));
        return;
      }
      case 'delete': {
        const body = await readJson(req, false);
        this.json(res, 200, this.delete(route, isObj(body) ? body : {}, query));
        return;
      }
      default:
        throw methodNotAllowed();
    }
  }

  // ------------------------------------------------------------ reads

  private get(route: Route): KubeObject {
    const obj = this.opts.store.get(route.def.storeKey, route.namespace, route.name ?? '');
    if (!obj) throw notFound(gr(route.def), route.name ?? '');
    return obj;
  }

  private list(route: Route, query: URLSearchParams, output: Output): object {
    const { def } = route;
    const { store } = this.opts;
    const labelText = query.get('labelSelector') ?? '';
    const fieldText = query.get('fieldSelector') ?? '';
    const labels = parseLabelSelector(labelText);
    const fields = parseFieldSelector(fieldText, def.selectableFields ?? []);
    const limitText = query.get('limit');
    const limit = limitText && /^\d+$/.test(limitText) ? Number(limitText) : 0;
    const token = query.get('continue');
    let listVersion = store.resourceVersion;
    let start: string | undefined;
    if (token) {
      const decoded = decodeContinue(token);
      if (decoded.rv < store.oldestWatchableVersion) {
        throw gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      listVersion = decoded.rv;
      start = decoded.start;
    }
    let items = store
      .list(def.storeKey, route.namespace)
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o));
    if (start !== undefined) {
      const from = start;
      items = items.filter((o) => objectKey(o).localeCompare(from) > 0);
    }
    let continueToken: string | undefined;
    let remainingItemCount: number | undefined;
    if (limit > 0 && items.length > limit) {
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      if (last) continueToken = encodeContinue(listVersion, objectKey(last));
      // The real server counts the rest only when no selector filters the list.
      if (labels.length === 0 && fields.length === 0) remainingItemCount = items.length - limit;
      items = page;
    }
    const resourceVersion = String(listVersion);
    if (output.kind === 'table') {
      const table = toTable(def.storeKey, items, {
        includeObject: includeObjectOf(query.get('includeObject')),
        resourceVersion,
        continueToken,
        remainingItemCount,
      });
      if (output.version === 'v1beta1') table.apiVersion = 'meta.k8s.io/v1beta1';
      return table;
    }
    const metadata: Obj = { resourceVersion };
    if (continueToken) metadata.continue = continueToken;
    if (remainingItemCount !== undefined) metadata.remainingItemCount = remainingItemCount;
    if (output.kind === 'partial') {
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${output.version}`,
        metadata,
        items: items.map((o) => partialMetadata(o, output.version)),
      };
    }
    return {
      kind: `${def.kind}List`,
      apiVersion: apiVersionOf(def),
      metadata,
      // Items of a list carry no kind or apiVersion on the wire, as from a real server.
      items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
    };
  }

  private watch(route: Route, query: URLSearchParams, output: Output, res: ServerResponse): void {
    const { def } = route;
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    let fieldText = query.get('fieldSelector') ?? '';
    if (route.name)
      fieldText = fieldText
        ? `${fieldText},metadata.name=${route.name}`
        : `metadata.name=${route.name}`;
    const fields = parseFieldSelector(fieldText, def.selectableFields ?? []);
    const timeoutText = query.get('timeoutSeconds');
    const includeObject = includeObjectOf(query.get('includeObject'));
    this.watches.serve(
      {
        def,
        namespace: route.namespace,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        labels,
        fields,
        allowBookmarks: isTrue(query.get('allowWatchBookmarks')),
        sendInitialEvents: isTrue(query.get('sendInitialEvents')),
        timeoutSeconds: timeoutText && /^\d+$/.test(timeoutText) ? Number(timeoutText) : undefined,
        transform: (obj, first) => {
          if (output.kind === 'table') {
            const table = toTable(def.storeKey, [obj], {
              includeObject,
              resourceVersion: obj.metadata.resourceVersion ?? '',
            });
            if (output.version === 'v1beta1') table.apiVersion = 'meta.k8s.io/v1beta1';
            // Column definitions travel with the first event only, as the API server sends them.
            if (!first) table.columnDefinitions = [];
            return table;
          }
          if (output.kind === 'partial') return partialMetadata(obj, output.version);
          return obj;
        },
      },
      res,
    );
  }

  private logs(route: Route, query: URLSearchParams, res: ServerResponse): void {
    const pod = this.get(route);
    const container = chooseContainer(pod, query.get('container') ?? undefined);
    const spec = isObj(pod.spec) ? pod.spec : {};
    const intParam = (key: string) => {
      const v = query.get(key);
      if (v === null || v === '') return undefined;
      if (!/^-?\d+$/.test(v)) throw badRequest(`${key}: invalid value "${v}"`);
      return Number(v);
    };
    const tailLines = intParam('tailLines');
    const limitBytes = intParam('limitBytes');
    if (tailLines !== undefined && tailLines < 0) {
      throw invalid('PodLogOptions', '', '', [
        {
          type: 'FieldValueInvalid',
          field: 'tailLines',
          badValue: tailLines,
          detail: 'must be greater than or equal to 0',
        },
      ]);
    }
    if (limitBytes !== undefined && limitBytes < 1) {
      throw invalid('PodLogOptions', '', '', [
        {
          type: 'FieldValueInvalid',
          field: 'limitBytes',
          badValue: limitBytes,
          detail: 'must be greater than 0',
        },
      ]);
    }
    if (!spec.nodeName) {
      // LogLocation has no kubelet to ask for a pod that is not scheduled: an empty log.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    const previous = isTrue(query.get('previous'));
    const startedAt = checkLogStatus(pod, container, previous);
    serveLog(
      pod,
      container,
      startedAt,
      {
        container,
        follow: isTrue(query.get('follow')),
        previous,
        timestamps: isTrue(query.get('timestamps')),
        tailLines,
        limitBytes,
      },
      this.opts.logs,
      res,
      (end) => {
        this.streams.add(end);
        return () => this.streams.delete(end);
      },
    );
  }

  private render(
    def: ResourceDef,
    obj: KubeObject,
    output: Output,
    query: URLSearchParams,
  ): object {
    if (output.kind === 'table') {
      const table = toTable(def.storeKey, [obj], {
        includeObject: includeObjectOf(query.get('includeObject')),
        resourceVersion: obj.metadata.resourceVersion ?? '',
      });
      if (output.version === 'v1beta1') table.apiVersion = 'meta.k8s.io/v1beta1';
      return table;
    }
    if (output.kind === 'partial') return partialMetadata(obj, output.version);
    return obj;
  }

  // ------------------------------------------------------------ writes

  private create(route: Route, body: unknown, query: URLSearchParams): KubeObject {
    const { def } = route;
    const { store } = this.opts;
    const obj = this.decode(def, body);
    const meta = obj.metadata;
    if (def.namespaced) {
      if (meta.namespace && meta.namespace !== route.namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = route.namespace;
    } else {
      delete meta.namespace;
    }
    for (const key of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
      'selfLink',
    ]) {
      delete meta[key];
    }
    if (!meta.name && meta.generateName) {
      for (let i = 0; i < 8; i++) {
        meta.name = generateName(meta.generateName);
        if (!store.get(def.storeKey, meta.namespace, meta.name)) break;
      }
    }
    if (def.namespaced && route.namespace) {
      const ns = store.get('namespaces', undefined, route.namespace);
      if (!ns) throw notFound({ group: '', resource: 'namespaces' }, route.namespace);
      const phase = isObj(ns.status) ? ns.status.phase : undefined;
      if (phase === 'Terminating') {
        throw forbidden(
          gr(def),
          meta.name ?? '',
          `unable to create new content in namespace ${route.namespace} because it is being terminated`,
        );
      }
    }
    const strategy = strategyFor(def);
    const errors: FieldError[] = objectMetaErrors(meta, def.namespaced, strategy.nameRule);
    errors.push(...(strategy.prepareForCreate?.(obj, this.ctx) ?? []));
    if (errors.length > 0) throw invalid(def.kind, def.group, meta.name ?? '', errors);
    if (isDryRun(query)) {
      return { ...obj, metadata: { ...meta, uid: randomUUID(), creationTimestamp: now() } };
    }
    try {
      return store.create(def.storeKey, obj);
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'AlreadyExists') {
        throw alreadyExists(gr(def), meta.name ?? '');
      }
      throw err;
    }
  }

  /** Checks apiVersion/kind of a request body and makes it a KubeObject. */
  private decode(def: ResourceDef, body: unknown): KubeObject {
    if (!isObj(body)) throw badRequest('the body of the request must be a JSON object');
    const obj = dropNulls(body) as Obj;
    const expectedVersion = apiVersionOf(def);
    if (obj.apiVersion !== undefined && obj.apiVersion !== expectedVersion) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expectedVersion})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== def.kind) {
      throw badRequest(
        `the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`,
      );
    }
    obj.apiVersion = expectedVersion;
    obj.kind = def.kind;
    if (!isObj(obj.metadata)) obj.metadata = {};
    return obj as KubeObject;
  }

  private update(route: Route, body: unknown, query: URLSearchParams): KubeObject {
    const current = this.get(route);
    const obj = this.decode(route.def, body);
    const meta = obj.metadata;
    if (meta.name && meta.name !== route.name) {
      throw badRequest(
        `the name of the object (${meta.name}) does not match the name on the URL (${route.name ?? ''})`,
      );
    }
    if (route.def.namespaced && meta.namespace && meta.namespace !== route.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    return this.applyUpdate(route, current, obj, query);
  }

  private patch(route: Route, body: unknown, type: PatchType, query: URLSearchParams): KubeObject {
    const current = this.get(route);
    const patched = applyPatch(current, body, type);
    const obj = this.decode(route.def, patched);
    if (obj.metadata.name !== current.metadata.name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${route.name ?? ''})`,
      );
    }
    return this.applyUpdate(route, current, obj, query);
  }

  /** The shared tail of PUT and PATCH: subresource rules, validation, no-op detection, store. */
  private applyUpdate(
    route: Route,
    current: KubeObject,
    incoming: KubeObject,
    query: URLSearchParams,
  ): KubeObject {
    const { def } = route;
    const expected = incoming.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) {
      throw conflict(
        gr(def),
        current.metadata.name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    if (incoming.metadata.uid && incoming.metadata.uid !== current.metadata.uid) {
      throw conflict(
        gr(def),
        current.metadata.name,
        `Precondition failed: UID in precondition: ${incoming.metadata.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      );
    }
    let next: KubeObject;
    const errors: FieldError[] = [];
    if (route.subresource === 'status') {
      // Status writes change status only (ResetObjectMetaForStatus keeps the old metadata).
      next = { ...structuredClone(current), status: incoming.status };
      if (next.status === undefined) delete next.status;
    } else if (route.subresource === 'ephemeralcontainers') {
      next = structuredClone(current);
      const spec = isObj(next.spec) ? next.spec : {};
      const incomingSpec = isObj(incoming.spec) ? incoming.spec : {};
      spec.ephemeralContainers = incomingSpec.ephemeralContainers;
      if (spec.ephemeralContainers === undefined) delete spec.ephemeralContainers;
      next.spec = spec;
      errors.push(...ephemeralContainerErrors(next, current));
    } else {
      next = incoming;
      const meta = next.metadata;
      meta.name = current.metadata.name;
      if (current.metadata.namespace) meta.namespace = current.metadata.namespace;
      meta.uid = current.metadata.uid;
      meta.creationTimestamp = current.metadata.creationTimestamp;
      meta.generation = current.metadata.generation;
      const carried = meta as Record<string, unknown>;
      for (const key of ['deletionTimestamp', 'deletionGracePeriodSeconds']) {
        if (current.metadata[key] !== undefined) carried[key] = current.metadata[key];
        else delete carried[key];
      }
      delete meta.managedFields;
      const strategy = strategyFor(def);
      errors.push(
        ...objectMetaErrors(meta, def.namespaced, strategy.nameRule).filter(
          (e) => e.field !== 'metadata.name',
        ),
      );
      errors.push(...(strategy.prepareForUpdate?.(next, current, this.ctx) ?? []));
      if (def.storeKey !== 'pods' && !jsonEqual(next.spec, current.spec)) {
        meta.generation = (current.metadata.generation ?? 1) + 1;
      }
    }
    if (errors.length > 0) throw invalid(def.kind, def.group, current.metadata.name, errors);
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    // An update that changes nothing is no write at all: no new resourceVersion, no event.
    if (jsonEqual(next, current) || isDryRun(query)) return isDryRun(query) ? next : current;
    // Removing the last finalizer of an object marked for deletion completes the deletion; pods
    // are finished by their kubelet instead.
    const finalizing =
      next.metadata.deletionTimestamp !== undefined &&
      ((next.metadata.finalizers as unknown[] | undefined) ?? []).length === 0 &&
      def.storeKey !== 'pods';
    try {
      const stored = this.opts.store.update(def.storeKey, next, current.metadata.resourceVersion);
      if (finalizing)
        this.opts.store.delete(def.storeKey, stored.metadata.namespace, stored.metadata.name);
      return stored;
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'Conflict') {
        throw conflict(
          gr(def),
          current.metadata.name,
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      }
      if (err instanceof StoreError && err.reason === 'NotFound')
        throw notFound(gr(def), current.metadata.name);
      throw err;
    }
  }

  private delete(route: Route, options: Obj, query: URLSearchParams): object {
    const { def } = route;
    const { store } = this.opts;
    const current = this.get(route);
    const preconditions = isObj(options.preconditions) ? options.preconditions : {};
    if (typeof preconditions.uid === 'string' && preconditions.uid !== current.metadata.uid) {
      throw conflict(
        gr(def),
        current.metadata.name,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      );
    }
    if (
      typeof preconditions.resourceVersion === 'string' &&
      preconditions.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(
        gr(def),
        current.metadata.name,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
      );
    }
    const dryRun =
      isDryRun(query) || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
    const graceText = query.get('gracePeriodSeconds');
    const requestedGrace =
      graceText !== null && /^-?\d+$/.test(graceText)
        ? Number(graceText)
        : typeof options.gracePeriodSeconds === 'number'
          ? options.gracePeriodSeconds
          : undefined;

    if (def.storeKey === 'pods') return this.deletePod(current, requestedGrace, dryRun);
    if (def.storeKey === 'namespaces') return this.deleteNamespace(current, dryRun);

    const finalizers = current.metadata.finalizers as unknown[] | undefined;
    if (finalizers && finalizers.length > 0) {
      // Finalizers hold the object: it only gets a deletionTimestamp.
      if (dryRun || current.metadata.deletionTimestamp) return current;
      const marked = structuredClone(current);
      marked.metadata.deletionTimestamp = now();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return store.update(def.storeKey, marked);
    }
    const deleted = dryRun
      ? current
      : store.delete(def.storeKey, route.namespace, current.metadata.name);
    return def.returnsDeletedObject
      ? deleted
      : successStatus(gr(def), current.metadata.name, current.metadata.uid);
  }

  /**
   * Graceful pod deletion: the pod gets deletionTimestamp and stays until the kubelet has stopped
   * it; unscheduled and finished pods, or a zero grace period, go at once (CheckGracefulDelete).
   */
  private deletePod(pod: KubeObject, requested: number | undefined, dryRun: boolean): KubeObject {
    const { store } = this.opts;
    const spec = isObj(pod.spec) ? pod.spec : {};
    const phase = isObj(pod.status) ? pod.status.phase : undefined;
    let grace =
      requested ??
      (typeof spec.terminationGracePeriodSeconds === 'number'
        ? spec.terminationGracePeriodSeconds
        : 30);
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
    if (grace < 0) grace = 1;
    const existing = pod.metadata.deletionGracePeriodSeconds;
    if (
      pod.metadata.deletionTimestamp &&
      typeof existing === 'number' &&
      grace >= existing &&
      grace !== 0
    ) {
      return pod;
    }
    if (dryRun) return pod;
    if (grace === 0) return store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    const marked = structuredClone(pod);
    marked.metadata.deletionTimestamp = now(grace);
    marked.metadata.deletionGracePeriodSeconds = grace;
    const stored = store.update('pods', marked);
    this.finishDeletionAfter(stored, grace);
    return stored;
  }

  /**
   * The kubelet deletes a terminating pod once its containers are stopped; should nothing do
   * so, the kubelet's grace-period kill ends it when the grace period is over.
   */
  private finishDeletionAfter(pod: KubeObject, graceSeconds: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const still = this.opts.store.get('pods', pod.metadata.namespace, pod.metadata.name);
      if (still && still.metadata.uid === pod.metadata.uid) {
        this.opts.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
      }
    }, graceSeconds * 1000);
    timer.unref();
    this.timers.add(timer);
  }

  /** Namespace deletion: Terminating at once, then its content and itself (namespace controller). */
  private deleteNamespace(ns: KubeObject, dryRun: boolean): KubeObject {
    const { store } = this.opts;
    if (dryRun) return ns;
    if (ns.metadata.deletionTimestamp) return ns;
    const marked = structuredClone(ns);
    marked.metadata.deletionTimestamp = now();
    marked.status = { ...(isObj(marked.status) ? marked.status : {}), phase: 'Terminating' };
    const stored = store.update('namespaces', marked);
    const name = ns.metadata.name;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      for (const def of namespacedStoreKeys()) {
        for (const obj of store.list(def, name)) {
          try {
            store.delete(def, name, obj.metadata.name);
          } catch {
            // Already gone: a controller got there first.
          }
        }
      }
      if (store.get('namespaces', undefined, name)) store.delete('namespaces', undefined, name);
    }, 0);
    timer.unref();
    this.timers.add(timer);
    return stored;
  }

  private bind(route: Route, body: unknown): object {
    const pod = this.get(route);
    const target = isObj(body) && isObj(body.target) ? body.target : {};
    const nodeName = typeof target.name === 'string' ? target.name : '';
    if (!nodeName) {
      throw invalid('Binding', '', route.name ?? '', [
        { type: 'FieldValueRequired', field: 'target.name' },
      ]);
    }
    const spec = isObj(pod.spec) ? pod.spec : {};
    if (spec.nodeName) {
      throw conflict(
        { group: '', resource: 'pods/binding' },
        pod.metadata.name,
        `pod ${pod.metadata.name} is already assigned to node "${String(spec.nodeName)}"`,
      );
    }
    this.opts.store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
      const s = isObj(p.spec) ? p.spec : {};
      s.nodeName = nodeName;
      p.spec = s;
    });
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }

  /** SelfSubjectAccessReview: allowed unless a forbid rule matches. */
  private review(body: unknown): object {
    const review = isObj(body) ? (dropNulls(body) as Obj) : {};
    const spec = isObj(review.spec) ? review.spec : {};
    const ra = isObj(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
    let allowed = true;
    if (ra) {
      allowed = !isForbidden(this.opts.forbid, {
        verb: String(ra.verb ?? ''),
        group: String(ra.group ?? ''),
        resource: String(ra.resource ?? ''),
        subresource: String(ra.subresource ?? ''),
        namespace: String(ra.namespace ?? ''),
        name: String(ra.name ?? ''),
      });
    }
    // RBAC gives a denial no reason, so kubectl auth can-i prints a bare "no".
    const status: Obj = { allowed };
    return {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status,
    };
  }

  // ------------------------------------------------------------ plumbing

  private authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    return m !== null && m[1]?.trim() === this.opts.token;
  }

  private version(): object {
    const v = this.opts.scenario.kubernetesVersion;
    const m = /^v(\d+)\.(\d+)/.exec(v);
    return {
      major: m?.[1] ?? '1',
      minor: m?.[2] ?? '0',
      gitVersion: v,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2024-06-11T20:20:00Z',
      goVersion: 'go1.22.4',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }

  private json(
    res: ServerResponse,
    code: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent) return;
    res.writeHead(code, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  private fail(res: ServerResponse, err: unknown): void {
    const apiErr =
      err instanceof ApiError
        ? err
        : new ApiError(
            500,
            'InternalError',
            `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
          );
    if (!(err instanceof ApiError))
      process.stderr.write(
        `emulator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    if (res.headersSent) {
      res.end();
      return;
    }
    const headers: Record<string, string> = {};
    if (apiErr.code === 401) headers['WWW-Authenticate'] = 'Bearer realm="kubernetes-api-emulator"';
    this.json(res, apiErr.code, apiErr.toStatus(), headers);
  }
}

// ------------------------------------------------------------ helpers

function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function gr(def: ResourceDef): GroupResource {
  return { group: def.group, resource: def.plural };
}

const isTrue = (v: string | null) => v === 'true' || v === '1';

function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

function includeObjectOf(v: string | null): 'None' | 'Metadata' | 'Object' {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (isObj(parsed) && typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // Reported below like any other malformed token.
  }
  throw badRequest(`continue key is not valid: ${token}`);
}

function namespacedStoreKeys(): string[] {
  return [
    'pods',
    'services',
    'configmaps',
    'events',
    'endpointslices.discovery.k8s.io',
    'networkpolicies.networking.k8s.io',
    'daemonsets.apps',
    'deployments.apps',
    'replicasets.apps',
  ];
}

function partialMetadata(obj: KubeObject, version: string): object {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: obj.metadata,
  };
}

/** Splits the path after /api/v1 or /apis/g/v into resource, namespace, name, subresource. */
function parseRoute(group: string, version: string, segments: string[]): Route | null {
  let rest = segments;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  const nested = rest[2] !== undefined ? findResource(group, version, rest[2]) : undefined;
  if (rest[0] === 'namespaces' && rest[1] !== undefined && nested?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (plural === undefined || extra.length > 0) return null;
  const def = findResource(group, version, plural);
  if (!def) return null;
  if (legacyWatch && subresource !== undefined) return null;
  return { def, namespace, name, subresource, legacyWatch };
}

function requestVerb(method: string, route: Route, watching: boolean): Verb | null {
  const hasName = route.name !== undefined;
  switch (method) {
    case 'GET':
      if (watching) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      if (!hasName) return 'create';
      return route.subresource ? 'create' : null;
    case 'PUT':
      return hasName ? 'update' : null;
    case 'PATCH':
      return hasName ? 'patch' : null;
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return null;
  }
}

/** Picks the response form from the Accept header: a Table, PartialObjectMetadata or JSON. */
function negotiate(accept: string | undefined): Output {
  if (!accept) return { kind: 'json' };
  for (const range of accept.split(',')) {
    const p = mediaParams(range);
    if (
      p.type === 'application/json' &&
      p.g === 'meta.k8s.io' &&
      (p.v === 'v1' || p.v === 'v1beta1')
    ) {
      if (p.as === 'Table') return { kind: 'table', version: p.v };
      if (p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') {
        return { kind: 'partial', version: p.v };
      }
      continue;
    }
    if (p.type === 'application/json' && !p.as) return { kind: 'json' };
    if (p.type === '*/*' || p.type === 'application/*') return { kind: 'json' };
  }
  throw new ApiError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io',
  );
}

async function readJson(req: IncomingMessage, required: boolean): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBodyBytes)
      throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') {
    if (required) throw badRequest('the body of the request was empty');
    return undefined;
  }
  const type =
    (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.includes('yaml') || type.includes('protobuf')) throw unsupportedMediaType(type);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** ValidatePodEphemeralContainersUpdate: existing ones unchanged, new ones well formed. */
function ephemeralContainerErrors(next: KubeObject, old: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isObj(next.spec) ? next.spec : {};
  const oldSpec = isObj(old.spec) ? old.spec : {};
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isObj) : []);
  const newList = list(spec.ephemeralContainers);
  const oldList = list(oldSpec.ephemeralContainers);
  const hostNetwork = spec.hostNetwork === true;
  const taken = new Set(
    [...list(spec.containers), ...list(spec.initContainers)].map((c) => String(c.name)),
  );
  const targets = new Set(
    [...list(spec.containers), ...list(spec.initContainers)].map((c) => String(c.name)),
  );
  const seen = new Set<string>();
  newList.forEach((c, i) => {
    const at = `spec.ephemeralContainers[${i}]`;
    const isNew = !oldList.some((o) => o.name === c.name);
    if (isNew) defaultContainer(c, hostNetwork);
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) errors.push({ type: 'FieldValueRequired', field: `${at}.name` });
    else {
      for (const detail of nameErrors(name, 'dns1123-label')) {
        errors.push({ type: 'FieldValueInvalid', field: `${at}.name`, badValue: name, detail });
      }
      if (taken.has(name) || seen.has(name)) {
        errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, badValue: name });
      }
      seen.add(name);
    }
    if (!isNew) return;
    if (typeof c.image !== 'string' || c.image.trim() === '') {
      errors.push({ type: 'FieldValueRequired', field: `${at}.image` });
    }
    for (const field of ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']) {
      if (c[field] !== undefined) {
        errors.push({
          type: 'FieldValueForbidden',
          field: `${at}.${field}`,
          detail: 'cannot be set for an Ephemeral Container',
        });
      }
    }
    const resources = isObj(c.resources) ? c.resources : {};
    if (
      Object.keys(resources).some(
        (k) => isObj(resources[k]) && Object.keys(resources[k] as Obj).length > 0,
      )
    ) {
      errors.push({
        type: 'FieldValueForbidden',
        field: `${at}.resources`,
        detail: 'cannot be set for an Ephemeral Container',
      });
    }
    if (
      typeof c.targetContainerName === 'string' &&
      c.targetContainerName &&
      !targets.has(c.targetContainerName)
    ) {
      errors.push({
        type: 'FieldValueNotFound',
        field: `${at}.targetContainerName`,
        badValue: c.targetContainerName,
      });
    }
  });
  for (const o of oldList) {
    const n = newList.find((c) => c.name === o.name);
    if (!n) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec.ephemeralContainers',
        detail: `existing ephemeral containers "${String(o.name)}" may not be removed\n`,
      });
    } else if (!jsonEqual(n, o)) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec.ephemeralContainers',
        detail: `existing ephemeral containers "${String(o.name)}" may not be changed\n`,
      });
    }
  }
  return errors;
}
