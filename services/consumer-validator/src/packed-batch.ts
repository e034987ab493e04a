import type { ConsumedHeaders, HeaderValue } from '@mirrorlab/protocol';
import type { TargetRecord } from './record-intake';

/**
 * A partition's fetched records packed into one ArrayBuffer, so the fetch thread can hand a batch
 * to the checking thread by transfer (no copy, no per-record structured clone). Pure.
 *
 * Layout (little-endian): u32 count, then per record: f64 offset, f64 timestampMs, i32 key length
 * (-1: null), i32 value length (-1: null), u16 header entries (0xffff: no headers object); per entry: u16 name length, name
 * (UTF-8), u8 flags (1: the value was a string, 2: one of a repeated header's values, 4: undefined),
 * i32 value length, value; then the key and the value bytes. Unpacked keys, values and header
 * values are views of the buffer.
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

const nameBytes = new Map<string, Buffer>();
function encodedName(name: string): Buffer {
  let b = nameBytes.get(name);
  if (b === undefined) {
    b = Buffer.from(name, 'utf8');
    if (nameBytes.size < 1024) nameBytes.set(name, b);
  }
  return b;
}

const valueBytes = (v: HeaderValue): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

type Entry = { name: Buffer; flags: number; value: Uint8Array | undefined };

function entriesOf(headers: ConsumedHeaders | undefined): Entry[] | undefined {
  if (headers === undefined) return undefined;
  const entries: Entry[] = [];
  for (const [key, v] of Object.entries(headers)) {
    const name = encodedName(key);
    if (v === undefined) entries.push({ name, flags: UNDEFINED, value: undefined });
    else if (Array.isArray(v))
      for (const one of v as readonly HeaderValue[])
        entries.push({ name, flags: REPEATED | (typeof one === 'string' ? STRING : 0), value: valueBytes(one) });
    else entries.push({ name, flags: typeof v === 'string' ? STRING : 0, value: valueBytes(v as HeaderValue) });
  }
  if (entries.length >= NO_HEADERS)
    throw new RangeError(`a record has ${entries.length} header values; at most ${NO_HEADERS - 1} can be packed`);
  return entries;
}

export function packRecords(records: readonly TargetRecord[]): PackedRecords {
  const headerEntries: Array<Entry[] | undefined> = new Array(records.length);
  let size = 4;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const entries = entriesOf(r.headers);
    headerEntries[i] = entries;
    size += RECORD_FIXED + (r.key?.length ?? 0) + (r.value?.length ?? 0);
    for (const e of entries ?? []) size += ENTRY_FIXED + e.name.length + (e.value?.length ?? 0);
  }
  const data = new ArrayBuffer(size);
  const view = new DataView(data);
  const bytes = new Uint8Array(data);
  view.setUint32(0, records.length, true);
  let at = 4;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const entries = headerEntries[i];
    view.setFloat64(at, r.offset, true);
    view.setFloat64(at + 8, r.timestampMs, true);
    view.setInt32(at + 16, r.key === null ? -1 : r.key.length, true);
    view.setInt32(at + 20, r.value === null ? -1 : r.value.length, true);
    view.setUint16(at + 24, entries === undefined ? NO_HEADERS : entries.length, true);
    at += RECORD_FIXED;
    for (const e of entries ?? []) {
      view.setUint16(at, e.name.length, true);
      bytes.set(e.name, at + 2);
      at += 2 + e.name.length;
      view.setUint8(at, e.flags);
      view.setInt32(at + 1, e.value === undefined ? -1 : e.value.length, true);
      at += 5;
      if (e.value !== undefined) {
        bytes.set(e.value, at);
        at += e.value.length;
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
  let at = 4;
  const slice = (length: number): Buffer => {
    if (at + length > data.byteLength) throw new RangeError(`a packed batch ends at ${data.byteLength}, before byte ${at + length}`);
    const b = Buffer.from(data, at, length);
    at += length;
    return b;
  };
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
        const nameLength = view.getUint16(at, true);
        at += 2;
        const name = slice(nameLength).toString('utf8');
        const flags = view.getUint8(at);
        const length = view.getInt32(at + 1, true);
        at += 5;
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
