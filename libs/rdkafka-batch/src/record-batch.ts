/** Header names whose bytes a writer keeps (more distinct names than this start the cache over). */
const MAX_KEPT_NAMES = 256;

/**
 * One header whose value the writer writes straight into the batch (no buffer of its own per record): a producer's
 * meta header (libs/protocol's CompactHeader has this shape).
 */
export interface WrittenHeader {
  readonly name: string;
  /** The value's bytes. */
  readonly length: number;
  /** Writes the value at `at` of `out`, which has room for `length` bytes there. */
  writeInto(out: Uint8Array, at: number): void;
}

/**
 * Packs records for the native producer's `produceBatch`: one buffer for many records, so that
 * JavaScript crosses into C++ once per batch instead of once per record. Per record, little endian:
 *
 *   u32 id · i32 partition · u32 key length · u16 header count · key · u32 value length · value ·
 *   per header: u16 name length · name (UTF-8) · u32 value length · value
 *
 * native/batch_producer.cc reads the same layout; the id comes back in the record's delivery report.
 */
export class RecordBatchWriter {
  private buf: Buffer;
  private at = 0;
  private n = 0;
  private readonly names = new Map<string, Buffer>();
  /** The name asked for last and its bytes (a producer's records carry the same header). */
  private lastName = '';
  private lastNameBytes: Buffer | undefined;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get count(): number {
    return this.n;
  }

  get byteLength(): number {
    return this.at;
  }

  append(id: number, partition: number, key: Uint8Array, value: Uint8Array, headers: Readonly<Record<string, Uint8Array>>): void {
    let headerCount = 0;
    let headerBytes = 0;
    for (const name in headers) {
      headerCount += 1;
      headerBytes += 6 + this.nameBytes(name).length + headers[name]!.length;
    }
    if (headerCount > 0xffff) throw new RangeError(`a record may carry at most 65535 headers, not ${headerCount}`);
    this.reserve(18 + key.length + value.length + headerBytes);
    const b = this.buf;
    let at = this.at;
    b.writeUInt32LE(id >>> 0, at);
    b.writeInt32LE(partition, at + 4);
    b.writeUInt32LE(key.length, at + 8);
    b.writeUInt16LE(headerCount, at + 12);
    at += 14;
    b.set(key, at);
    at += key.length;
    b.writeUInt32LE(value.length, at);
    at += 4;
    b.set(value, at);
    at += value.length;
    for (const name in headers) {
      const v = headers[name]!;
      const nameBytes = this.nameBytes(name);
      b.writeUInt16LE(nameBytes.length, at);
      b.set(nameBytes, at + 2);
      at += 2 + nameBytes.length;
      b.writeUInt32LE(v.length, at);
      b.set(v, at + 4);
      at += 4 + v.length;
    }
    this.at = at;
    this.n += 1;
  }

  /** `append` with one header, which writes its value into the batch itself. */
  appendWithHeader(id: number, partition: number, key: Uint8Array, value: Uint8Array, header: WrittenHeader): void {
    const nameBytes = this.nameBytes(header.name);
    const length = header.length;
    this.reserve(24 + key.length + value.length + nameBytes.length + length);
    const b = this.buf;
    // Plain byte stores (reserve made room): Buffer's checked writeUInt32LE five times was a tenth of this method.
    let at = u32(b, this.at, id >>> 0);
    at = u32(b, at, partition >>> 0);
    at = u32(b, at, key.length);
    b[at] = 1;
    b[at + 1] = 0;
    at = copySmall(b, at + 2, key);
    at = u32(b, at, value.length);
    b.set(value, at);
    at += value.length;
    b[at] = nameBytes.length & 255;
    b[at + 1] = nameBytes.length >>> 8;
    at = copySmall(b, at + 2, nameBytes);
    at = u32(b, at, length);
    header.writeInto(b, at);
    this.at = at + length;
    this.n += 1;
  }

  /** The packed records, as a view valid until the next append, drop or clear. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  /** Drops the first `records` records (those the producer took), keeping the rest packed. */
  dropFirst(records: number): void {
    if (records >= this.n) return this.clear();
    let at = 0;
    for (let i = 0; i < records; i++) at = this.skip(at);
    this.buf.copy(this.buf, 0, at, this.at);
    this.at -= at;
    this.n -= records;
  }

  /** The id of the record at `index`. */
  idAt(index: number): number {
    let at = 0;
    for (let i = 0; i < index; i++) at = this.skip(at);
    return this.buf.readUInt32LE(at);
  }

  clear(): void {
    this.at = 0;
    this.n = 0;
  }

  private skip(at: number): number {
    const b = this.buf;
    const headerCount = b.readUInt16LE(at + 12);
    at += 14 + b.readUInt32LE(at + 8);
    at += 4 + b.readUInt32LE(at);
    for (let h = 0; h < headerCount; h++) {
      at += 2 + b.readUInt16LE(at);
      at += 4 + b.readUInt32LE(at);
    }
    return at;
  }

  /** A header name's UTF-8, kept: a producer writes the same few names on every record. */
  private nameBytes(name: string): Buffer {
    if (name === this.lastName && this.lastNameBytes !== undefined) return this.lastNameBytes;
    let bytes = this.names.get(name);
    if (bytes === undefined) {
      bytes = Buffer.from(name, 'utf8');
      if (bytes.length > 0xffff) throw new RangeError(`header name longer than 65535 bytes: ${name.slice(0, 40)}...`);
      if (this.names.size >= MAX_KEPT_NAMES) this.names.clear();
      this.names.set(name, bytes);
    }
    this.lastName = name;
    this.lastNameBytes = bytes;
    return bytes;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/** `n` (below 2^32) at `at` of `out`, little endian; the index after it. */
function u32(out: Uint8Array, at: number, n: number): number {
  out[at] = n & 255;
  out[at + 1] = (n >>> 8) & 255;
  out[at + 2] = (n >>> 16) & 255;
  out[at + 3] = n >>> 24;
  return at + 4;
}

/** Copies `bytes` to `at` of `out`, a byte at a time when short (a key, a header name: the call to set costs more); the index after them. */
function copySmall(out: Uint8Array, at: number, bytes: Uint8Array): number {
  if (bytes.length > 64) out.set(bytes, at);
  else for (let i = 0; i < bytes.length; i++) out[at + i] = bytes[i]!;
  return at + bytes.length;
}
