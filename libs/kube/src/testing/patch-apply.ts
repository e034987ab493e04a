/**
 * How the API server applies patches, for the fake API server: RFC 7386 merge patch and
 * RFC 6902 JSON patch. A JSON patch that cannot apply (a failed `test`, a path that does
 * not exist) throws `PatchError`, which the server answers with 422, as a real one does.
 */
export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`"${pointer}" is not a JSON pointer`);
  return pointer.slice(1).split('/').map(unescape);
}

function parentOf(doc: unknown, segments: string[], pointer: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  let node: unknown = doc;
  for (const s of segments.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isObject(node)) node = node[s];
    else node = undefined;
    if (node === undefined) throw new PatchError(`doc is missing path: ${pointer}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw new PatchError(`doc is missing path: ${pointer}`);
  return { parent: node, key: segments[segments.length - 1] };
}

function getAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const s of parsePointer(pointer)) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isObject(node)) node = Object.prototype.hasOwnProperty.call(node, s) ? node[s] : undefined;
    else node = undefined;
    if (node === undefined) throw new PatchError(`doc is missing path: ${pointer}`);
  }
  return node;
}

function arrayIndex(key: string, length: number, forAdd: boolean, pointer: string): number {
  if (forAdd && key === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new PatchError(`${pointer}: "${key}" is not an array index`);
  const i = Number(key);
  if (i > length || (!forAdd && i === length)) throw new PatchError(`${pointer}: index ${i} is out of bounds`);
  return i;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const segments = parsePointer(pointer);
  if (segments.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, segments, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true, pointer), 0, structuredClone(value));
  else parent[key] = structuredClone(value);
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const segments = parsePointer(pointer);
  if (segments.length === 0) throw new PatchError('cannot remove the whole document');
  const { parent, key } = parentOf(doc, segments, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, false, pointer), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new PatchError(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a as Json)) === JSON.stringify(canonical(b as Json));
}

function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k] as Json)]),
    );
  return v;
}

/** Applies the operations in order to a copy; all or nothing. */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch is an array of operations');
  let doc: unknown = structuredClone(target);
  for (const [i, raw] of ops.entries()) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw new PatchError(`operation ${i}: needs "op" and "path"`);
    const { op, path } = raw;
    switch (op) {
      case 'add':
        if (!('value' in raw)) throw new PatchError(`operation ${i}: add needs a value`);
        doc = add(doc, path, raw.value);
        break;
      case 'remove':
        doc = remove(doc, path);
        break;
      case 'replace':
        if (!('value' in raw)) throw new PatchError(`operation ${i}: replace needs a value`);
        getAt(doc, path);
        doc = remove(doc, path);
        doc = add(doc, path, raw.value);
        break;
      case 'test': {
        const actual = getAt(doc, path);
        if (!deepEqual(actual, raw.value)) throw new PatchError(`testing value ${path} failed: test operation failed`);
        break;
      }
      case 'move':
      case 'copy': {
        if (typeof raw.from !== 'string') throw new PatchError(`operation ${i}: ${op} needs "from"`);
        const value = structuredClone(getAt(doc, raw.from));
        if (op === 'move') doc = remove(doc, raw.from);
        doc = add(doc, path, value);
        break;
      }
      default:
        throw new PatchError(`operation ${i}: unknown op "${op}"`);
    }
  }
  return doc;
}
