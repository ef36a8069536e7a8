/**
 * Authentication (one bearer token) and authorization (allow everything except the configured
 * forbid rules), with the RBAC authorizer's wording in 403 answers and access reviews.
 */

/** Makes matching requests 403 Forbidden. `*` matches any verb, resource or subresource. */
export interface ForbidRule {
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

/** What the API server's authorizer sees of a request. */
export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

const matches = (pattern: string | undefined, value: string) =>
  pattern === undefined || pattern === '*' || pattern === value;

/**
 * True when a forbid rule matches the request. As in RBAC, `pods` and `pods/log` are different
 * resources: a rule without a subresource covers only requests for the resource itself.
 */
export function isForbidden(rules: ForbidRule[], attrs: RequestAttributes): boolean {
  return rules.some((r) => {
    if (!matches(r.verb, attrs.verb)) return false;
    const resource = r.resource.split('.')[0] ?? r.resource;
    const group = r.resource.includes('.') ? r.resource.slice(resource.length + 1) : undefined;
    if (!matches(resource, attrs.resource)) return false;
    if (group !== undefined && group !== attrs.group) return false;
    if ((r.subresource ?? '') !== attrs.subresource && r.subresource !== '*') return false;
    return r.namespace === undefined || r.namespace === attrs.namespace;
  });
}

/** The RBAC authorizer's reason text: `User "u" cannot verb resource "r" in API group ...`. */
export function forbiddenReason(user: string, attrs: RequestAttributes): string {
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return `User "${user}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`;
}
