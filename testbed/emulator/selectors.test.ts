import { describe, expect, it } from 'vitest';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import type { KubeObject } from './store';

const labels = { app: 'web', tier: 'front', version: '3' };
const matches = (selector: string, l: Record<string, string> = labels) =>
  matchesLabels(parseLabelSelector(selector), l);

describe('label selectors', () => {
  it('parses every operator', () => {
    expect(parseLabelSelector('a=b, c==d,e!=f,g in (h, i),j notin (k),l,!m,n>1,o<2')).toEqual([
      { key: 'a', operator: '=', values: ['b'] },
      { key: 'c', operator: '=', values: ['d'] },
      { key: 'e', operator: '!=', values: ['f'] },
      { key: 'g', operator: 'in', values: ['h', 'i'] },
      { key: 'j', operator: 'notin', values: ['k'] },
      { key: 'l', operator: 'exists', values: [] },
      { key: 'm', operator: '!', values: [] },
      { key: 'n', operator: 'gt', values: ['1'] },
      { key: 'o', operator: 'lt', values: ['2'] },
    ]);
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector('example.com/role=x')[0]?.key).toBe('example.com/role');
  });

  it('matches as the API server does', () => {
    expect(matches('app=web,tier in (front,back)')).toBe(true);
    expect(matches('app!=web')).toBe(false);
    expect(matches('missing!=x')).toBe(true);
    expect(matches('missing notin (x)')).toBe(true);
    expect(matches('missing in (x)')).toBe(false);
    expect(matches('!tier')).toBe(false);
    expect(matches('version>2,version<4')).toBe(true);
    expect(matches('app', {})).toBe(false);
  });

  it('rejects bad syntax with a 400', () => {
    for (const bad of ['a in b', 'a in ()', '=b', 'a=b,', 'a b', 'a=b c', 'in=(x']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(/unable to parse requirement/);
    }
  });
});

describe('field selectors', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { nodeName: 'node-1', hostNetwork: true },
    status: { phase: 'Running' },
  } as KubeObject;

  it('selects on the allowed fields', () => {
    const allowed = ['spec.nodeName', 'status.phase', 'spec.hostNetwork'];
    const check = (s: string) => matchesFields(parseFieldSelector(s, allowed), pod);
    expect(check('metadata.name=p,metadata.namespace==default')).toBe(true);
    expect(check('spec.nodeName!=node-1')).toBe(false);
    expect(check('status.phase=Running,spec.hostNetwork=true')).toBe(true);
    expect(check('spec.nodeName=')).toBe(false);
  });

  it('refuses other fields', () => {
    expect(() => parseFieldSelector('spec.foo=bar', [])).toThrow(
      'field label not supported: spec.foo',
    );
  });
});
