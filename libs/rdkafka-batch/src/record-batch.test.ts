import fc from 'fast-check';
import { RecordBatchWriter } from './record-batch';

interface Packed {
  id: number;
  partition: number;
  key: Buffer;
  value: Buffer;
  headers: Array<[string, Buffer]>;
}

/** Reads the layout native/batch_producer.cc reads, independently of the writer. */
function readBatch(b: Buffer, count: number): Packed[] {
  const out: Packed[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const id = b.readUInt32LE(at);
    const partition = b.readInt32LE(at + 4);
    const keyLength = b.readUInt32LE(at + 8);
    const headerCount = b.readUInt16LE(at + 12);
    at += 14;
    const key = Buffer.from(b.subarray(at, at + keyLength));
    at += keyLength;
    const valueLength = b.readUInt32LE(at);
    at += 4;
    const value = Buffer.from(b.subarray(at, at + valueLength));
    at += valueLength;
    const headers: Array<[string, Buffer]> = [];
    for (let h = 0; h < headerCount; h++) {
      const nameLength = b.readUInt16LE(at);
      const name = b.toString('utf8', at + 2, at + 2 + nameLength);
      at += 2 + nameLength;
      const vLength = b.readUInt32LE(at);
      headers.push([name, Buffer.from(b.subarray(at + 4, at + 4 + vLength))]);
      at += 4 + vLength;
    }
    out.push({ id, partition, key, value, headers });
  }
  if (at !== b.length) throw new Error(`${b.length - at} bytes after the last record`);
  return out;
}

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const record = fc.record({
  id: fc.nat({ max: 0xffffffff }),
  partition: fc.integer({ min: -1, max: 10_000 }),
  key: bytes(300),
  value: bytes(3000),
  headers: fc.uniqueArray(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), bytes(40)), { selector: ([n]) => n, maxLength: 4 }),
});

function write(w: RecordBatchWriter, records: Packed[]): void {
  for (const r of records) w.append(r.id, r.partition, r.key, r.value, Object.fromEntries(r.headers));
}

test('every record reads back as written, whatever the sizes (the buffer grows from 16 bytes)', () => {
  fc.assert(
    fc.property(fc.array(record, { maxLength: 40 }), (records) => {
      const w = new RecordBatchWriter(16);
      write(w, records);
      expect(w.count).toBe(records.length);
      expect(readBatch(w.bytes(), w.count)).toEqual(records);
    }),
  );
});

test('dropFirst keeps the records after the ones taken, packed from the start; idAt names any record', () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.nat(), (records, n) => {
      const taken = n % (records.length + 1);
      const w = new RecordBatchWriter(64);
      write(w, records);
      records.forEach((r, i) => expect(w.idAt(i)).toBe(r.id));
      w.dropFirst(taken);
      expect(w.count).toBe(records.length - taken);
      expect(readBatch(w.bytes(), w.count)).toEqual(records.slice(taken));
      // Appending after a drop continues the batch.
      write(w, records.slice(0, 1));
      expect(readBatch(w.bytes(), w.count)).toEqual([...records.slice(taken), records[0]]);
    }),
  );
});

test('clear empties the batch', () => {
  const w = new RecordBatchWriter();
  w.append(7, 0, Buffer.from('k'), Buffer.from('v'), {});
  w.clear();
  expect(w.count).toBe(0);
  expect(w.bytes().length).toBe(0);
});

test('ids wrap to 32 bits', () => {
  const w = new RecordBatchWriter();
  w.append(2 ** 32 + 5, 1, Buffer.alloc(0), Buffer.alloc(0), {});
  expect(readBatch(w.bytes(), 1)[0]!.id).toBe(5);
});

/** A header that writes its value itself, as the producer's compact meta header does. */
function written(name: string, value: Buffer) {
  return { name, length: value.length, writeInto: (out: Uint8Array, at: number) => out.set(value, at) };
}

test('appendWithHeader packs what append packs with that one header, between plain records too', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(record, fc.boolean(), fc.string({ maxLength: 12 }), bytes(60)), { maxLength: 30 }), (rows) => {
      const w = new RecordBatchWriter(16);
      const expected: Packed[] = [];
      for (const [r, withHeader, name, value] of rows) {
        if (withHeader) {
          w.appendWithHeader(r.id, r.partition, r.key, r.value, written(name, value));
          expected.push({ ...r, headers: [[name, value]] });
        } else {
          write(w, [r]);
          expected.push(r);
        }
      }
      expect(readBatch(w.bytes(), w.count)).toEqual(expected);
      // dropFirst reads the records appendWithHeader packed as it reads the others.
      w.dropFirst(Math.floor(rows.length / 2));
      expect(readBatch(w.bytes(), w.count)).toEqual(expected.slice(Math.floor(rows.length / 2)));
    }),
  );
});
