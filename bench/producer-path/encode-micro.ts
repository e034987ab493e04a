/**
 * Per-record cost of the parts of the producer's path that touch a record's bytes, each alone in a tight loop:
 * the payload source, RecordEncoder.encode (compact), RecordBatchWriter.append (the batch addon's packing), and the
 * producer's path for compact records: the header written straight into the batch (compactHeader, appendWithHeader).
 *   npx tsx bench/producer-path/encode-micro.ts [--size=100] [--records=2000000]
 */
import { RecordEncoder, randomPayloadSource } from '@mirrorlab/protocol';
import { RecordBatchWriter } from '../../libs/rdkafka-batch/src/record-batch';

const arg = (name: string, fallback: string): string => process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const SIZE = Number(arg('size', '100'));
const RECORDS = Number(arg('records', '2000000'));

const encoder = new RecordEncoder({ scenarioId: 'bench-0123456789', producerId: 'producer-0' }, 'compact');
const keys = Array.from({ length: 600 }, (_, i) => encoder.keyBytes(`producer-0/k${i}-abcdefgh`));
const payloads = randomPayloadSource({ size: SIZE, seed: 1 });
const batch = new RecordBatchWriter(1 << 20);

function timed(name: string, body: (i: number) => void): void {
  for (let i = 0; i < RECORDS / 10; i++) body(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) body(i);
  const ns = Number(process.hrtime.bigint() - t0) / RECORDS;
  console.log(`${name.padEnd(40)} ${ns.toFixed(1)} ns/record`);
}

const now = Date.now() * 1000;

/** The i-th record of the stream, encoded into buffers of its own (RecordEncoder.encode). */
function encodeOne(i: number) {
  const payload = payloads.next();
  return encoder.encode({
    keyEpoch: 0,
    seq: i >> 4,
    sendTimeUs: now + i,
    scheduledTimeUs: now + i - 30,
    key: keys[i % 600]!,
    payload,
    payloadChecksum: payloads.lastChecksum(),
  });
}
for (let round = 0; round < 2; round++) {
  timed('payload next + lastChecksum', () => {
    payloads.next();
    payloads.lastChecksum();
  });
  timed('encode (compact)', encodeOne);
  timed('encode + batch append', (i) => {
    const r = encodeOne(i);
    batch.append(i, i % 6, r.key, r.value, r.headers);
    if (batch.count >= 1000) batch.clear();
  });
  timed('compactHeader + appendWithHeader', (i) => {
    const payload = payloads.next();
    const key = keys[i % 600]!;
    const header = encoder.compactHeader(0, i >> 4, now + i, now + i - 30, key, payloads.lastChecksum());
    batch.appendWithHeader(i, i % 6, key, payload, header);
    if (batch.count >= 1000) batch.clear();
  });
}
