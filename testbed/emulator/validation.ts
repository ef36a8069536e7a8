/**
 * Object metadata validation with the messages of k8s.io/apimachinery's validation package, so
 * that a 422 from the emulator reads exactly like one from a real API server.
 */
import type { FieldError } from './status';
import type { ObjectMeta } from './store';

const dns1123LabelRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123SubdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035LabelRe = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedNameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label';

const maxLen = (n: number) => `must be no more than ${n} characters`;

/** Error messages for a name under the given rule; empty when the name is valid. */
export function nameErrors(name: string, rule: NameRule): string[] {
  const out: string[] = [];
  if (rule === 'dns1123-subdomain') {
    if (name.length > 253) out.push(maxLen(253));
    if (!dns1123SubdomainRe.test(name)) {
      out.push(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
    }
  } else if (rule === 'dns1123-label') {
    if (name.length > 63) out.push(maxLen(63));
    if (!dns1123LabelRe.test(name)) {
      out.push(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      );
    }
  } else {
    if (name.length > 63) out.push(maxLen(63));
    if (!dns1035LabelRe.test(name)) {
      out.push(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      );
    }
  }
  return out;
}

/** IsQualifiedName: an optional DNS subdomain prefix and a name part. */
export function qualifiedNameErrors(value: string): string[] {
  const out: string[] = [];
  const parts = value.split('/');
  let name = value;
  if (parts.length === 2) {
    const [prefix = '', n = ''] = parts;
    name = n;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else for (const msg of nameErrors(prefix, 'dns1123-subdomain')) out.push(`prefix part ${msg}`);
  } else if (parts.length > 2) {
    out.push(
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    );
    return out;
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push(`name part ${maxLen(63)}`);
  if (name.length > 0 && !qualifiedNameRe.test(name)) {
    out.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return out;
}

/** Label keys and values, as ValidateLabels checks them. */
export function labelErrors(labels: unknown, field: string): FieldError[] {
  const out: FieldError[] = [];
  if (labels === undefined) return out;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    return [{ type: 'FieldValueInvalid', field, badValue: labels, detail: 'must be a map' }];
  }
  for (const [key, value] of Object.entries(labels)) {
    for (const detail of qualifiedNameErrors(key)) {
      out.push({ type: 'FieldValueInvalid', field, badValue: key, detail });
    }
    if (typeof value !== 'string') {
      out.push({ type: 'FieldValueInvalid', field, badValue: value, detail: 'must be a string' });
      continue;
    }
    if (value.length > 63) {
      out.push({ type: 'FieldValueInvalid', field, badValue: value, detail: maxLen(63) });
    }
    if (!labelValueRe.test(value)) {
      out.push({
        type: 'FieldValueInvalid',
        field,
        badValue: value,
        detail:
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      });
    }
  }
  return out;
}

/** Annotation keys (qualified names) and values (strings). */
export function annotationErrors(annotations: unknown, field: string): FieldError[] {
  const out: FieldError[] = [];
  if (annotations === undefined) return out;
  if (typeof annotations !== 'object' || annotations === null || Array.isArray(annotations)) {
    return [{ type: 'FieldValueInvalid', field, badValue: annotations, detail: 'must be a map' }];
  }
  for (const [key, value] of Object.entries(annotations)) {
    for (const detail of qualifiedNameErrors(key.toLowerCase())) {
      out.push({ type: 'FieldValueInvalid', field, badValue: key, detail });
    }
    if (typeof value !== 'string') {
      out.push({ type: 'FieldValueInvalid', field, badValue: value, detail: 'must be a string' });
    }
  }
  return out;
}

/** ValidateObjectMeta: name (or generateName), namespace presence, labels, annotations. */
export function objectMetaErrors(
  meta: ObjectMeta,
  namespaced: boolean,
  rule: NameRule,
): FieldError[] {
  const out: FieldError[] = [];
  if (!meta.name) {
    out.push({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  } else {
    for (const detail of nameErrors(meta.name, rule)) {
      out.push({ type: 'FieldValueInvalid', field: 'metadata.name', badValue: meta.name, detail });
    }
  }
  if (namespaced && !meta.namespace) {
    out.push({ type: 'FieldValueRequired', field: 'metadata.namespace' });
  } else if (!namespaced && meta.namespace) {
    out.push({
      type: 'FieldValueForbidden',
      field: 'metadata.namespace',
      detail: 'not allowed on this type',
    });
  }
  out.push(...labelErrors(meta.labels, 'metadata.labels'));
  out.push(...annotationErrors(meta.annotations, 'metadata.annotations'));
  return out;
}

const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: the prefix cut to 58 characters plus five random characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
  }
  return prefix.slice(0, 58) + suffix;
}

/** Removes JSON nulls as decoding into Go structs does (a null field is an absent field). */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropNulls) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = dropNulls(v);
  }
  return out as T;
}
