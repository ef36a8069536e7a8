/**
 * API errors as the kube-apiserver writes them: a `Status` object whose message, reason, details
 * and code follow k8s.io/apimachinery/pkg/api/errors, so that clients which branch on the reason
 * (kubectl, client-node's informers) behave as against a real cluster.
 */

/** A field error in the shape of apimachinery's field.Error. */
export interface FieldError {
  /** The cause type: FieldValueInvalid, FieldValueRequired, FieldValueForbidden, ... */
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueNotFound'
    | 'FieldValueTooLong';
  field: string;
  /** The offending value; omitted for Required and Forbidden as apimachinery omits it. */
  badValue?: unknown;
  detail?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown by handlers; the server answers it as its Status object. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusObject {
    const status: StatusObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** A group-qualified resource, written as apimachinery's GroupResource.String(). */
export interface GroupResource {
  group: string;
  resource: string;
}

const qualified = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

function details(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

/** 404 NotFound: `pods "x" not found`. */
export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));
}

/** 409 AlreadyExists: `pods "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualified(gr)} "${name}" already exists`,
    details(gr, name),
  );
}

/** 409 Conflict: `Operation cannot be fulfilled on pods "x": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    details(gr, name),
  );
}

/** 403 Forbidden: `pods "x" is forbidden: <why>`, or without a name for collections. */
export function forbidden(gr: GroupResource, name: string, why: string): ApiError {
  const message = name
    ? `${qualified(gr)} "${name}" is forbidden: ${why}`
    : `${qualified(gr)} is forbidden: ${why}`;
  return new ApiError(403, 'Forbidden', message, details(gr, name));
}

/** 400 BadRequest with the given message. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 405 MethodNotAllowed, for a verb the resource does not serve. */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 401 Unauthorized, for a missing or wrong bearer token. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** 415 UnsupportedMediaType, for a body or patch type the emulator cannot read. */
export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json (got ${contentType || 'none'})`,
  );
}

/** 410 Expired: a resourceVersion or continue token older than the kept history. */
export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** The body of one field error as apimachinery's field.Error.ErrorBody() prints it. */
export function fieldErrorBody(err: FieldError): string {
  const typeText: Record<FieldError['type'], string> = {
    FieldValueInvalid: 'Invalid value',
    FieldValueRequired: 'Required value',
    FieldValueForbidden: 'Forbidden',
    FieldValueNotSupported: 'Unsupported value',
    FieldValueDuplicate: 'Duplicate value',
    FieldValueNotFound: 'Not found',
    FieldValueTooLong: 'Too long',
  };
  let s = typeText[err.type];
  const showsValue =
    err.type !== 'FieldValueRequired' &&
    err.type !== 'FieldValueForbidden' &&
    err.type !== 'FieldValueTooLong' &&
    err.badValue !== undefined;
  if (showsValue) s += `: ${goValue(err.badValue)}`;
  if (err.detail) s += `: ${err.detail}`;
  return s;
}

/** Roughly Go's %#v for the scalar values field errors carry. */
function goValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return JSON.stringify(value);
}

/**
 * 422 Invalid: `Pod "x" is invalid: <errors>` with one cause per field error; the qualified kind
 * is the Kind (Pod, Deployment.apps), not the resource, as NewInvalid writes it.
 */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const lines = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const unique = [...new Set(lines)];
  const aggregate = unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const d: StatusDetails = { name };
  if (group) d.group = group;
  d.kind = kind;
  d.causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${aggregate}`, d);
}

/** The Status a successful delete answers with for resources that do not return the object. */
export function successStatus(gr: GroupResource, name: string, uid?: string): object {
  const d: StatusDetails = { name };
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  if (uid) d.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: d };
}
