import { PatchError, applyJsonPatch, applyMergePatch } from './patch-apply';

test('merge patch (RFC 7386): objects merge, null removes, arrays are replaced', () => {
  const doc = { metadata: { name: 'a', annotations: { x: '1', y: '2' } }, spec: { replicas: 3, list: [1, 2] } };
  expect(applyMergePatch(doc, { metadata: { annotations: { x: null, z: '3' } }, spec: { list: [9] } })).toEqual({
    metadata: { name: 'a', annotations: { y: '2', z: '3' } },
    spec: { replicas: 3, list: [9] },
  });
  expect(doc.metadata.annotations).toEqual({ x: '1', y: '2' });
});

test('JSON patch (RFC 6902): add, remove, replace, test, move, copy; ~1 escapes a slash', () => {
  const doc = { metadata: { annotations: { 'mirrorlab.io/fault': 'f1' } }, spec: { replicas: 3, items: ['a', 'c'] } };
  const out = applyJsonPatch(doc, [
    { op: 'test', path: '/spec/replicas', value: 3 },
    { op: 'replace', path: '/spec/replicas', value: 2 },
    { op: 'remove', path: '/metadata/annotations/mirrorlab.io~1fault' },
    { op: 'add', path: '/spec/items/1', value: 'b' },
    { op: 'add', path: '/spec/items/-', value: 'd' },
    { op: 'copy', from: '/spec/replicas', path: '/spec/was' },
    { op: 'move', from: '/spec/was', path: '/spec/moved' },
  ]);
  expect(out).toEqual({ metadata: { annotations: {} }, spec: { replicas: 2, items: ['a', 'b', 'c', 'd'], moved: 2 } });
});

test('a JSON patch applies all or nothing: a failed test or a missing path throws', () => {
  const doc = { spec: { replicas: 3 } };
  expect(() =>
    applyJsonPatch(doc, [
      { op: 'replace', path: '/spec/replicas', value: 1 },
      { op: 'test', path: '/spec/replicas', value: 3 },
    ]),
  ).toThrow(PatchError);
  expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/metadata/annotations/x' }])).toThrow('doc is missing path');
  expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/other', value: 1 }])).toThrow('doc is missing path: /spec/other');
  expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow('array of operations');
  expect(doc).toEqual({ spec: { replicas: 3 } });
});
