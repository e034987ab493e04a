import type { HeaderValue } from '@mirrorlab/protocol';
import type { TargetRecord } from './record-intake';

/**
 * A partition's fetched records packed into one ArrayBuffer, so the fetch thread can hand a batch
 * to the checking thread by transfer (no copy, no per-record structured clone). Pure.
 *
 * Layout (little-endian): u32 count; u16 header names, each u16 length and its UTF-8 (a batch's
 * records share a few names: each is written and decoded once per batch); then per record: f64
 * offset, f64 timestampMs, i32 key length (-1: null), i32 value length (-1: null), u16 header
 * entries (0xffff: no headers object); per entry: u16 name index, u8 flags (1: the value was a
 * string, 2: one of a repeated header's values, 4: undefined), i32 value length, value; then the
 * key and the value bytes. Unpacked keys, values and header values are views of the buffer.
 */
export interface PackedRecords {
  data: ArrayBuffer;
  count: number;
}

const STRING = 1;
const REPEATED = 2;
const UNDEFINED = 4;
const RECORD_FIXED = 8 + 8 + 4 + 4 + 2;
const ENTRY_FIXED = 2 + 1 + 4;
/** The header-entries count of a record with no headers object (kafkajs always gives one; `{}` is 0 entries). */
const NO_HEADERS = 0xffff;
const MAX_NAMES = 0xffff;

const nameBytes = new Map<string, Buffer>();
function encodedName(name: string): Buffer {
  let b = nameBytes.get(name);
  if (b === undefined) {
    b = Buffer.from(name, 'utf8');
    if (nameBytes.size < 1024) nameBytes.set(name, b);
  }
  return b;
}

const valueLength = (v: HeaderValue): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length);

export function packRecords(records: readonly TargetRecord[]): PackedRecords {
  // First pass: the batch's header names, each record's header entries (a repeated header counts once per
  // value) and the size; no object per record or per header.
  const names = new Map<string, number>();
  const nameList: Buffer[] = [];
  const entryCounts = new Uint16Array(records.length);
  let size = 4 + 2;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    size += RECORD_FIXED + (r.key?.length ?? 0) + (r.value?.length ?? 0);
    const h = r.headers;
    if (h === undefined) continue;
    let entries = 0;
    for (const name in h) {
      if (!Object.hasOwn(h, name)) continue;
      if (!names.has(name)) {
        if (nameList.length === MAX_NAMES) throw new RangeError(`a batch has more than ${MAX_NAMES} header names`);
        names.set(name, nameList.length);
        const b = encodedName(name);
        nameList.push(b);
        size += 2 + b.length;
      }
      const v = h[name];
      if (Array.isArray(v)) {
        entries += v.length;
        for (const one of v as readonly HeaderValue[]) size += ENTRY_FIXED + valueLength(one);
      } else {
        entries += 1;
        size += ENTRY_FIXED + (v === undefined ? 0 : valueLength(v as HeaderValue));
      }
    }
    if (entries >= NO_HEADERS) throw new RangeError(`a record has ${entries} header values; at most ${NO_HEADERS - 1} can be packed`);
    entryCounts[i] = entries;
  }
  const data = new ArrayBuffer(size);
  const view = new DataView(data);
  const bytes = Buffer.from(data);
  view.setUint32(0, records.length, true);
  view.setUint16(4, nameList.length, true);
  let at = 6;
  for (const b of nameList) {
    view.setUint16(at, b.length, true);
    bytes.set(b, at + 2);
    at += 2 + b.length;
  }
  const entry = (nameIndex: number, flags: number, v: HeaderValue | undefined): void => {
    view.setUint16(at, nameIndex, true);
    view.setUint8(at + 2, flags);
    at += ENTRY_FIXED;
    if (v === undefined) {
      view.setInt32(at - 4, -1, true);
    } else if (typeof v === 'string') {
      const n = bytes.write(v, at, 'utf8');
      view.setInt32(at - 4, n, true);
      at += n;
    } else {
      view.setInt32(at - 4, v.length, true);
      bytes.set(v, at);
      at += v.length;
    }
  };
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const h = r.headers;
    view.setFloat64(at, r.offset, true);
    view.setFloat64(at + 8, r.timestampMs, true);
    view.setInt32(at + 16, r.key === null ? -1 : r.key.length, true);
    view.setInt32(at + 20, r.value === null ? -1 : r.value.length, true);
    view.setUint16(at + 24, h === undefined ? NO_HEADERS : entryCounts[i], true);
    at += RECORD_FIXED;
    if (h !== undefined) {
      for (const name in h) {
        if (!Object.hasOwn(h, name)) continue;
        const index = names.get(name)!;
        const v = h[name];
        if (v === undefined) entry(index, UNDEFINED, undefined);
        else if (Array.isArray(v))
          for (const one of v as readonly HeaderValue[]) entry(index, REPEATED | (typeof one === 'string' ? STRING : 0), one);
        else entry(index, typeof v === 'string' ? STRING : 0, v as HeaderValue);
      }
    }
    if (r.key !== null) {
      bytes.set(r.key, at);
      at += r.key.length;
    }
    if (r.value !== null) {
      bytes.set(r.value, at);
      at += r.value.length;
    }
  }
  return { data, count: records.length };
}

/** The records of `packed`, of one partition; throws a RangeError on a buffer that is not a packing of records. */
export function unpackRecords(topic: string, partition: number, data: ArrayBuffer): TargetRecord[] {
  const view = new DataView(data);
  const count = view.getUint32(0, true);
  const records: TargetRecord[] = new Array(count);
  let at = 6;
  const slice = (length: number): Buffer => {
    if (at + length > data.byteLength) throw new RangeError(`a packed batch ends at ${data.byteLength}, before byte ${at + length}`);
    const b = Buffer.from(data, at, length);
    at += length;
    return b;
  };
  const names: string[] = new Array(view.getUint16(4, true));
  for (let n = 0; n < names.length; n++) {
    const length = view.getUint16(at, true);
    at += 2;
    names[n] = slice(length).toString('utf8');
  }
  for (let i = 0; i < count; i++) {
    const offset = view.getFloat64(at, true);
    const timestampMs = view.getFloat64(at + 8, true);
    const keyLength = view.getInt32(at + 16, true);
    const valueLength = view.getInt32(at + 20, true);
    const entries = view.getUint16(at + 24, true);
    at += RECORD_FIXED;
    let headers: Record<string, HeaderValue | HeaderValue[] | undefined> | undefined;
    if (entries !== NO_HEADERS) {
      headers = {};
      for (let e = 0; e < entries; e++) {
        const name = names[view.getUint16(at, true)];
        if (name === undefined) throw new RangeError(`a packed header names index ${view.getUint16(at, true)} of ${names.length} names`);
        const flags = view.getUint8(at + 2);
        const length = view.getInt32(at + 3, true);
        at += ENTRY_FIXED;
        if (flags & UNDEFINED) {
          headers[name] = undefined;
          continue;
        }
        const raw = slice(length);
        const value: HeaderValue = flags & STRING ? raw.toString('utf8') : raw;
        if (flags & REPEATED) {
          const list = headers[name];
          if (Array.isArray(list)) list.push(value);
          else headers[name] = [value];
        } else headers[name] = value;
      }
    }
    const key = keyLength < 0 ? null : slice(keyLength);
    const value = valueLength < 0 ? null : slice(valueLength);
    records[i] =
      headers === undefined
        ? { topic, partition, offset, key, value, timestampMs }
        : { topic, partition, offset, key, value, headers, timestampMs };
  }
  return records;
}
