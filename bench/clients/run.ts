/**
 * Kafka clients side by side on the running lab, in one run (issue 9: choose the data-plane client by
 * measurement): kafkajs, @confluentinc/kafka-javascript (librdkafka) and @platformatic/kafka, each in a
 * process of its own (bench/clients/worker.ts), against Kafka's ProducerPerformance with the same
 * settings (acks=all, idempotent, batch.size 256 KiB, linger.ms 5, 6 partitions RF 3):
 *   - producer records/s and MiB/s at 100 B and 1 KiB, explicit partitions, CPU of the process;
 *   - consumer records/s reading a backlog of 1 KiB records from the start, CPU of the process.
 *
 *   npx tsx bench/clients/run.ts     # needs a running lab (MIRRORLAB_LAB_DIR); writes RESULTS.md and results.json
 *
 * Every topic it creates is deleted at the end. Not part of `npm test`: timing lives here, never in tests.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  PRODUCER_PERFORMANCE_MAIN,
  TOOL_JVM,
  cachedKafkaDist,
  ensureKafkaDist,
  findLab,
  javaArgs,
  log4jConfigPath,
  type LabState,
} from '@mirrorlab/lab';

const CLIENTS = ['librdkafka', 'kafkajs', 'platformatic'] as const;
type Client = (typeof CLIENTS)[number];
const PARTITIONS = 6;
const BATCH_BYTES = 262_144;
const LINGER_MS = 5;
const RECORDS = { 100: 150_000, 1024: 60_000 } as Record<number, number>;
const BACKLOG = 150_000;
const TAG = randomBytes(2).toString('hex');
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const fmt = (n: number, d = 0) => n.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });

interface Sample {
  records: number;
  seconds: number;
  recordsPerSec: number;
  MiBps: number;
  cpuPct: number;
  error?: string;
}

const topics: string[] = [];

async function createTopic(lab: LabState, name: string): Promise<string> {
  const admin = new Kafka({ clientId: 'bench-clients', brokers: lab.source.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: PARTITIONS, replicationFactor: 3 }] });
    topics.push(name);
    return name;
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopics(lab: LabState): Promise<void> {
  if (topics.length === 0) return;
  const admin = new Kafka({ clientId: 'bench-clients', brokers: lab.source.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
  await admin.disconnect();
}

function runProcess(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function worker(
  lab: LabState,
  client: Client,
  mode: 'produce' | 'consume',
  topic: string,
  size: number,
  records: number,
): Promise<Sample> {
  const job = {
    client,
    mode,
    brokers: lab.source.bootstrap,
    topic,
    partitions: PARTITIONS,
    size,
    records,
    batchBytes: BATCH_BYTES,
    lingerMs: LINGER_MS,
  };
  // This Node (24, whose ABI the librdkafka binding is built for), with tsx as a loader.
  const r = await runProcess(process.execPath, ['--import', 'tsx', join(__dirname, 'worker.ts'), JSON.stringify(job)]);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.code !== 0 || !line.startsWith('{'))
    return {
      records: 0,
      seconds: 0,
      recordsPerSec: 0,
      MiBps: 0,
      cpuPct: 0,
      error: r.stderr.trim().split('\n').slice(0, 3).join(' ').slice(0, 300),
    };
  return JSON.parse(line) as Sample;
}

const PERF_SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/;

async function perf(lab: LabState, libsDir: string, topic: string, size: number, records: number): Promise<Sample> {
  const args = javaArgs({
    libsDir,
    log4jConfig: log4jConfigPath(lab),
    jvm: TOOL_JVM,
    mainClass: PRODUCER_PERFORMANCE_MAIN,
    args: [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(size),
      '--throughput',
      '-1',
      '--bootstrap-server',
      lab.source.bootstrap,
      '--command-property',
      'acks=all',
      'enable.idempotence=true',
      `batch.size=${BATCH_BYTES}`,
      `linger.ms=${LINGER_MS}`,
    ],
  });
  const t0 = Date.now();
  const r = await runProcess('java', args);
  const m = PERF_SUMMARY.exec(r.stdout + r.stderr);
  if (!m) return { records: 0, seconds: 0, recordsPerSec: 0, MiBps: 0, cpuPct: 0, error: (r.stdout + r.stderr).slice(-300) };
  return { records: Number(m[1]), seconds: (Date.now() - t0) / 1000, recordsPerSec: Number(m[2]), MiBps: Number(m[3]), cpuPct: Number.NaN };
}

async function main(): Promise<void> {
  const lab = findLab();
  const dist = cachedKafkaDist() ?? (await ensureKafkaDist({ log }));
  const startedAt = new Date();
  const load0 = loadavg()[0];
  const producer: Record<string, Record<number, Sample>> = {};
  const consumer: Record<string, Sample> = {};
  try {
    for (const size of [100, 1024]) {
      // Interleaved, ProducerPerformance first and last: the machine's load drifts during a run.
      const order: Array<Client | 'perf'> = ['perf', ...CLIENTS, 'perf'];
      for (const [i, who] of order.entries()) {
        const topic = await createTopic(lab, `ml.cbench-${TAG}-${size}-${i}`);
        const s =
          who === 'perf'
            ? await perf(lab, dist.libsDir, topic, size, RECORDS[size])
            : await worker(lab, who, 'produce', topic, size, RECORDS[size]);
        const key = who === 'perf' ? 'ProducerPerformance' : who;
        // ProducerPerformance runs twice; keep the better of the two (the conservative ratio).
        if (!(producer[key]?.[size]?.recordsPerSec >= s.recordsPerSec)) (producer[key] ??= {})[size] = s;
        log(
          `${key} produce ${size} B: ${s.error ? `ERROR ${s.error}` : `${fmt(s.recordsPerSec)} records/s, ${fmt(s.MiBps, 2)} MiB/s, CPU ${fmt(s.cpuPct)}%`}`,
        );
      }
    }
    const backlog = await createTopic(lab, `ml.cbench-${TAG}-backlog`);
    const w = await worker(lab, 'librdkafka', 'produce', backlog, 1024, BACKLOG);
    log(`backlog of ${fmt(BACKLOG)} x 1 KiB written (${w.error ?? `${fmt(w.recordsPerSec)} records/s`})`);
    for (const client of CLIENTS) {
      const s = await worker(lab, client, 'consume', backlog, 1024, BACKLOG);
      consumer[client] = s;
      log(
        `${client} consume 1 KiB backlog: ${s.error ? `ERROR ${s.error}` : `${fmt(s.recordsPerSec)} records/s, ${fmt(s.MiBps, 2)} MiB/s, CPU ${fmt(s.cpuPct)}%`}`,
      );
    }
  } finally {
    await deleteTopics(lab);
  }

  const pp = producer.ProducerPerformance;
  const ratio = (c: Client, size: number) => (producer[c]?.[size]?.recordsPerSec ?? 0) / pp[size].recordsPerSec;
  // The winner: the best producer at 1 KiB among clients that also completed every run.
  const ok = CLIENTS.filter((c) => [100, 1024].every((s) => !producer[c]?.[s]?.error) && !consumer[c]?.error);
  const winner = [...ok].sort((a, b) => ratio(b, 1024) + ratio(b, 100) - (ratio(a, 1024) + ratio(a, 100)))[0];
  const results = {
    client: winner === 'librdkafka' ? '@confluentinc/kafka-javascript' : winner === 'platformatic' ? '@platformatic/kafka' : 'kafkajs',
    producer_vs_perf_tool: { '100B': round(ratio(winner, 100)), '1KiB': round(ratio(winner, 1024)) },
    validator_records_per_s_1KiB: Math.round(consumer[winner]?.recordsPerSec ?? 0),
    measured: startedAt.toISOString(),
    settings: {
      acks: 'all',
      idempotent: true,
      batchBytes: BATCH_BYTES,
      lingerMs: LINGER_MS,
      partitions: PARTITIONS,
      replicationFactor: 3,
      records: RECORDS,
      backlog: BACKLOG,
    },
    producer: Object.fromEntries(
      Object.entries(producer).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([s, x]) => [`${s}B`, slim(x)]))]),
    ),
    consumer_1KiB: Object.fromEntries(Object.entries(consumer).map(([k, v]) => [k, slim(v)])),
    machine: {
      cpus: cpus().length,
      loadavg1AtStart: round(load0),
      loadavg1AtEnd: round(loadavg()[0]),
      kafka: lab.kafkaVersion,
      labMode: lab.mode,
    },
  };
  writeFileSync(join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(__dirname, 'RESULTS.md'), markdown(results, producer, consumer));
  log(
    `results.json written: ${JSON.stringify({ client: results.client, producer_vs_perf_tool: results.producer_vs_perf_tool, validator_records_per_s_1KiB: results.validator_records_per_s_1KiB })}`,
  );
}

function markdown(
  results: { client: string; measured: string; machine: Record<string, unknown> },
  producer: Record<string, Record<number, Sample>>,
  consumer: Record<string, Sample>,
): string {
  const cell = (x: Sample | undefined) =>
    !x
      ? 'n/a'
      : x.error
        ? `error: ${x.error.slice(0, 80)}`
        : `${fmt(x.recordsPerSec)} rec/s, ${fmt(x.MiBps, 2)} MiB/s${Number.isNaN(x.cpuPct) ? '' : `, CPU ${fmt(x.cpuPct)}%`}`;
  const pp = producer.ProducerPerformance ?? {};
  const ratio = (k: string, size: number) =>
    producer[k]?.[size]?.recordsPerSec && pp[size]?.recordsPerSec
      ? (producer[k][size].recordsPerSec / pp[size].recordsPerSec).toFixed(2) + 'x'
      : 'n/a';
  return [
    '# Kafka clients side by side (bench/clients)',
    '',
    `- Measured: ${results.measured}; machine: ${JSON.stringify(results.machine)}`,
    '- Command: `npx tsx bench/clients/run.ts` against a running lab (MIRRORLAB_LAB_DIR); figures also in results.json',
    `- Producers: acks=all, idempotent, explicit partitions round-robin over 6 partitions (RF 3), batch.size ${BATCH_BYTES} B, linger.ms ${LINGER_MS}; ` +
      `${fmt(RECORDS[100])} records of 100 B, ${fmt(RECORDS[1024])} of 1 KiB; each client in a process of its own (CPU = that process, 100% = one core). ` +
      'ProducerPerformance ran twice per size (first and last, the load drifts); the better run is the reference (the conservative ratio).',
    `- Consumers: read a backlog of ${fmt(BACKLOG)} records of 1 KiB from the start (no checking, the raw client).`,
    '- The 2 cores also run both 3-broker clusters, MirrorMaker 2 and other engineers\u2019 work: read ratios within this run, not absolute capacity.',
    '',
    '| client | producer 100 B | vs ProducerPerformance | producer 1 KiB | vs ProducerPerformance | consumer 1 KiB backlog |',
    '| --- | --- | --- | --- | --- | --- |',
    `| ProducerPerformance (Java) | ${cell(pp[100])} | 1.00x | ${cell(pp[1024])} | 1.00x | |`,
    ...CLIENTS.map(
      (c) =>
        `| ${c} | ${cell(producer[c]?.[100])} | ${ratio(c, 100)} | ${cell(producer[c]?.[1024])} | ${ratio(c, 1024)} | ${cell(consumer[c])} |`,
    ),
    '',
    `Chosen for the producer: **${results.client}** (best producer ratios among the clients that completed every run).`,
    '',
  ].join('\n');
}

const round = (x: number) => Math.round(x * 100) / 100;
const slim = (s: Sample) =>
  s.error
    ? { error: s.error }
    : { recordsPerSec: Math.round(s.recordsPerSec), MiBps: round(s.MiBps), cpuPct: Number.isNaN(s.cpuPct) ? null : Math.round(s.cpuPct) };

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
