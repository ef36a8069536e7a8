/**
 * Syntax of endpoint references (shared/contract.md). Only the form is checked here; whether
 * the thing exists is resolveEndpoint's business.
 */
import { canonicalIp } from '@/lib/resolve/ip';
import type { EndpointRef } from '@/lib/trace/types';
import { RefError } from './errors';

const KINDS = ['pod', 'node', 'service', 'ip', 'dns'] as const;
const FORMS =
  'pod:NAMESPACE/NAME, node:NAME, service:NAMESPACE/NAME[:PORT], ip:ADDRESS[:PORT] or dns:NAME[:PORT]';
/** Longer than any valid reference (a 253-character DNS name plus kind and port). */
const MAX_LENGTH = 300;

// Kubernetes name rules (apimachinery validation): namespaces are DNS-1123 labels, pod and node
// names DNS-1123 subdomains, Service names DNS-1035 labels, Service port names DNS-1123 labels.
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME =
  /^[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9])?(\.[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9])?)*\.?$/;

/**
 * Parses an endpoint reference. Throws RefError `bad-reference` (400) for anything malformed,
 * with a message that says what was expected.
 */
export function parseEndpointRef(text: string): EndpointRef {
  const s = typeof text === 'string' ? text.trim() : '';
  if (s === '') throw bad(`empty reference; write ${FORMS}`);
  if (s.length > MAX_LENGTH) throw bad(`reference longer than ${MAX_LENGTH} characters`);
  const colon = s.indexOf(':');
  const kind = colon < 0 ? s : s.slice(0, colon);
  if (!(KINDS as readonly string[]).includes(kind) || colon < 0) {
    throw bad(`"${s}" is not a reference; write ${FORMS}`);
  }
  const rest = s.slice(colon + 1);
  switch (kind as (typeof KINDS)[number]) {
    case 'pod': {
      const { namespace, name } = namespaced(rest, 'pod', SUBDOMAIN, 253, 'pod:default/httpd');
      return { kind: 'pod', namespace, name };
    }
    case 'node':
      if (!isName(rest, SUBDOMAIN, 253)) {
        throw bad(`"${rest}" is not a node name (lowercase DNS subdomain), e.g. node:node-1`);
      }
      return { kind: 'node', name: rest };
    case 'service': {
      const portAt = rest.indexOf(':');
      const target = portAt < 0 ? rest : rest.slice(0, portAt);
      const port = portAt < 0 ? null : rest.slice(portAt + 1);
      const { namespace, name } = namespaced(
        target,
        'Service',
        LABEL_1035,
        63,
        'service:default/httpd:80',
      );
      // All digits is a number, never a name, so that `:0` and `:70000` are refused.
      const validPort =
        port === null || (/^\d+$/.test(port) ? isNumericPort(port) : isName(port, LABEL, 63));
      if (!validPort) {
        throw bad(`"${port}" is not a Service port: give its number (1-65535) or its name`);
      }
      return { kind: 'service', namespace, name, port: port === null ? null : port };
    }
    case 'ip': {
      const { host, port } = splitHostPort(rest);
      const address = canonicalIp(host);
      if (!address) {
        throw bad(
          `"${host}" is not an IP address; write ip:192.168.2.10, ip:192.168.2.10:5432 or ip:[fd00::1]:80`,
        );
      }
      return { kind: 'ip', address, port };
    }
    case 'dns': {
      const { host, port } = splitHostPort(rest);
      const name = host.toLowerCase();
      if (canonicalIp(name)) throw bad(`"${host}" is an address: write ip:${host}`);
      if (name.length > 254 || !HOSTNAME.test(name)) {
        throw bad(`"${host}" is not a DNS name, e.g. dns:httpd.default.svc.cluster.local:80`);
      }
      return { kind: 'dns', name, port };
    }
  }
}

/** The canonical spelling of a reference: what results show as `ref`. */
export function formatEndpointRef(ref: EndpointRef): string {
  switch (ref.kind) {
    case 'pod':
      return `pod:${ref.namespace}/${ref.name}`;
    case 'node':
      return `node:${ref.name}`;
    case 'service':
      return `service:${ref.namespace}/${ref.name}${ref.port === null ? '' : `:${ref.port}`}`;
    case 'ip': {
      const host = ref.address.includes(':') ? `[${ref.address}]` : ref.address;
      return ref.port === null ? `ip:${ref.address}` : `ip:${host}:${ref.port}`;
    }
    case 'dns':
      return `dns:${ref.name}${ref.port === null ? '' : `:${ref.port}`}`;
  }
}

function namespaced(
  text: string,
  what: string,
  namePattern: RegExp,
  maxName: number,
  example: string,
): { namespace: string; name: string } {
  const parts = text.split('/');
  const [namespace = '', name = ''] = parts;
  if (parts.length !== 2 || namespace === '' || name === '') {
    throw bad(`a ${what} is written NAMESPACE/NAME, e.g. ${example}; got "${text}"`);
  }
  if (!isName(namespace, LABEL, 63)) {
    throw bad(`"${namespace}" is not a namespace name (lowercase DNS label)`);
  }
  if (!isName(name, namePattern, maxName)) {
    throw bad(`"${name}" is not a valid ${what} name`);
  }
  return { namespace, name };
}

/** Splits `HOST[:PORT]`, `[V6]:PORT` and a bare IPv6 address (which cannot carry a port). */
function splitHostPort(text: string): { host: string; port: number | null } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw bad(`"${text}": missing "]" after the IPv6 address`);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw bad(`"${text}": expected ":PORT" after "]"`);
    return { host: text.slice(1, close), port: after === '' ? null : port(after.slice(1)) };
  }
  const colons = text.split(':').length - 1;
  // More than one colon is a bare IPv6 address; its port needs the [addr]:port form.
  if (colons !== 1) return { host: text, port: null };
  const at = text.indexOf(':');
  return { host: text.slice(0, at), port: port(text.slice(at + 1)) };
}

function port(text: string): number {
  if (!isNumericPort(text)) throw bad(`"${text}" is not a port number (1-65535)`);
  return Number(text);
}

function isNumericPort(text: string): boolean {
  return /^[1-9]\d{0,4}$/.test(text) && Number(text) <= 65535;
}

function isName(text: string, pattern: RegExp, max: number): boolean {
  return text.length <= max && pattern.test(text);
}

function bad(message: string): RefError {
  return new RefError('bad-reference', message);
}
