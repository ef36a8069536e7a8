/**
 * labelSelector and fieldSelector query parameters, parsed with the grammar of
 * k8s.io/apimachinery/pkg/labels and pkg/fields.
 */
import { badRequest } from './status';
import type { KubeObject } from './store';

export type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** A parsed label selector; an empty one matches everything. */
export type LabelSelector = LabelRequirement[];

const keyChars = /[A-Za-z0-9._/-]/;
const valueChars = /[A-Za-z0-9._-]/;

/**
 * Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,i>3`. Throws a 400 ApiError on bad syntax,
 * as the API server does.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const src = text;
  let pos = 0;
  const out: LabelSelector = [];
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why} in selector "${src}"`);
  };
  const skipSpace = () => {
    while (pos < src.length && /\s/.test(src[pos] ?? '')) pos++;
  };
  const readWhile = (re: RegExp) => {
    const start = pos;
    while (pos < src.length && re.test(src[pos] ?? '')) pos++;
    return src.slice(start, pos);
  };
  const readValues = (): string[] => {
    skipSpace();
    if (src[pos] !== '(') fail(`expected '(' after set operator at ${pos}`);
    pos++;
    const values: string[] = [];
    for (;;) {
      skipSpace();
      const v = readWhile(valueChars);
      values.push(v);
      skipSpace();
      if (src[pos] === ',') {
        pos++;
        continue;
      }
      if (src[pos] === ')') {
        pos++;
        break;
      }
      fail(`expected ',' or ')' at ${pos}`);
    }
    if (values.length === 1 && values[0] === '') {
      fail(`for 'in', 'notin' operators, values set can't be empty`);
    }
    return values;
  };

  skipSpace();
  if (pos >= src.length) return out;
  for (;;) {
    skipSpace();
    let negate = false;
    if (src[pos] === '!') {
      negate = true;
      pos++;
      skipSpace();
    }
    const key = readWhile(keyChars);
    if (!key) fail(`expected a key at ${pos}`);
    validateLabelKey(key, fail);
    skipSpace();
    if (negate) {
      out.push({ key, operator: '!', values: [] });
    } else if (pos >= src.length || src[pos] === ',') {
      out.push({ key, operator: 'exists', values: [] });
    } else if (src.startsWith('==', pos)) {
      pos += 2;
      skipSpace();
      out.push({ key, operator: '=', values: [readWhile(valueChars)] });
    } else if (src.startsWith('!=', pos)) {
      pos += 2;
      skipSpace();
      out.push({ key, operator: '!=', values: [readWhile(valueChars)] });
    } else if (src[pos] === '=') {
      pos += 1;
      skipSpace();
      out.push({ key, operator: '=', values: [readWhile(valueChars)] });
    } else if (src[pos] === '>' || src[pos] === '<') {
      const op = src[pos] === '>' ? 'gt' : 'lt';
      pos += 1;
      skipSpace();
      const n = readWhile(/[0-9-]/);
      if (!/^-?\d+$/.test(n)) fail(`for 'gt', 'lt' operators, the value must be an integer`);
      out.push({ key, operator: op, values: [n] });
    } else if (/^in[\s(]/.test(src.slice(pos))) {
      pos += 2;
      out.push({ key, operator: 'in', values: readValues() });
    } else if (/^notin[\s(]/.test(src.slice(pos))) {
      pos += 5;
      out.push({ key, operator: 'notin', values: readValues() });
    } else {
      fail(`found '${src[pos]}', expected: '=', '!=', '==', 'in', notin'`);
    }
    skipSpace();
    if (pos >= src.length) break;
    if (src[pos] !== ',') fail(`found '${src[pos]}', expected: ',' or 'end of string'`);
    pos++;
  }
  for (const r of out) {
    for (const v of r.values) {
      if (v.length > 63 || (v !== '' && !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v))) {
        fail(
          `values[0][${r.key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        );
      }
    }
  }
  return out;
}

function validateLabelKey(key: string, fail: (why: string) => never): void {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name) || name.length > 63) {
    fail(
      `key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  if (
    slash >= 0 &&
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix)
  ) {
    fail(`key: Invalid value: "${key}": prefix part must be a lowercase RFC 1123 subdomain`);
  }
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const value = l[r.key];
    switch (r.operator) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
      case 'in':
        return has && r.values.includes(value ?? '');
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value ?? '');
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value ?? '')) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        return r.operator === 'gt' ? n > bound : n < bound;
      }
    }
  });
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/**
 * Parses `metadata.name=x,spec.nodeName!=y` and checks every field against the resource's
 * selectable fields: an unknown field is a 400 `field label not supported: X`.
 */
export function parseFieldSelector(text: string, selectable: string[]): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (text.trim() === '') return out;
  for (const part of splitUnescaped(text, ',')) {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(part.trim());
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = (m[1] ?? '').trim();
    const operator = m[2] === '!=' ? '!=' : '=';
    const value = unescapeFieldValue(m[3] ?? '');
    const allowed = ['metadata.name', 'metadata.namespace', ...selectable];
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    out.push({ field, operator, value });
  }
  return out;
}

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + (text[i + 1] ?? '');
      i++;
    } else if (ch === sep) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeFieldValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** The value a field selector compares against; absent fields read as the empty string. */
export function fieldValue(obj: KubeObject, field: string): string {
  let current: unknown = obj;
  for (const part of field.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  if (field === 'spec.hostNetwork' || field === 'spec.unschedulable')
    return String(current === true);
  if (field === 'source' && current && typeof current === 'object') {
    return String((current as { component?: string }).component ?? '');
  }
  if (current === undefined || current === null) return '';
  return String(current);
}

/** True when the object satisfies every field requirement. */
export function matchesFields(requirements: FieldRequirement[], obj: KubeObject): boolean {
  return requirements.every((r) => {
    const v = fieldValue(obj, r.field);
    return r.operator === '=' ? v === r.value : v !== r.value;
  });
}
