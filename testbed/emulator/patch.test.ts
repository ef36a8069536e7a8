import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, patchTypeOf, strategicMergePatch } from './patch';

describe('patchTypeOf', () => {
  it('maps the three patch content types', () => {
    expect(patchTypeOf('application/merge-patch+json')).toBe('merge');
    expect(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8')).toBe('strategic');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(patchTypeOf('application/apply-patch+yaml')).toBeNull();
  });
});

describe('mergePatch', () => {
  it('merges objects, deletes on null and replaces lists', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: true };
    expect(mergePatch(target, { a: { b: null, d: 3 }, list: [3] })).toEqual({
      a: { c: 2, d: 3 },
      list: [3],
      keep: true,
    });
    expect(target.a).toEqual({ b: 1, c: 2 });
  });
});

describe('strategicMergePatch', () => {
  const pod = {
    metadata: { finalizers: ['a'] },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx',
          env: [{ name: 'A', value: '1' }],
          ports: [{ containerPort: 80 }],
        },
        { name: 'side', image: 'busybox' },
      ],
      tolerations: [{ key: 'x', operator: 'Exists' }],
    },
  };

  it('merges containers by name and their env and ports by key', () => {
    const out = strategicMergePatch(pod, {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:2',
            env: [{ name: 'B', value: '2' }],
            ports: [{ containerPort: 80, name: 'http' }],
          },
        ],
      },
    }) as typeof pod;
    expect(out.spec.containers).toHaveLength(2);
    expect(out.spec.containers[0]).toEqual({
      name: 'app',
      image: 'nginx:2',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      ports: [{ containerPort: 80, name: 'http' }],
    });
  });

  it('replaces lists without a merge strategy and unions finalizers', () => {
    const out = strategicMergePatch(pod, {
      metadata: { finalizers: ['b', 'a'] },
      spec: { tolerations: [{ key: 'y', operator: 'Exists' }] },
    }) as typeof pod;
    expect(out.spec.tolerations).toEqual([{ key: 'y', operator: 'Exists' }]);
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
  });

  it('honours $patch delete and replace, $setElementOrder and $deleteFromPrimitiveList', () => {
    const deleted = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'side', $patch: 'delete' }] },
    }) as typeof pod;
    expect(deleted.spec.containers.map((c) => c.name)).toEqual(['app']);
    const ordered = strategicMergePatch(pod, {
      spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }] },
    }) as typeof pod;
    expect(ordered.spec.containers.map((c) => c.name)).toEqual(['side', 'app']);
    const replaced = strategicMergePatch(pod, { spec: { $patch: 'replace', containers: [] } });
    expect(replaced).toEqual({ metadata: pod.metadata, spec: { containers: [] } });
    const pruned = strategicMergePatch(pod, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
    }) as typeof pod;
    expect(pruned.metadata.finalizers).toEqual([]);
  });

  it('merges Service ports on the port number', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = strategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } });
    expect(out).toEqual({ spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } });
  });
});

describe('jsonPatch', () => {
  const doc = { a: { b: [1, 2] }, 'x/y': 1 };

  it('applies add, replace, remove, move, copy and test', () => {
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/a/b/-', value: 3 },
        { op: 'add', path: '/a/b/0', value: 0 },
        { op: 'replace', path: '/x~1y', value: 2 },
        { op: 'copy', from: '/x~1y', path: '/c' },
        { op: 'move', from: '/c', path: '/d' },
        { op: 'test', path: '/d', value: 2 },
        { op: 'remove', path: '/a/b/1' },
      ]),
    ).toEqual({ a: { b: [0, 2, 3] }, 'x/y': 2, d: 2 });
    expect(doc).toEqual({ a: { b: [1, 2] }, 'x/y': 1 });
  });

  it('fails with 422 on a missing path or a failed test', () => {
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(
      'remove operation does not apply: doc is missing path: "/nope"',
    );
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/x~1y', value: 5 }])).toThrow(/test failed/);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(/JSON array/);
  });
});
