/**
 * The consumer-validator's per-record CPU on each of its two threads, without Kafka: the fetch thread's
 * share (kafkajs-shaped records -> packed batch) and the checking thread's (packed batch -> unpacked ->
 * checked, counted and timed, as validation-run.ts does). 1 KiB records in the compact encoding (the default),
 * 1,000 per batch, 6 partitions, 2,000 keys (`--encoding=headers` for the 8-9 header encoding). A micro-benchmark to compare changes to the hot path; the
 * validator's real rate is measured on the lab by bench/producer/run.ts --only=validator.
 *
 *   npx tsx bench/validator/threads.ts [--records=600000] [--rounds=5] [--encoding=compact]
 */
import { encodeRecord, type RecordEncoding } from '@mirrorlab/protocol';
import { ValidatorState } from '@mirrorlab/validation';
import { Registry } from 'prom-client';
import { packRecords, unpackRecords } from '../../services/consumer-validator/src/packed-batch';
import { PendingLatency } from '../../services/consumer-validator/src/pending-latency';
import { intakeBatch, type IntakeTarget, type TargetRecord } from '../../services/consumer-validator/src/record-intake';
import { ValidatorMetrics } from '../../services/consumer-validator/src/validator-metrics';

const arg = (name: string, fallback: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.split('=')[1]);
};
const RECORDS = arg('records', 600_000);
const ROUNDS = arg('rounds', 5);
const ENCODING = (process.argv.find((x) => x.startsWith('--encoding='))?.split('=')[1] ?? 'compact') as RecordEncoding;
const BATCH = 1000;
const PARTITIONS = 6;
const KEYS = 2000;
const TOPIC = 'mirror.bench';
const SCENARIO = 'bench';

/** kafkajs-shaped batches of one partition each: what the fetch thread's source hands over. */
function fetchedBatches(): Array<{ partition: number; records: TargetRecord[] }> {
  const payload = Buffer.alloc(1024, 7);
  const seqs = new Array<number>(KEYS).fill(0);
  const offsets = new Array<number>(PARTITIONS).fill(0);
  const byPartition: TargetRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  const batches: Array<{ partition: number; records: TargetRecord[] }> = [];
  const now = Date.now();
  for (let i = 0; i < RECORDS; i++) {
    const k = i % KEYS;
    const partition = k % PARTITIONS;
    const sendTimeUs = (now - 1000) * 1000 + i;
    const e = encodeRecord({
      meta: { scenarioId: SCENARIO, producerId: `producer-${k % 2}`, keyEpoch: 0, seq: seqs[k]++, sendTimeUs, scheduledTimeUs: sendTimeUs },
      // As key-plan keys: the producer id first (the compact encoding reads it from there).
      key: `producer-${k % 2}/key-${k.toString(36).padStart(8, '0')}`,
      payload,
      encoding: ENCODING,
    });
    const list = byPartition[partition];
    list.push({ topic: TOPIC, partition, offset: offsets[partition]++, key: e.key, value: e.value, headers: e.headers, timestampMs: now });
    if (list.length === BATCH) {
      batches.push({ partition, records: list.splice(0) });
    }
  }
  for (const [partition, records] of byPartition.entries()) if (records.length > 0) batches.push({ partition, records });
  return batches;
}

function main(): void {
  const batches = fetchedBatches();
  const n = batches.reduce((a, b) => a + b.records.length, 0);
  const rows: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const target: IntakeTarget = {
      scenarioId: SCENARIO,
      state: new ValidatorState(),
      pending: new PendingLatency(),
      measuresReplication: true,
      metrics: new ValidatorMetrics(new Registry()),
    };
    let fetchMs = 0;
    let checkMs = 0;
    let checked = 0;
    for (const b of batches) {
      const t0 = performance.now();
      const { data } = packRecords(b.records);
      const t1 = performance.now();
      const records = unpackRecords(TOPIC, b.partition, data);
      checked += intakeBatch(target, TOPIC, b.partition, records, Date.now() * 1000).checked;
      const t2 = performance.now();
      fetchMs += t1 - t0;
      checkMs += t2 - t1;
    }
    if (checked !== n) throw new Error(`checked ${checked} of ${n} records`);
    const inOrder = target.state.positions().length;
    rows.push(
      `round ${round}: fetch thread (pack) ${((fetchMs * 1000) / n).toFixed(2)} us/record, ` +
        `checking thread (unpack, check) ${((checkMs * 1000) / n).toFixed(2)} us/record (${inOrder} positions)`,
    );
    console.log(rows[rows.length - 1]);
  }
}

main();
