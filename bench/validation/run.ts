/**
 * Checker benchmark: records/s validated on one core, serialized state per key,
 * and proof that state size does not grow with the number of records.
 *
 *   npx tsx bench/validation/run.ts            # full run, writes bench/validation/RESULTS.md
 *   npx tsx bench/validation/run.ts --quick    # 1M instead of 10M, prints only
 *
 * Timing lives here, never in tests.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { LatencyHistograms, reconcile, ValidatorState, type Observation, type ProducerReport } from '@mirrorlab/validation';

const KEYS = 1_000;
const PRODUCERS = 4;
const PARTITIONS = 12;
const TOPIC = 'mirror.bench';
const quick = process.argv.includes('--quick');

interface Stream {
  keyNames: string[];
  producerOf: number[];
  partitionOf: number[];
  producerNames: string[];
}

function stream(): Stream {
  const keyNames = Array.from({ length: KEYS }, (_, k) => `key-${k}`);
  return {
    keyNames,
    producerOf: keyNames.map((_, k) => k % PRODUCERS),
    partitionOf: keyNames.map((_, k) => k % PARTITIONS),
    producerNames: Array.from({ length: PRODUCERS }, (_, p) => `producer-${p}`),
  };
}

/**
 * Feeds records `from..to-1` of an in-order stream: record i is key i mod KEYS
 * with seq floor(i / KEYS). `dropEvery` > 0 skips every n-th record (a loss).
 * One mutable observation is reused, so the loop measures the checker, not the generator.
 */
function feed(state: ValidatorState, s: Stream, from: number, to: number, latency?: LatencyHistograms, dropEvery = 0): void {
  const nextOffset = new Array<number>(PARTITIONS).fill(0);
  for (let i = 0; i < from; i++) nextOffset[s.partitionOf[i % KEYS]]++;
  const o: Observation = {
    topic: TOPIC,
    partition: 0,
    offset: 0,
    producerId: '',
    keyEpoch: 0,
    key: '',
    seq: 0,
    sendTimeUs: 0,
    arrivalUs: 0,
  };
  for (let i = from; i < to; i++) {
    const k = i % KEYS;
    // A dropped record never reaches the target, so it takes no target offset.
    if (dropEvery > 0 && i % dropEvery === dropEvery - 1) continue;
    const partition = s.partitionOf[k];
    const offset = nextOffset[partition]++;
    o.partition = partition;
    o.offset = offset;
    o.producerId = s.producerNames[s.producerOf[k]];
    o.key = s.keyNames[k];
    o.seq = (i - k) / KEYS;
    o.sendTimeUs = 1_700_000_000_000_000 + i * 10;
    o.arrivalUs = o.sendTimeUs + 2_000 + (i % 997);
    // As the validator computes it from the record's two checksums.
    o.fingerprint = Math.imul(i, 0x9e3779b1);
    state.observe(o);
    latency?.record(o.arrivalUs, o.arrivalUs - o.sendTimeUs);
  }
}

/** Same stream, but each record is a new object, as a record decoder would hand them over. */
function feedFreshObjects(state: ValidatorState, s: Stream, to: number): void {
  const nextOffset = new Array<number>(PARTITIONS).fill(0);
  for (let i = 0; i < to; i++) {
    const k = i % KEYS;
    const partition = s.partitionOf[k];
    const sendTimeUs = 1_700_000_000_000_000 + i * 10;
    state.observe({
      topic: TOPIC,
      partition,
      offset: nextOffset[partition]++,
      producerId: s.producerNames[s.producerOf[k]],
      keyEpoch: 0,
      key: s.keyNames[k],
      seq: (i - k) / KEYS,
      sendTimeUs,
      arrivalUs: sendTimeUs + 2_000,
    });
  }
}

function reportsFor(s: Stream, records: number): ProducerReport[] {
  const perKey = records / KEYS;
  return s.producerNames.map((producerId, p) => ({
    producerId,
    keys: s.keyNames
      .filter((_, k) => s.producerOf[k] === p)
      .map((key) => ({ keyEpoch: 0, key, acked: [[0, perKey - 1] as [number, number]], failed: [], indeterminate: [] })),
  }));
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const mrec = (n: number, ms: number) => ((n / ms) * 1000) / 1e6;

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

/** Median of `runs` timings: the machine is shared, so one run can be an outlier. */
function median(runs: number, f: () => void): number {
  const ms = Array.from({ length: runs }, () => time(f)[1]).sort((a, b) => a - b);
  return ms[Math.floor(runs / 2)];
}

function main(): void {
  const s = stream();
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };

  // Warm up the JIT on a separate state so the measured run is steady-state.
  feed(new ValidatorState(), s, 0, 300_000);

  const N = 2_000_000;
  const observeMs = median(5, () => feed(new ValidatorState(), s, 0, N));
  const freshObjectsMs = median(5, () => feedFreshObjects(new ValidatorState(), s, N));
  const withLatencyMs = median(5, () => feed(new ValidatorState(), s, 0, N, new LatencyHistograms()));
  say(
    `| observe only, ${N.toLocaleString('en')} in-order records, ${KEYS} keys, ${PARTITIONS} partitions | ${mrec(N, observeMs).toFixed(2)} M records/s |`,
  );
  say(
    `| observe only, a new Observation object per record (as a decoder would give) | ${mrec(N, freshObjectsMs).toFixed(2)} M records/s |`,
  );
  say(`| observe + latency histograms (1 s windows + whole run) | ${mrec(N, withLatencyMs).toFixed(2)} M records/s |`);

  const sizes: Array<[number, number, number, number, number]> = [];
  const big = quick ? 1_000_000 : 10_000_000;
  for (const records of [10_000, 1_000_000, big].filter((v, i, a) => a.indexOf(v) === i)) {
    const state = new ValidatorState();
    const [, ms] = time(() => feed(state, s, 0, records));
    const snapshot = state.toSnapshot();
    const fingerprints = snapshot.partitions.reduce((sum, p) => sum + bytes(p.fingerprints ?? {}), 0);
    const inMemory = state.partitionStates().reduce((sum, p) => sum + p.fingerprints.bytes, 0);
    sizes.push([records, bytes(snapshot) - fingerprints, ms, fingerprints, inMemory]);
  }
  for (const [records, size, ms] of sizes) {
    say(
      `| state after ${records.toLocaleString('en')} in-order records (fed in ${(ms / 1000).toFixed(1)} s), offset fingerprints left out | ${size.toLocaleString('en')} B, ${(size / KEYS).toFixed(0)} B/key |`,
    );
  }
  for (const [records, , , json, memory] of sizes) {
    say(
      `| offset fingerprints (inconsistent-offset check) after ${records.toLocaleString('en')} records | ${memory.toLocaleString('en')} B in memory (5 KiB segments), ` +
        `${json.toLocaleString('en')} B in the snapshot, ${(json / records).toFixed(3)} B/record |`,
    );
  }

  const lossy = new ValidatorState();
  feed(lossy, s, 0, 1_000_000, undefined, 1_009);
  say(
    `| state after 1,000,000 records with every 1009th dropped (~990 gaps), fingerprints and gap openers included | ${bytes(lossy.toSnapshot()).toLocaleString('en')} B, ${(bytes(lossy.toSnapshot()) / KEYS).toFixed(0)} B/key |`,
  );

  const full = new ValidatorState();
  feed(full, s, 0, 1_000_000);
  const reports = reportsFor(s, 1_000_000);
  const acc = reconcile(full, reports);
  if (acc.lost.count + acc.unseen.count + acc.unexpected.count + acc.duplicate.count !== 0) throw new Error('bench stream is not clean');
  const reconcileMs = median(5, () => reconcile(full, reports));
  const lossyAcc = reconcile(lossy, reports);
  const lossyReconcileMs = median(5, () => reconcile(lossy, reports));
  say(`| reconcile 1,000 keys, clean | ${reconcileMs.toFixed(1)} ms |`);
  say(`| reconcile 1,000 keys, ${lossyAcc.lost.count.toLocaleString('en')} lost | ${lossyReconcileMs.toFixed(1)} ms |`);

  const half = new ValidatorState();
  feed(half, s, 0, 500_000);
  const snapA = JSON.stringify(half.releasePartitions(TOPIC, [0, 1, 2, 3, 4, 5]));
  const snapB = JSON.stringify(half.toSnapshot());
  const mergeMs = median(5, () =>
    ValidatorState.merge(ValidatorState.fromSnapshot(JSON.parse(snapA)), ValidatorState.fromSnapshot(JSON.parse(snapB))),
  );
  say(`| parse two snapshots (500 keys each) + merge | ${mergeMs.toFixed(1)} ms |`);

  const hist = new LatencyHistograms();
  feed(new ValidatorState(), s, 0, 1_000_000, hist);
  const windows = hist.windows([50]).length;
  say(`| latency snapshot, ${windows} windows of 1 s | ${bytes(hist.toSnapshot()).toLocaleString('en')} B |`);

  const header = [
    '# Checker benchmark (libs/validation)',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; one core used`,
    `- Node ${process.version}`,
    '- Command: `npx tsx bench/validation/run.ts`',
    `- Stream: ${PRODUCERS} producers, ${KEYS} keys over ${PARTITIONS} partitions, record i = key i mod ${KEYS}, seq floor(i / ${KEYS}).`,
    '',
    'Throughput and reconcile/merge times are the median of 5 runs (the machine is shared).',
    'In-order state is one range per key and partition whatever the record count; the few bytes it',
    'gains from 10k to 10M records are longer numbers in the JSON. Latency histograms are not in the',
    'validator state (a separate snapshot). The offset fingerprints that catch an offset re-read with',
    'other content (inconsistent-offset) are the one part that grows with records: 5 bytes per block of',
    '64 offsets (an Int32 XOR and a count), in 5 KiB segments of 1024 blocks per 65,536 offsets of a',
    'partition (a partially filled segment costs the whole 5 KiB in memory; the snapshot holds only',
    'blocks read, base64).',
    '',
    '| measure | result |',
    '| --- | --- |',
  ];
  if (!quick) writeFileSync(join(__dirname, 'RESULTS.md'), [...header, ...lines, ''].join('\n'));
}

main();
