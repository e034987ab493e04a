import type { OutgoingRecord } from './producer-run';

/**
 * Records on their way to the client process (CLIENT_PROCESS): one turn's records in two buffers, serialized as two
 * blocks instead of a few objects per record. A record's bytes are views of a pool or of a larger buffer, and a
 * structured clone of such a view copies its whole backing store: packing copies just the bytes.
 *
 * `strings`: the batch's topic and header names, each once. `meta`, per record: id, topic (index), partition, key
 * (offset, length), value (offset, length), header count, then per header name (index), offset, length.
 */
export interface PackedProduceBatch {
  strings: string[];
  meta: Float64Array;
  data: Uint8Array;
  count: number;
}

/** Builds a PackedProduceBatch record by record. */
export class ProduceBatchBuilder {
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private meta: number[] = [];
  private data = new Uint8Array(64 * 1024);
  private used = 0;
  private records = 0;

  get count(): number {
    return this.records;
  }

  add(id: number, topic: string, r: OutgoingRecord): void {
    const m = this.meta;
    m.push(id, this.stringOf(topic), r.partition);
    this.bytes(r.key);
    this.bytes(r.value);
    const countAt = m.length;
    m.push(0);
    let headers = 0;
    for (const name in r.headers) {
      m.push(this.stringOf(name));
      this.bytes(r.headers[name]);
      headers += 1;
    }
    m[countAt] = headers;
    this.records += 1;
  }

  /** The batch so far, and a fresh start. */
  seal(): PackedProduceBatch {
    const batch = { strings: this.strings, meta: Float64Array.from(this.meta), data: this.data.slice(0, this.used), count: this.records };
    this.strings = [];
    this.stringIndex = new Map();
    this.meta = [];
    this.used = 0;
    this.records = 0;
    return batch;
  }

  private stringOf(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.stringIndex.set(s, i);
    }
    return i;
  }

  private bytes(b: Uint8Array): void {
    if (this.used + b.length > this.data.length) {
      const grown = new Uint8Array(Math.max(this.data.length * 2, this.used + b.length));
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    this.data.set(b, this.used);
    this.meta.push(this.used, b.length);
    this.used += b.length;
  }
}

/** Calls `visit` with each record of a batch, in order; its buffers are views of the batch's data (no copies). */
export function forEachPacked(batch: PackedProduceBatch, visit: (id: number, topic: string, r: OutgoingRecord) => void): void {
  const { meta, strings } = batch;
  const data = Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength);
  let i = 0;
  for (let n = 0; n < batch.count; n++) {
    const id = meta[i];
    const topic = strings[meta[i + 1]];
    const partition = meta[i + 2];
    const key = data.subarray(meta[i + 3], meta[i + 3] + meta[i + 4]);
    const value = data.subarray(meta[i + 5], meta[i + 5] + meta[i + 6]);
    const headerCount = meta[i + 7];
    i += 8;
    const headers: Record<string, Buffer> = {};
    for (let h = 0; h < headerCount; h++, i += 3) headers[strings[meta[i]]] = data.subarray(meta[i + 1], meta[i + 1] + meta[i + 2]);
    visit(id, topic, { partition, key, value, headers });
  }
}
