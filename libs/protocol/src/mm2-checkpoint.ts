/**
 * MirrorMaker 2's checkpoint records (`<alias>.checkpoints.internal` on the target), as
 * org.apache.kafka.connect.mirror.Checkpoint writes them in Kafka's protocol types:
 * key = group (STRING), topic (STRING), partition (INT32); value = version (INT16, 0),
 * upstream offset (INT64), downstream offset (INT64), metadata (STRING). STRING is an INT16
 * length and UTF-8 bytes. The topic is the target (renamed) topic.
 */
export interface Checkpoint {
  group: string;
  topic: string;
  partition: number;
  upstreamOffset: number;
  downstreamOffset: number;
  metadata: string;
}

export type CheckpointDecodeResult = { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string };

class Reader {
  private at = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  private need(n: number, field: string): void {
    if (this.at + n > this.buf.length) throw new RangeError(`${this.what}.${field}: truncated (${this.buf.length} bytes)`);
  }

  int16(field: string): number {
    this.need(2, field);
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  int64(field: string): number {
    this.need(8, field);
    const v = this.buf.readBigInt64BE(this.at);
    this.at += 8;
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${this.what}.${field}: ${v} is not an offset`);
    return Number(v);
  }

  string(field: string): string {
    const n = this.int16(`${field}.length`);
    if (n < 0) throw new RangeError(`${this.what}.${field}: negative length ${n}`);
    this.need(n, field);
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }
}

/** Decodes one checkpoint record; anything malformed is a reason naming the field, never a throw. */
export function decodeCheckpoint(key: Buffer | null, value: Buffer | null): CheckpointDecodeResult {
  if (key === null || value === null) return { ok: false, reason: key === null ? 'key: missing' : 'value: missing (a tombstone)' };
  try {
    const k = new Reader(key, 'key');
    const group = k.string('group');
    const topic = k.string('topic');
    const partition = k.int32('partition');
    const v = new Reader(value, 'value');
    const version = v.int16('version');
    if (version !== 0) return { ok: false, reason: `value.version: ${version}, only 0 is known` };
    const upstreamOffset = v.int64('upstreamOffset');
    const downstreamOffset = v.int64('offset');
    const metadata = v.string('metadata');
    if (partition < 0) return { ok: false, reason: `key.partition: ${partition} is negative` };
    return { ok: true, checkpoint: { group, topic, partition, upstreamOffset, downstreamOffset, metadata } };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** The encoding, for tests and fakes: what MirrorMaker 2 writes. */
export function encodeCheckpoint(c: Checkpoint): { key: Buffer; value: Buffer } {
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeInt16BE(b.length);
    return Buffer.concat([len, b]);
  };
  const part = Buffer.alloc(4);
  part.writeInt32BE(c.partition);
  const nums = Buffer.alloc(18);
  nums.writeInt16BE(0, 0);
  nums.writeBigInt64BE(BigInt(c.upstreamOffset), 2);
  nums.writeBigInt64BE(BigInt(c.downstreamOffset), 10);
  return { key: Buffer.concat([str(c.group), str(c.topic), part]), value: Buffer.concat([nums, str(c.metadata)]) };
}

/** MirrorMaker 2's checkpoints topic for a source alias (both replication policies). */
export function checkpointsTopic(sourceAlias: string): string {
  return `${sourceAlias}.checkpoints.internal`;
}
