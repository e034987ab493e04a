/**
 * Producer and validator throughput against the running lab, in one run:
 *
 *  1. one producer bundle (services/producer/dist) asked for far more than it can do, acks=all,
 *     idempotent, 100 B and 1 KiB records, MAX_BATCH_RECORDS default and larger;
 *  2. Kafka's own ProducerPerformance from the lab's jars, same topic layout, same acks/idempotence, a round of it
 *     after each round of 1. (side by side: load drifting on the shared cores falls on both);
 *  3. one consumer-validator bundle reading and checking a backlog MirrorMaker 2 has mirrored.
 *
 *   npx nx run-many -t build -p producer consumer-validator
 *   npx tsx bench/producer/run.ts            # 3 samples of each, writes bench/producer/RESULTS.md
 *   npx tsx bench/producer/run.ts --quick    # 1 short sample of each, prints only
 *   npx tsx bench/producer/run.ts --only=validator     # 3., with kafka-consumer-perf-test on the same backlog
 *   npx tsx bench/producer/run.ts --only=producer-100B # 1. and 2. at 100 B only
 *   npx tsx bench/producer/run.ts --only=producer      # 1. and 2. at 100 B and 1 KiB, the default MAX_BATCH_RECORDS only
 *   --encodings=compact,single-header (the default for --only runs; any of headers, single-header, value-prefix, compact):
 *   the record encodings measured side by side in the run (the validator: one backlog each); --samples=N (default 1 for --only);
 *   --batches=100,1000,4000: the producer's MAX_BATCH_RECORDS values side by side (default 1000, and 4000 unless --only=producer);
 *   --fetch-thread=off,on: the validator's FETCH_THREAD settings side by side (default for --only=validator: both);
 *   --backlog=N: records per validator backlog; --report-interval=5s: the validator's REPORT_INTERVAL (default 1s)
 *   (--only runs write their figures to bench/producer/results.json; VALIDATOR_PROFILE_DIR / PRODUCER_PROFILE_DIR
 *   make the measured validator / producers write V8 CPU profiles there, for bench/producer/profile-summary.ts)
 *
 * Needs a running lab (MIRRORLAB_LAB_DIR, else <repo>/.lab). Every topic it creates (and its
 * mirror) is deleted and every process it starts is stopped, also on failure or Ctrl-C.
 * Timing lives here, never in tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import {
  PRODUCER_PERFORMANCE_MAIN,
  TOOL_JVM,
  cachedKafkaDist,
  ensureKafkaDist,
  findLab,
  findRepoRoot,
  javaArgs,
  log4jConfigPath,
  mirroredTopicName,
  UNMIRRORED_TOPIC_PREFIX,
  type LabState,
} from '@mirrorlab/lab';
import {
  encodeRecord,
  type EncodedRecord,
  KeyPlan,
  validateScenario,
  type RecordEncoding,
  type ScenarioSpec,
  type ScenarioSpecInput,
} from '@mirrorlab/protocol';
import { type ControlEventOf } from '@mirrorlab/control';
import { spawnService, type ServiceProcess } from '@mirrorlab/service-kit/testing';
import { ControlRecorder } from '@mirrorlab/control/testing';
import { latestPartitions, reconcile, type ProducerReport } from '@mirrorlab/validation';
import { splitThreads, ThreadCpuTracker } from '../producer-path/thread-cpu';
import { DEFAULT_BATCH_BYTES } from '../../services/producer/src/config';

const quick = process.argv.includes('--quick');
/** A part of the bench on its own (each fits in one short hold of the shared lab). */
const only = (/^--only=(validator|producer-100B|producer)$/.exec(process.argv.find((a) => a.startsWith('--only=')) ?? '') ?? [])[1] as
  'validator' | 'producer-100B' | 'producer' | undefined;
if (process.argv.some((a) => a.startsWith('--only=')) && only === undefined) {
  console.error('--only must be validator, producer-100B or producer');
  process.exit(2);
}
const KNOWN_ENCODINGS: readonly RecordEncoding[] = ['headers', 'single-header', 'value-prefix', 'compact'];
const encodingsArg = process.argv.find((a) => a.startsWith('--encodings='))?.slice('--encodings='.length);
/**
 * The record encodings measured side by side (producer samples interleaved; one validator backlog each). --only runs
 * compare the default (the binary `mb` header) with the text `ml` header unless told otherwise; the full bench
 * measures the default.
 */
const ENCODINGS: RecordEncoding[] =
  encodingsArg !== undefined
    ? (encodingsArg.split(',') as RecordEncoding[])
    : only !== undefined
      ? ['compact', 'single-header']
      : ['compact'];
if (ENCODINGS.length === 0 || ENCODINGS.some((e) => !KNOWN_ENCODINGS.includes(e))) {
  console.error(`--encodings must list some of ${KNOWN_ENCODINGS.join(', ')}, got ${encodingsArg}`);
  process.exit(2);
}
/**
 * The first encoding listed: the schedule-fidelity run, the run without the service, the bare client's records of the
 * producer's shape and ProducerPerformance's values "as long as mirrorlab records" all use its bytes.
 */
const PRIMARY_ENCODING: RecordEncoding = ENCODINGS[0];
const fetchThreadArg = process.argv.find((a) => a.startsWith('--fetch-thread='))?.slice('--fetch-thread='.length);
/**
 * The validator's FETCH_THREAD settings measured side by side (`--fetch-thread=off,on`; default for --only=validator:
 * both; else the service default, on): one backlog each, interleaved with the encodings.
 */
const FETCH_THREADS: boolean[] =
  fetchThreadArg !== undefined ? fetchThreadArg.split(',').map((x) => x === 'on') : only === 'validator' ? [false, true] : [true];
if (fetchThreadArg !== undefined && !fetchThreadArg.split(',').every((x) => x === 'on' || x === 'off')) {
  console.error(`--fetch-thread must list on and/or off, got ${fetchThreadArg}`);
  process.exit(2);
}
const samplesArg = process.argv.find((a) => a.startsWith('--samples='))?.slice('--samples='.length);
/** Samples of each measurement (`--samples=N`); --only runs take 1 unless told, to fit one short hold of the lab. */
const SAMPLES = samplesArg !== undefined ? Number(samplesArg) : quick || only !== undefined ? 1 : 3;
if (!Number.isInteger(SAMPLES) || SAMPLES < 1) {
  console.error(`--samples must be a whole number >= 1, got ${samplesArg}`);
  process.exit(2);
}
const PARTITIONS = 6;
const SIZES = only === 'producer-100B' ? [100] : [100, 1024];
const batchesArg = process.argv.find((a) => a.startsWith('--batches='))?.slice('--batches='.length);
/**
 * The producer's MAX_BATCH_RECORDS values measured side by side (`--batches=100,1000,4000`): by default its own
 * default (1000), and 4000 beside it unless --only=producer.
 */
const BATCHES = batchesArg !== undefined ? batchesArg.split(',').map(Number) : only === 'producer' ? [1000] : [1000, 4000];
if (BATCHES.some((b) => !Number.isInteger(b) || b < 1)) {
  console.error(`--batches must be whole numbers >= 1, comma-separated, got ${batchesArg}`);
  process.exit(2);
}
const ENCODING_TAGS: Record<RecordEncoding, string> = { headers: 'h', 'value-prefix': 'vp', 'single-header': 'sh', compact: 'c' };
const ASKED_RATE = 500_000;
const lingerArg = process.argv.find((a) => a.startsWith('--linger-ms='))?.slice('--linger-ms='.length);
/**
 * linger.ms of the mirrorlab producer (its LINGER), the bare client and the run without its service (`--linger-ms=N`;
 * default 20, as in the ProducerPerformance row with BATCH_BYTES batches the ratios are taken against: batch and
 * linger matched, as the issue asks). The service's own default is 5 ms, for latency.
 */
const LINGER_MS = lingerArg !== undefined ? Number(lingerArg) : 20;
/**
 * `batch.size` of the mirrorlab producer (its default BATCH_BYTES, librdkafka's default), of the ProducerPerformance
 * rows the ratios are taken against, of the bare client and of the run without the service. Until 2026-12-07 16:00 UTC
 * the producer and these rows used 262,144.
 */
const BATCH_BYTES = DEFAULT_BATCH_BYTES;
if (!Number.isInteger(LINGER_MS) || LINGER_MS < 0) {
  console.error(`--linger-ms must be a whole number >= 0, got ${lingerArg}`);
  process.exit(2);
}
const RUN_MS = quick ? 8_000 : 15_000;
/**
 * ProducerPerformance runs are sized to last about as long as a producer's run (RUN_MS), from the rate of the last run
 * of the same variant and size (a calibration run first). Before 2026-12-07 09:10 UTC they were sized from a cold
 * calibration to ~7 s, and at warm rates lasted 1.5-3 s: a burst against the producer's 15 s, before MirrorMaker 2's
 * copying of the topic and the brokers' flushing weigh on the cores. Equal lengths compare like with like.
 */
const PP_TARGET_MS = RUN_MS;
/** Records of ProducerPerformance lasting about PP_TARGET_MS at `recordsPerSec`. */
function perfRecordsFor(recordsPerSec: number): number {
  return Math.max(10_000, Math.round((recordsPerSec * PP_TARGET_MS) / 1000 / 5_000) * 5_000);
}
/**
 * How often the validator's /metrics is polled during a read (runs before 21:35 UTC on 2026-12-06: 100 ms). Each poll
 * costs the validator's checking thread a serialisation of every series; Prometheus scrapes every 15-30 s.
 */
const METRICS_POLL_MS = 250;
const reportIntervalArg = process.argv.find((a) => a.startsWith('--report-interval='))?.slice('--report-interval='.length);
/** The validator's REPORT_INTERVAL in validator samples (`--report-interval=5s`, the service default; 1s unless told, for a finer "by reports" clock). */
const VALIDATOR_REPORT_INTERVAL = reportIntervalArg ?? '1s';
const backlogArg = process.argv.find((a) => a.startsWith('--backlog='))?.slice('--backlog='.length);
/** Records written for each validator sample (`--backlog=N`: a longer read gives the steady rate more points). */
const BACKLOG = backlogArg !== undefined ? Number(backlogArg) : quick ? 60_000 : only !== undefined ? 150_000 : 200_000;
if (!Number.isInteger(BACKLOG) || BACKLOG < 1000) {
  console.error(`--backlog must be a whole number >= 1000, got ${backlogArg}`);
  process.exit(2);
}
/** The backlog producers use the larger batch: the backlog is written about twice as fast. */
const BACKLOG_BATCH = 4000;
const BACKLOG_PRODUCERS = 2;
/** The issue's validator target is in records of 1 KiB. */
const BACKLOG_RECORD_SIZE = 1024;
const MiB = 2 ** 20;
/** USER_HZ: /proc times are in these ticks (100 on every Linux this runs on). */
const CLOCK_TICKS = 100;
const RUN_TAG = randomBytes(2).toString('hex');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

// ---------------------------------------------------------------- lab, control topic, cleanup

interface Scenario {
  scenarioId: string;
  spec: ScenarioSpec;
  sourceTopic: string;
  targetTopic: string;
  startAtMs: number;
  endAtMs: number;
}

/**
 * After deleting a source topic, how long to wait before deleting its mirror: MirrorMaker 2 must first drop
 * the topic from its tasks (topic refresh every 5 s, then a task reconfiguration). A mirror deleted while MM2
 * still has records for it makes MM2's producer retry UNKNOWN_TOPIC_ID forever and stalls every task
 * (seen here: ~85 s without mirroring anything).
 */
const MIRROR_DELETE_DELAY_MS = 20_000;
/** How long the mirrors may not grow before the wait for MirrorMaker 2 gives up on it. */
const MIRROR_STALL_MS = 30_000;
/**
 * The writers' samples (the producer, ProducerPerformance, the bare clients) write to topics MirrorMaker 2 does not
 * copy (the lab excludes UNMIRRORED_TOPIC_PREFIX): they measure a writer against the source cluster, and a copy
 * running at the same time would take the cores at a cost per record that is not the same for both writers (MM2
 * copied mirrorlab's 100 B records at ~17,000/s and ProducerPerformance's at ~40,000/s). Until 2026-12-07 12:45 UTC
 * they were mirrored. The validator's samples read a mirrored backlog (`ml.` topics).
 */
const WRITER_TOPIC_PREFIX = UNMIRRORED_TOPIC_PREFIX;

class Bench {
  /** Source topics this run created and has not deleted yet. */
  private readonly sourceTopics = new Set<string>();
  /** Mirrors still to delete, with the time their source topic was deleted (undefined: not yet). */
  private readonly targetTopics = new Map<string, number | undefined>();
  private readonly groups = new Set<string>();
  private readonly services = new Set<ServiceProcess>();
  private readonly javas = new Set<ChildProcess>();
  /** Scenarios started and not yet drained: closed on cleanup so nobody's validator waits for them. */
  private readonly open = new Set<Scenario>();
  private control!: ControlRecorder;

  constructor(readonly lab: LabState) {}

  /**
   * A short-lived admin client. Never a long-lived one: a kafkajs client keeps every topic it has seen in its
   * metadata set, and once one of them is deleted every later metadata refresh fails with
   * UNKNOWN_TOPIC_OR_PARTITION (tulios/kafkajs#1622).
   */
  async withAdmin<T>(cluster: 'source' | 'target', fn: (admin: Admin) => Promise<T>): Promise<T> {
    const brokers = (cluster === 'source' ? this.lab.source : this.lab.target).bootstrap.split(',');
    const admin = new Kafka({ clientId: 'mirrorlab-bench', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  get ctl(): ControlRecorder {
    return this.control;
  }

  async connect(): Promise<void> {
    // The recorder's consumer group commits nothing, so it goes away with the recorder.
    this.control = await ControlRecorder.start({ brokers: this.lab.target.bootstrap, name: `mirrorlab-bench-${RUN_TAG}`, pollMs: 250 });
  }

  /** Topics under UNMIRRORED_TOPIC_PREFIX (the writers' samples) have no mirror. */
  static mirrored(topic: string): boolean {
    return !topic.startsWith(UNMIRRORED_TOPIC_PREFIX);
  }

  /** CPU seconds the source cluster's brokers have used (every broker process of the lab's source cluster). */
  sourceBrokersCpuS(): number {
    return this.lab.processes
      .filter((p) => p.role === 'broker' && p.cluster === 'source')
      .reduce((sum, p) => sum + cpuSeconds(p.pid ?? undefined), 0);
  }

  mirrorOf(topic: string): string {
    return mirroredTopicName(this.lab.mm2.replicationPolicy, topic, this.lab.mm2.sourceAlias);
  }

  /** Creates fresh source topics and waits until MirrorMaker 2 has created their mirrors (so no MM2 task reconfiguration lands mid-measurement). */
  async createTopics(names: string[]): Promise<void> {
    names.forEach((n) => {
      this.sourceTopics.add(n);
      if (Bench.mirrored(n)) this.targetTopics.set(this.mirrorOf(n), undefined);
    });
    const deadline = Date.now() + 90_000;
    await this.withAdmin('source', async (admin) => {
      await admin.createTopics({
        waitForLeaders: false,
        topics: names.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 3 })),
      });
      for (;;) {
        const meta = await admin.fetchTopicMetadata({ topics: names }).catch(() => undefined);
        if (meta?.topics.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0))) return;
        if (Date.now() > deadline) throw new Error(`source topics ${names.join(', ')} have no leaders after 90 s`);
        await sleep(250);
      }
    });
    await this.withAdmin('target', async (admin) => {
      for (;;) {
        const existing = new Set(await admin.listTopics());
        const missing = names
          .filter(Bench.mirrored)
          .map((n) => this.mirrorOf(n))
          .filter((t) => !existing.has(t));
        if (missing.length === 0) return;
        if (Date.now() > deadline) throw new Error(`MirrorMaker 2 did not create ${missing.join(', ')} within 90 s`);
        await sleep(500);
      }
    });
  }

  /**
   * Deletes source topics now (all of this run's when `names` is omitted) and their mirrors later
   * (`deleteMirrors`), once MirrorMaker 2 has let go of them. Never while a producer that wrote to them is alive
   * (the kafkajs producer would be stuck: see `withAdmin`).
   */
  async deleteTopics(names?: string[]): Promise<void> {
    const sources = (names ?? [...this.sourceTopics]).filter((n) => this.sourceTopics.has(n));
    if (sources.length === 0) return;
    await this.withAdmin('source', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const src = sources.filter((n) => existing.has(n));
      if (src.length > 0) await admin.deleteTopics({ topics: src, timeout: 30_000 });
    });
    const now = Date.now();
    for (const n of sources) {
      this.sourceTopics.delete(n);
      if (Bench.mirrored(n)) this.targetTopics.set(this.mirrorOf(n), now);
    }
  }

  /**
   * Waits until MirrorMaker 2 has copied everything written so far to this run's source topics (each mirror holds
   * as many records as its source: the bench's producers are idempotent, not transactional, so no markers), so that
   * a sample does not share the cores with MM2 still copying the sample before it. Before 2026-12-07 09:40 UTC it
   * did: a 100 B producer sample ran while MM2 copied the ~600 MB ProducerPerformance had just written at 1 KiB.
   */
  async mirrorsCaughtUp(timeoutMs = 180_000): Promise<void> {
    const start = Date.now();
    const topics = [...this.sourceTopics].filter(Bench.mirrored);
    // One topic at a time: kafkajs's admin answers concurrent fetchTopicOffsets calls wrongly.
    const total = async (admin: Admin, names: string[]) => {
      let sum = 0;
      for (const t of names) for (const high of await Bench.highWatermarks(admin, t)) sum += high;
      return sum;
    };
    const mirrors = topics.map((t) => this.mirrorOf(t));
    let lastCopied = -1;
    let movedAt = start;
    for (;;) {
      // A mirror just created may not have its leaders yet (NOT_LEADER_FOR_PARTITION): asked again a second later.
      const counts = await Promise.all([
        this.withAdmin('source', (admin) => total(admin, topics)),
        this.withAdmin('target', (admin) => total(admin, mirrors)),
      ]).catch(() => undefined);
      const [written, copied] = counts ?? [1, 0];
      if (copied >= written) break;
      if (copied !== lastCopied) [lastCopied, movedAt] = [copied, Date.now()];
      // MM2 gone (at 09:51 on 2026-12-07 it died of OutOfMemoryError under PP's 263,000 records/s of 100 B): no use waiting.
      if (Date.now() - movedAt > MIRROR_STALL_MS) {
        log(
          `warning: MirrorMaker 2 copied nothing for ${MIRROR_STALL_MS / 1000} s (${fmt(written - copied)} records left): is it running? measuring anyway`,
        );
        break;
      }
      if (Date.now() - start > timeoutMs) {
        log(`warning: MirrorMaker 2 still has ${fmt(written - copied)} records to copy after ${timeoutMs / 1000} s; measuring anyway`);
        break;
      }
      await sleep(1000);
    }
    const waited = (Date.now() - start) / 1000;
    if (waited >= 2) log(`waited ${fmt(waited, 1)} s for MirrorMaker 2 to copy the earlier samples`);
  }

  /** Deletes the mirrors whose source topic was deleted long enough ago; with `wait`, waits for all of them. */
  async deleteMirrors(wait = false): Promise<void> {
    const pending = [...this.targetTopics].filter((e): e is [string, number] => e[1] !== undefined);
    if (pending.length === 0) return;
    if (wait) await sleep(Math.max(0, Math.max(...pending.map(([, at]) => at)) + MIRROR_DELETE_DELAY_MS - Date.now()));
    const due = pending.filter(([, at]) => Date.now() - at >= MIRROR_DELETE_DELAY_MS).map(([t]) => t);
    if (due.length === 0) return;
    await this.withAdmin('target', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const tgt = due.filter((t) => existing.has(t));
      if (tgt.length > 0) await admin.deleteTopics({ topics: tgt, timeout: 30_000 });
    });
    due.forEach((t) => this.targetTopics.delete(t));
  }

  async service(name: 'producer' | 'consumer-validator', env: Record<string, string>): Promise<ServiceProcess> {
    const bundle = join(findRepoRoot(__dirname) ?? process.cwd(), 'services', name, 'dist', 'main.js');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: npx nx run-many -t build -p producer consumer-validator`);
    const svc = await spawnService(bundle, {
      SOURCE_KAFKA_BROKERS: this.lab.source.bootstrap,
      TARGET_KAFKA_BROKERS: this.lab.target.bootstrap,
      CONTROL_KAFKA_BROKERS: this.lab.target.bootstrap,
      REDIS_URL: this.lab.redis.url,
      LOG_LEVEL: 'info',
      ...env,
    });
    this.services.add(svc);
    await svc.waitForEvent((e) => e.event === 'control_topic_caught_up', 60_000);
    return svc;
  }

  async stopService(svc: ServiceProcess): Promise<void> {
    if (!this.services.has(svc)) return;
    const code = await svc.stop('SIGTERM');
    this.services.delete(svc);
    if (code !== 0) log(`warning: ${svc.child.pid} exited with ${code}; stderr: ${svc.stderr.slice(-5).join(' | ')}`);
  }

  trackGroup(groupId: string): void {
    this.groups.add(groupId);
  }

  /** Runs java to its end; also returns its wall time and (polled every 200 ms) CPU seconds. */
  runJava(args: string[]): Promise<{ code: number | string; stdout: string; wallS: number; cpuS: number }> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.javas.add(child);
      let cpuS = 0;
      const poll = setInterval(() => {
        const c = cpuSeconds(child.pid);
        if (Number.isFinite(c)) cpuS = c;
      }, 200);
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearInterval(poll);
        this.javas.delete(child);
        resolve({ code: code ?? signal ?? -1, stdout, wallS: (Date.now() - t0) / 1000, cpuS });
      });
    });
  }

  async prepare(name: string, topic: string, workload: ScenarioSpecInput['workload']): Promise<Scenario> {
    const scenarioId = `${name}-${randomBytes(3).toString('hex')}`;
    const parsed = validateScenario({ name, topics: [{ name: topic, partitions: PARTITIONS }], workload });
    if (!parsed.ok) throw parsed.error;
    return { scenarioId, spec: parsed.spec, sourceTopic: topic, targetTopic: this.mirrorOf(topic), startAtMs: 0, endAtMs: 0 };
  }

  async start(s: Scenario, leadMs: number): Promise<void> {
    const now = Date.now();
    s.startAtMs = now + leadMs;
    s.endAtMs = s.startAtMs + s.spec.workload.duration;
    this.open.add(s);
    await this.control.publish({
      v: 1,
      type: 'scenario.started',
      scenarioId: s.scenarioId,
      atMs: now,
      source: 'bench',
      spec: s.spec,
      targetTopics: { [s.sourceTopic]: s.targetTopic },
      startAtMs: s.startAtMs,
      endAtMs: s.endAtMs,
    });
  }

  stopping(s: Scenario, reason: string): Promise<void> {
    return this.control.publish({ v: 1, type: 'scenario.stopping', scenarioId: s.scenarioId, atMs: Date.now(), source: 'bench', reason });
  }

  /** Closes the scenario so no validator started later picks it up. */
  drained(s: Scenario): Promise<void> {
    this.open.delete(s);
    return this.control.publish({
      v: 1,
      type: 'scenario.drained',
      scenarioId: s.scenarioId,
      atMs: Date.now(),
      source: 'bench',
      drained: true,
      waitedMs: 0,
    });
  }

  finalProducerReports(s: Scenario) {
    return this.control.of(s.scenarioId, 'producer.progress').filter((e) => e.final);
  }

  static async highWatermarks(admin: Admin, topic: string): Promise<number[]> {
    const offsets = await admin.fetchTopicOffsets(topic);
    const out = new Array<number>(PARTITIONS).fill(0);
    for (const o of offsets) out[o.partition] = Number(o.high);
    return out;
  }

  /** Stops every process this bench started, deletes its topics and consumer groups. Never throws. */
  async cleanup(): Promise<void> {
    for (const j of this.javas) j.kill('SIGTERM');
    await Promise.allSettled([...this.services].map((s) => s.stop('SIGTERM')));
    this.services.clear();
    for (const s of [...this.open]) {
      await this.stopping(s, 'bench cleanup').catch(() => undefined);
      await this.drained(s).catch(() => undefined);
    }
    await this.control?.close().catch(() => undefined);
    try {
      await this.deleteTopics();
      // Mirrors MM2 never created (a failed run) are marked, then everything pending is deleted once MM2 let go.
      for (const [t, at] of this.targetTopics) if (at === undefined) this.targetTopics.set(t, Date.now());
      log(`cleanup: deleting the mirrors once MirrorMaker 2 has let go of them (${MIRROR_DELETE_DELAY_MS / 1000} s after their sources)`);
      await this.deleteMirrors(true);
      // A mirror MM2 created or recreated meanwhile.
      const prefix = this.mirrorOf(`ml.pbench-${RUN_TAG}-`);
      await this.withAdmin('target', async (admin) => {
        const left = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (left.length > 0) await admin.deleteTopics({ topics: left, timeout: 30_000 });
      });
    } catch (err) {
      log(`warning: topic cleanup failed: ${String(err)}`);
    }
    // A report-aggregator running against the lab writes a report for every drained scenario, ours included
    // (`<REPORTS_DIR>/<scenarioId>/`); remove ours from the repo's default reports/ directory.
    const reportsDir = join(findRepoRoot(__dirname) ?? process.cwd(), 'reports');
    if (existsSync(reportsDir)) {
      for (const d of readdirSync(reportsDir))
        if (d.startsWith(`pbench-${RUN_TAG}-`)) rmSync(join(reportsDir, d), { recursive: true, force: true });
    }
    const groups = [...this.groups];
    await this.withAdmin('target', async (admin) => {
      const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const mine = groups.filter((g) => existing.has(g));
      if (mine.length > 0) await admin.deleteGroups(mine);
    }).catch((err: unknown) => log(`warning: group cleanup: ${String(err)}`));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Sum and count of one histogram's series for a scenario, from a service's /metrics. */
async function histogram(svc: ServiceProcess, name: string, scenarioId: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${svc.baseUrl}/metrics`)).text();
  const value = (suffix: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}_${suffix}{`) && l.includes(`scenario="${scenarioId}"`))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { sum: value('sum'), count: value('count') };
}

/** Sum of a counter's series for a scenario, from a service's /metrics. */
async function counter(svc: ServiceProcess, name: string, scenarioId: string): Promise<number> {
  const text = await (await fetch(`${svc.baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(`scenario="${scenarioId}"`))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Record number `index` of a producer with these ids, as it writes it (the scheduled time as the send time). */
function producerRecord(scenarioId: string, producerId: string, size: number, index: number, encoding: RecordEncoding): EncodedRecord {
  const slot = KeyPlan.build({ producerId, partitions: PARTITIONS, keysPerPartition: 4, epoch: 0 }).slotForRecord(index);
  const now = Date.now() * 1000;
  return encodeRecord({
    meta: { scenarioId, producerId, keyEpoch: 0, seq: slot.seq, sendTimeUs: now, scheduledTimeUs: now },
    key: slot.key,
    payload: Buffer.alloc(size),
    encoding,
  });
}

/**
 * Bytes a test record carries besides its payload: the key and the mirrorlab meta (header names + values, or the
 * value prefix), as the producer writes them.
 */
function keyAndHeaderBytes(scenarioId: string, producerId: string, size: number, index: number, encoding: RecordEncoding): number {
  const rec = producerRecord(scenarioId, producerId, size, index, encoding);
  return (
    rec.key.length + rec.value.length - size + Object.entries(rec.headers).reduce((s, [k, v]) => s + Buffer.byteLength(k) + v.length, 0)
  );
}

// ---------------------------------------------------------------- 1. the producer bundle

interface ProducerSample {
  size: number;
  encoding: RecordEncoding;
  batch: number;
  acked: number;
  sent: number;
  failed: number;
  indeterminate: number;
  seconds: number;
  recordsPerSec: number;
  valueMiBps: number;
  wireMiBps: number;
  /** Best and worst full one-second window, records acked. */
  bestWindow: number;
  worstWindow: number;
  /** Mean acknowledgements booked per whole second inside the run (what the acked series shows), not at the final flush. */
  bookedPerSec: number;
  /** Producer process CPU over the run, % of one core. */
  cpuPct: number;
  /** Producer process CPU per record sent (all its threads). */
  cpuUsPerRecord: number;
  /** Of that, the JavaScript thread's (the service's code and the binding's calls) and librdkafka's threads'. */
  mainThreadUsPerRecord: number;
  clientThreadsUsPerRecord: number;
  /** CPU the source cluster's three brokers spent per record acknowledged, from the start to the last acknowledgement. */
  brokerUsPerRecord: number;
  /** Produce calls (`sendBatch`, one at a time) and their mean duration. */
  requests: number;
  meanSendMs: number;
  /** Share of the run spent waiting for produce answers. */
  sendShare: number;
  /** Records/s the scenario asked of it. */
  askedRate: number;
  /**
   * Per second of the run, the partial first and last seconds included (`full` false): records requested by the
   * schedule (clipped to the run) and handed to the client.
   */
  rates: Array<{ requested: number; achieved: number; full: boolean }>;
}

/** The name of a producer sample's scenario (its id adds 6 hex digits) and the start of its producer's id. */
function sampleName(size: number, batch: number): string {
  return `pbench-${RUN_TAG}-p${size}-b${batch}`;
}

/** Ids as long as a producer sample's in the primary encoding (producerSample): records carrying them have the samples' bytes. */
function idsLikeSamples(size: number, batch: number): { scenarioId: string; producerId: string } {
  return { scenarioId: `${sampleName(size, batch)}-000000`, producerId: `${sampleName(size, batch)}-${ENCODING_TAGS[PRIMARY_ENCODING]}-0` };
}

async function producerSample(
  bench: Bench,
  size: number,
  batch: number,
  topic: string,
  sample: number,
  encoding: RecordEncoding = 'headers',
  askedRate = ASKED_RATE,
): Promise<ProducerSample> {
  const s = await bench.prepare(sampleName(size, batch), topic, {
    producers: 1,
    rate: { records: askedRate },
    duration: RUN_MS,
    recordSize: size,
    acks: 'all',
    encoding,
  });
  // A fresh process per run, pinned to its scenario: it never joins anyone else's scenario on the shared lab.
  const producerId = `${sampleName(size, batch)}-${ENCODING_TAGS[encoding]}-${sample}`;
  // PRODUCER_PROFILE_DIR: each measured producer writes a V8 CPU profile there (bench/producer/profile-summary.ts reads it).
  const profile: Record<string, string> = process.env.PRODUCER_PROFILE_DIR
    ? {
        NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.PRODUCER_PROFILE_DIR} --cpu-prof-name=producer-${size}B-${batch}-${producerId}.cpuprofile`,
      }
    : {};
  await bench.mirrorsCaughtUp();
  const svc = await bench.service('producer', {
    SCENARIO_ID: s.scenarioId,
    PRODUCER_ID: producerId,
    MAX_BATCH_RECORDS: String(batch),
    LINGER: `${LINGER_MS}ms`,
    PROGRESS_INTERVAL: '1s',
    ...profile,
  });
  bench.trackGroup(`mirrorlab-producer-${producerId}`);
  try {
    const threads0 = new ThreadCpuTracker(svc.child.pid!);
    // The run's librdkafka threads end when its client disconnects, before the final progress is seen: poll them.
    const polling = setInterval(() => threads0.poll(), 250);
    const brokers0 = bench.sourceBrokersCpuS();
    await bench.start(s, 1_000);
    const final = await bench.ctl.waitFor(
      `final progress of ${producerId}`,
      () => bench.finalProducerReports(s).find((r) => r.producerId === producerId),
      RUN_MS + 60_000,
    );
    clearInterval(polling);
    const brokerS = bench.sourceBrokersCpuS() - brokers0;
    const all = threads0.since();
    // Every thread of the service's process.
    const cpu = Object.values(all).reduce((a, b) => a + b, 0) / 1000;
    const threads = splitThreads(all);
    await bench.drained(s);
    const foreign = new Set(bench.ctl.of(s.scenarioId, 'producer.progress').map((r) => r.producerId));
    foreign.delete(producerId);
    if (foreign.size > 0)
      log(`warning: other producers took part in ${s.scenarioId} (${[...foreign].join(', ')}): this sample is disturbed`);
    const sends = await histogram(svc, 'mirrorlab_producer_send_latency_seconds', s.scenarioId);
    const c = final.counts;
    // From the start to the last acknowledgement (the final report goes out once every record has its answer), as
    // ProducerPerformance counts: records still queued in the client when the schedule ends are not free.
    const seconds = (Math.max(final.atMs, s.endAtMs) - s.startAtMs) / 1000;
    // Full one-second windows inside the run (the first and last are partial).
    const windows = bench.ctl
      .of(s.scenarioId, 'producer.progress')
      .filter((p) => p.producerId === producerId)
      .flatMap((p) => p.windows)
      .filter(([start]) => start >= s.startAtMs && start + 1000 <= s.endAtMs)
      .map(([, , acked]) => acked);
    // Requested and achieved (handed to the client) per second of the run, the partial first and last included: a record
    // scheduled late in the first partial second and handed in the next counts in both sums, not in the achieved alone.
    const rates = bench.ctl
      .of(s.scenarioId, 'producer.progress')
      .filter((p) => p.producerId === producerId)
      .flatMap((p) => p.rates)
      .filter(([start]) => start + 1000 > s.startAtMs && start < s.endAtMs)
      .map(([start, requested, achieved]) => ({ requested, achieved, full: start >= s.startAtMs && start + 1000 <= s.endAtMs }));
    const overhead = keyAndHeaderBytes(s.scenarioId, producerId, size, Math.floor(c.acked / 2), encoding);
    const result: ProducerSample = {
      size,
      encoding,
      batch,
      acked: c.acked,
      sent: c.sent,
      failed: c.failed,
      indeterminate: c.indeterminate,
      seconds,
      recordsPerSec: c.acked / seconds,
      valueMiBps: (c.acked * size) / seconds / MiB,
      wireMiBps: (c.acked * (size + overhead)) / seconds / MiB,
      bestWindow: windows.length > 0 ? Math.max(...windows) : 0,
      bookedPerSec: windows.length > 0 ? windows.reduce((a, b) => a + b, 0) / windows.length : 0,
      worstWindow: windows.length > 0 ? Math.min(...windows) : 0,
      cpuPct: (cpu / seconds) * 100,
      cpuUsPerRecord: (cpu * 1e6) / Math.max(1, c.sent),
      mainThreadUsPerRecord: (threads.mainMs * 1e3) / Math.max(1, c.sent),
      clientThreadsUsPerRecord: (threads.clientMs * 1e3) / Math.max(1, c.sent),
      brokerUsPerRecord: (brokerS * 1e6) / Math.max(1, c.acked),
      requests: sends.count,
      meanSendMs: (sends.sum / Math.max(1, sends.count)) * 1000,
      sendShare: sends.sum / seconds,
      askedRate,
      rates,
    };
    log(
      `producer ${size} B, ${encoding}, MAX_BATCH_RECORDS=${batch}: ${fmt(result.recordsPerSec)} records/s acked, ${fmt(result.valueMiBps, 2)} MiB/s values, ` +
        `${fmt(result.wireMiBps, 2)} MiB/s with key+headers (+${overhead} B/record); sent ${fmt(c.sent)}, failed ${c.failed}, indeterminate ${c.indeterminate}; ` +
        `booked in the run ${fmt(result.bookedPerSec)}/s (1 s windows ${fmt(result.worstWindow)}..${fmt(result.bestWindow)}); CPU ${fmt(result.cpuPct)}% of a core, ` +
        `${fmt(result.cpuUsPerRecord, 1)} us of CPU per record sent (JavaScript thread ${fmt(result.mainThreadUsPerRecord, 1)}, ` +
        `librdkafka's threads ${fmt(result.clientThreadsUsPerRecord, 1)}); the source brokers ${fmt(result.brokerUsPerRecord, 1)} us of CPU per record`,
    );
    return result;
  } finally {
    await bench.stopService(svc);
  }
}

/** Samples taken a round at a time, so that two measurements can alternate rounds (see measureSideBySide). */
interface Rounds<T> {
  round(i: number): Promise<T[]>;
  done(): Promise<void>;
}

/** The producer's samples: per round, every MAX_BATCH_RECORDS value, encoding and size once. */
async function producerRounds(bench: Bench): Promise<Rounds<ProducerSample>> {
  const topicOf = (batch: number, encoding: RecordEncoding, i: number) =>
    `${WRITER_TOPIC_PREFIX}pbench-${RUN_TAG}-p-b${batch}-${encoding}-${i}`;
  const topics = BATCHES.flatMap((batch) =>
    // A round more than SAMPLES: the warm-up (measureSideBySide).
    ENCODINGS.flatMap((encoding) => Array.from({ length: SIZES.length * (SAMPLES + 1) }, (_, i) => topicOf(batch, encoding, i))),
  );
  await bench.createTopics(topics);
  return {
    // Configurations interleaved, so drifting load on the shared machine hits them alike; the encodings' order
    // flips every sample, so none always runs first after the lab comes up.
    round: async (i) => {
      const out: ProducerSample[] = [];
      for (const batch of BATCHES) {
        for (const encoding of i % 2 === 0 ? ENCODINGS : [...ENCODINGS].reverse()) {
          for (const [z, size] of SIZES.entries()) {
            const topic = topicOf(batch, encoding, i * SIZES.length + z);
            out.push(await producerSample(bench, size, batch, topic, i, encoding));
            // At once (its producer is gone): a run writes tens of GB on the lab's disk (2026-12-07 13:14 it filled it).
            await bench.deleteTopics([topic]);
          }
        }
      }
      return out;
    },
    // Their producers are gone (a live kafkajs producer breaks once a topic it wrote to is deleted).
    done: () => bench.deleteTopics(topics),
  };
}

/**
 * The producer and ProducerPerformance a round each in turn (producer, PP, producer, PP, ...), so that the load
 * drifting on the shared cores over the minutes of a run falls on both alike: their ratio is measured side by side.
 */
async function measureSideBySide(
  bench: Bench,
  libsDir: string,
): Promise<{ producer: ProducerSample[]; perf: { samples: PerfSample[]; command: string } }> {
  const producerSide = await producerRounds(bench);
  const perfSide = await perfRounds(bench, libsDir);
  const producer: ProducerSample[] = [];
  const perf: PerfSample[] = [];
  // A warm-up round of both, not counted: the first samples after the lab comes up run on cold brokers (2026-12-07
  // 12:38: the producer's first round at 53-59% of its next ones, ProducerPerformance's at 57-75%).
  log('warm-up round (not counted)');
  await producerSide.round(0);
  await perfSide.round(1);
  for (let i = 1; i <= SAMPLES; i++) {
    producer.push(...(await producerSide.round(i)));
    perf.push(...(await perfSide.round(i + 1)));
  }
  await producerSide.done();
  await perfSide.done();
  return { producer, perf: { samples: perf, command: perfSide.command } };
}

interface FidelitySample {
  size: number;
  /**
   * The producer's records/s in this run's samples (asked far more than it can send): the best, and the median, whose
   * 80% is asked here. On two cores shared with the clusters the best sample is an outlier by construction (samples vary
   * 1.5x), so the maximum the producer sustains is stated as the median of its samples.
   */
  measuredMax: number;
  medianMax: number;
  askedRate: number;
  requested: number;
  achieved: number;
  /** achieved / requested over the run's seconds (the partial first and last included), and the worst full second. */
  ratio: number;
  worstSecondRatio: number;
  acked: number;
  failed: number;
  indeterminate: number;
}

/**
 * The issue's schedule-fidelity target: asked for 80% of the maximum it reached in this run's samples (their median), the producer
 * must hand the client within 1% of the records its schedule requests over the run (the producer's own rates[], every second of the run).
 */
async function measureFidelity(bench: Bench, samples: ProducerSample[]): Promise<FidelitySample[]> {
  const out: FidelitySample[] = [];
  for (const size of SIZES) {
    // The samples of the encoding measured here: another encoding's maximum is not this one's.
    const rates = samples.filter((p) => p.size === size && p.encoding === PRIMARY_ENCODING).map((p) => p.recordsPerSec);
    const measuredMax = Math.max(...rates);
    const medianMax = median(rates);
    const askedRate = Math.round(medianMax * 0.8);
    const topic = `${WRITER_TOPIC_PREFIX}pbench-${RUN_TAG}-fidelity-${size}`;
    await bench.createTopics([topic]);
    const r = await producerSample(bench, size, BATCHES[0], topic, 0, PRIMARY_ENCODING, askedRate);
    const requested = r.rates.reduce((a, w) => a + w.requested, 0);
    const achieved = r.rates.reduce((a, w) => a + w.achieved, 0);
    const sample = {
      size,
      measuredMax: Math.round(measuredMax),
      medianMax: Math.round(medianMax),
      askedRate,
      requested: Math.round(requested),
      achieved,
      ratio: Number((achieved / requested).toFixed(4)),
      worstSecondRatio: Number(Math.min(...r.rates.filter((w) => w.full).map((w) => w.achieved / w.requested)).toFixed(4)),
      acked: r.acked,
      failed: r.failed,
      indeterminate: r.indeterminate,
    };
    log(
      `schedule fidelity ${size} B: asked ${fmt(askedRate)} records/s (80% of the median ${fmt(medianMax)} reached; best ${fmt(measuredMax)}), handed ${fmt(achieved)} of ` +
        `${fmt(requested)} requested in the run (${(sample.ratio * 100).toFixed(2)}%; worst full second ${(sample.worstSecondRatio * 100).toFixed(2)}%)`,
    );
    out.push(sample);
  }
  await bench.deleteTopics(SIZES.map((size) => `${WRITER_TOPIC_PREFIX}pbench-${RUN_TAG}-fidelity-${size}`));
  return out;
}

// ---------------------------------------------------------------- 2. Kafka's ProducerPerformance

interface PerfVariant {
  label: string;
  props: string[];
  /**
   * Values longer by the bytes a mirrorlab record carries in its key and meta header (mirrorlabRecordOverhead), so
   * that ProducerPerformance writes as many bytes per record as the producer: what the producer's own work costs,
   * apart from what its records' extra bytes cost the brokers.
   */
  sameBytesAsMirrorlab?: boolean;
}

/** Key and header bytes of the producer's records in the primary encoding in this bench (its ids are as long as the samples'). */
function mirrorlabRecordOverhead(size: number): number {
  const ids = idsLikeSamples(size, BATCHES[0]);
  return keyAndHeaderBytes(ids.scenarioId, ids.producerId, size, 500_000, PRIMARY_ENCODING);
}

/** The key's bytes, the header's name and its value's bytes of a producer's record in the primary encoding (the bare client's shaped records). */
function mirrorlabRecordShape(size: number): { keyBytes: number; header: string; headerBytes: number } {
  const ids = idsLikeSamples(size, BATCHES[0]);
  const rec = producerRecord(ids.scenarioId, ids.producerId, size, 500_000, PRIMARY_ENCODING);
  const [header, value] = Object.entries(rec.headers)[0] ?? ['ml', Buffer.alloc(0)];
  return { keyBytes: rec.key.length, header, headerBytes: value.length };
}

/** As asked (client defaults: batch.size 16 KiB, linger.ms 5, 5 requests in flight), and with batches closer to the bundle's. */
const PERF_VARIANTS: PerfVariant[] = [
  { label: 'client defaults', props: [] },
  { label: `batch.size=${BATCH_BYTES} linger.ms=${LINGER_MS}`, props: [`batch.size=${BATCH_BYTES}`, `linger.ms=${LINGER_MS}`] },
  {
    label: `batch.size=${BATCH_BYTES} linger.ms=${LINGER_MS}, values as long as mirrorlab records`,
    props: [`batch.size=${BATCH_BYTES}`, `linger.ms=${LINGER_MS}`],
    sameBytesAsMirrorlab: true,
  },
];

interface PerfSample {
  variant: string;
  size: number;
  records: number;
  recordsPerSec: number;
  MiBps: number;
  avgLatencyMs: number;
  p99LatencyMs: number;
  /** JVM CPU from start to exit (startup included), % of one core. */
  cpuPct: number;
  /** Bytes per record's value (`size`, or more for a variant with mirrorlab's bytes). */
  valueBytes: number;
  /** CPU the source cluster's brokers spent per record, over the run. */
  brokerUsPerRecord: number;
}

const PERF_SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/;

async function perfRun(
  bench: Bench,
  libsDir: string,
  variant: PerfVariant,
  topic: string,
  size: number,
  records: number,
): Promise<PerfSample> {
  await bench.mirrorsCaughtUp();
  const valueBytes = size + (variant.sameBytesAsMirrorlab ? mirrorlabRecordOverhead(size) : 0);
  const args = javaArgs({
    libsDir,
    log4jConfig: log4jConfigPath(bench.lab),
    jvm: TOOL_JVM,
    mainClass: PRODUCER_PERFORMANCE_MAIN,
    args: [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(valueBytes),
      '--throughput',
      '-1',
      '--bootstrap-server',
      bench.lab.source.bootstrap,
      '--command-property',
      'acks=all',
      'enable.idempotence=true',
      ...variant.props,
    ],
  });
  const brokers0 = bench.sourceBrokersCpuS();
  const { code, stdout, wallS, cpuS } = await bench.runJava(args);
  const brokerS = bench.sourceBrokersCpuS() - brokers0;
  const m = PERF_SUMMARY.exec(stdout);
  if (code !== 0 || !m)
    throw new Error(`ProducerPerformance exited ${code} without a summary line:\n${stdout.split('\n').slice(-15).join('\n')}`);
  return {
    variant: variant.label,
    size,
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    MiBps: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    p99LatencyMs: Number(m[8]),
    cpuPct: (cpuS / wallS) * 100,
    valueBytes,
    brokerUsPerRecord: (brokerS * 1e6) / Math.max(1, Number(m[1])),
  };
}

/** Runs a TypeScript script (tsx) in a process of its own and returns the JSON object on the last line it printed. */
async function lastJsonLineOf(what: string, args: string[]): Promise<unknown> {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c, stdout: text }));
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`${what} exited ${code}: ${stdout.slice(-300)}`);
  return JSON.parse(line);
}

interface BareSample {
  variant: string;
  size: number;
  recordsPerSec: number;
  cpuPct: number;
  /** CPU seconds per record, whole process (librdkafka's threads included). */
  cpuUsPerRecord: number;
  mainThreadUsPerRecord: number;
  clientThreadsUsPerRecord: number;
}

/**
 * The bare librdkafka client of bench/clients (worker.ts: one produce() per record, explicit partitions round-robin,
 * acks=all, idempotent, the producer's batch bytes and linger) in the same lab session as the producer and
 * ProducerPerformance, so the producer's own cost is seen against the client's in one run.
 */
async function measureBareClient(bench: Bench): Promise<BareSample[]> {
  const out: BareSample[] = [];
  // Through the binding (@confluentinc/kafka-javascript: one produce() and one delivery-report callback per record), and
  // through the producer's own batch addon (@mirrorlab/rdkafka-batch: records and reports in batches), same librdkafka.
  const variants = [
    { variant: 'plain', opaqueCallback: false, perTurn: 5000, batchAddon: false },
    { variant: 'batch addon', opaqueCallback: false, perTurn: 5000, batchAddon: true },
    // The same, with records of the producer's shape (its key and header bytes): what the test record's bytes cost.
    { variant: 'batch addon, mirrorlab-shaped records', opaqueCallback: false, perTurn: 5000, batchAddon: true, mirrorlabShape: true },
  ];
  for (const [v, variant] of variants.entries())
    for (const size of SIZES) {
      const topic = `${WRITER_TOPIC_PREFIX}pbench-${RUN_TAG}-bare${v}-${size}`;
      await bench.createTopics([topic]);
      // Several seconds each (a burst of one or two would be mostly start-up and an empty cluster).
      const records = size < 1000 ? 1_000_000 : 250_000;
      const job = {
        opaqueCallback: variant.opaqueCallback,
        perTurn: variant.perTurn,
        batchAddon: variant.batchAddon,
        mirrorlabShape: 'mirrorlabShape' in variant && variant.mirrorlabShape,
        shape: mirrorlabRecordShape(size),
        client: 'librdkafka',
        mode: 'produce',
        brokers: bench.lab.source.bootstrap,
        topic,
        partitions: PARTITIONS,
        size,
        records,
        batchBytes: BATCH_BYTES,
        lingerMs: LINGER_MS,
      };
      const worker = join(__dirname, '..', 'clients', 'worker.ts');
      await bench.mirrorsCaughtUp();
      const r = (await lastJsonLineOf('the bare librdkafka producer', [worker, JSON.stringify(job)])) as {
        recordsPerSec: number;
        cpuPct: number;
        cpuS: number;
        records: number;
        mainThreadUsPerRecord: number;
        clientThreadsUsPerRecord: number;
      };
      const sample = {
        variant: variant.variant,
        size,
        recordsPerSec: r.recordsPerSec,
        cpuPct: r.cpuPct,
        cpuUsPerRecord: (r.cpuS * 1e6) / r.records,
        mainThreadUsPerRecord: r.mainThreadUsPerRecord,
        clientThreadsUsPerRecord: r.clientThreadsUsPerRecord,
      };
      log(
        `bare librdkafka producer (${variant.variant}) ${size} B: ${fmt(sample.recordsPerSec)} records/s, CPU ${fmt(sample.cpuPct)}% of a core, ` +
          `${fmt(sample.cpuUsPerRecord, 1)} us of CPU per record (JavaScript thread ${fmt(sample.mainThreadUsPerRecord, 1)}, librdkafka's threads ${fmt(sample.clientThreadsUsPerRecord, 1)})`,
      );
      out.push(sample);
    }
  return out;
}

/** What the bare client's samples hold, but for the variant and the share of a core. */
type RunWithoutServiceSample = Omit<BareSample, 'variant' | 'cpuPct'>;

/**
 * The producer's ProducerRun and its librdkafka sink, with the service's settings, in a process without the service
 * around them (no control topic, no HTTP server): bench/producer-path/run.ts --brokers. Beside the service and the bare
 * client in one run, it tells which layer costs the rate.
 */
async function measureRunWithoutService(bench: Bench): Promise<RunWithoutServiceSample[]> {
  const out: RunWithoutServiceSample[] = [];
  for (const size of SIZES) {
    const topic = `${WRITER_TOPIC_PREFIX}pbench-${RUN_TAG}-run-${size}`;
    await bench.createTopics([topic]);
    const script = join(__dirname, '..', 'producer-path', 'run.ts');
    const ids = idsLikeSamples(size, BATCHES[0]);
    await bench.mirrorsCaughtUp();
    const args = [
      script,
      `--brokers=${bench.lab.source.bootstrap}`,
      `--topic=${topic}`,
      `--size=${size}`,
      `--rate=${ASKED_RATE}`,
      `--seconds=${RUN_MS / 1000}`,
      `--linger-ms=${LINGER_MS}`,
      `--batch-bytes=${BATCH_BYTES}`,
      '--rounds=1',
      '--json',
      // As the bench's scenarios (the scenario default).
      '--keys-per-partition=4',
      // Ids as long as the service samples' (producerSample), so that its records carry as many bytes.
      `--scenario-id=${ids.scenarioId}`,
      `--producer-id=${ids.producerId}`,
      // As the service (MAX_BATCH_RECORDS in producerSample).
      `--max-batch-records=${BATCHES[0]}`,
      `--encoding=${PRIMARY_ENCODING}`,
    ];
    const r = (await lastJsonLineOf('bench/producer-path/run.ts', args)) as RunWithoutServiceSample;
    const sample = {
      size,
      recordsPerSec: r.recordsPerSec,
      cpuUsPerRecord: r.cpuUsPerRecord,
      mainThreadUsPerRecord: r.mainThreadUsPerRecord,
      clientThreadsUsPerRecord: r.clientThreadsUsPerRecord,
    };
    log(
      `producer run without its service ${size} B: ${fmt(sample.recordsPerSec)} records/s, ${fmt(sample.cpuUsPerRecord, 1)} us of CPU per record ` +
        `(JavaScript thread ${fmt(sample.mainThreadUsPerRecord, 1)}, librdkafka's threads ${fmt(sample.clientThreadsUsPerRecord, 1)})`,
    );
    out.push(sample);
  }
  return out;
}

/** ProducerPerformance's samples: calibrated first, then per round every variant and size once (rounds from 1). */
async function perfRounds(bench: Bench, libsDir: string): Promise<Rounds<PerfSample> & { command: string }> {
  const topic = (v: number, size: number, i: number) => `${WRITER_TOPIC_PREFIX}pbench-${RUN_TAG}-pp${v}-${size}-${i}`;
  // The calibration, the warm-up round (measureSideBySide) and SAMPLES rounds.
  const topics = PERF_VARIANTS.flatMap((_, v) => SIZES.flatMap((size) => Array.from({ length: SAMPLES + 2 }, (_, i) => topic(v, size, i))));
  await bench.deleteMirrors();
  await bench.createTopics(topics);
  const records = new Map<string, number>();
  /** The fastest rate seen per variant and size: each run is sized from it, so a run lasts about PP_TARGET_MS or more. */
  const fastest = new Map<string, number>();
  const sizeNext = (key: string, recordsPerSec: number) => {
    fastest.set(key, Math.max(fastest.get(key) ?? 0, recordsPerSec));
    records.set(key, perfRecordsFor(fastest.get(key)!));
  };
  // Calibration: a short run per variant and size whose rate sizes the first full one (not reported). Sized from the
  // fastest rate so far, a run that comes out faster than every one before it is the only one shorter than
  // PP_TARGET_MS (before 2026-12-07 13:00 UTC each run was sized from the last: a cold calibration made the next
  // run a 2.3 s burst).
  for (const [v, variant] of PERF_VARIANTS.entries()) {
    for (const size of SIZES) {
      const cal = await perfRun(bench, libsDir, variant, topic(v, size, 0), size, size < 1000 ? 40_000 : 10_000);
      await bench.deleteTopics([topic(v, size, 0)]);
      sizeNext(`${v}/${size}`, cal.recordsPerSec);
      log(
        `ProducerPerformance (${variant.label}) ${size} B calibration: ${fmt(cal.recordsPerSec)} records/s -> ${fmt(records.get(`${v}/${size}`)!)} records per run`,
      );
    }
  }
  const command =
    `java -Xmx${TOOL_JVM.heapMb}m -XX:+UseSerialGC … -cp '<kafka ${bench.lab.kafkaVersion} libs>/*' ${PRODUCER_PERFORMANCE_MAIN} --topic <fresh ${PARTITIONS}-partition RF 3 topic> ` +
    `--num-records <~${PP_TARGET_MS / 1000} s worth> --record-size 100|1024 --throughput -1 --bootstrap-server <source> --command-property acks=all enable.idempotence=true [batch.size=${BATCH_BYTES} linger.ms=${LINGER_MS}]`;
  return {
    command,
    round: async (i) => {
      const out: PerfSample[] = [];
      for (const [v, variant] of PERF_VARIANTS.entries()) {
        for (const size of SIZES) {
          const r = await perfRun(bench, libsDir, variant, topic(v, size, i), size, records.get(`${v}/${size}`)!);
          await bench.deleteTopics([topic(v, size, i)]);
          sizeNext(`${v}/${size}`, r.recordsPerSec);
          log(
            `ProducerPerformance (${variant.label}) ${size} B: ${fmt(r.recordsPerSec)} records/s over ${fmt(r.records / r.recordsPerSec, 1)} s, ${fmt(r.MiBps, 2)} MiB/s, ` +
              `avg ${r.avgLatencyMs} ms, p99 ${r.p99LatencyMs} ms; JVM CPU ${fmt(r.cpuPct)}% of a core; the source brokers ` +
              `${fmt(r.brokerUsPerRecord, 1)} us of CPU per record` +
              (variant.sameBytesAsMirrorlab ? ` (values of ${r.valueBytes} B)` : ''),
          );
          out.push(r);
        }
      }
      return out;
    },
    done: () => bench.deleteTopics(topics),
  };
}

// ---------------------------------------------------------------- 3. one validator, end to end

interface ValidatorSample {
  backlog: number;
  encoding: RecordEncoding;
  /** The validator's FETCH_THREAD: its Kafka client on a thread of its own. */
  fetchThread: boolean;
  recordSize: number;
  /** kafka-consumer-perf-test (ConsumerPerformance) on the same mirrored backlog, right after the validator. */
  perfTool: ConsumerPerfSample | null;
  mirrorWaitS: number;
  startupS: number;
  /** Partitions assigned -> records counter at the backlog (polled every METRICS_POLL_MS). */
  readS: number;
  recordsPerSec: number;
  /** /metrics polls answered during the read, and the slowest answer (ms): the HTTP server's responsiveness while reading. */
  metricsPolls: number;
  maxPollMs: number;
  /** Slope between 10% and 90% of the backlog read. */
  steadyRecordsPerSec: number;
  /** Partitions assigned -> first validator.report at the high watermarks (1 s report granularity). */
  reportReadS: number;
  /** Validator process CPU from partitions assigned to the completing report, % of one core. */
  cpuPct: number;
  clean: boolean;
  accounting: string;
}

/** Starts the scenario, lets the pinned producers write BACKLOG records, stops it; returns every final producer report of it. */
async function writeBacklog(bench: Bench, s: Scenario, producerIds: string[]): Promise<Array<ControlEventOf<'producer.progress'>>> {
  await bench.start(s, 1_000);
  const sent = () => {
    const latest = new Map<string, ControlEventOf<'producer.progress'>['counts']>();
    for (const p of bench.ctl.of(s.scenarioId, 'producer.progress')) latest.set(p.producerId, p.counts);
    const counts = [...latest.values()];
    if (counts.some((c) => c.failed + c.indeterminate > 0)) throw new Error(`backlog sends failing: ${JSON.stringify(counts)}`);
    return counts.reduce((a, c) => a + c.sent, 0);
  };
  await bench.ctl.waitFor(`${BACKLOG} records sent for ${s.scenarioId}`, () => sent() >= BACKLOG, Math.max(120_000, BACKLOG));
  await bench.stopping(s, 'backlog written');
  await bench.ctl.waitFor(
    'final producer reports',
    () => producerIds.every((id) => bench.finalProducerReports(s).some((r) => r.producerId === id)),
    60_000,
  );
  return bench.finalProducerReports(s);
}

interface ConsumerPerfSample {
  records: number;
  /** Its fetch.nMsg.sec: records over the time spent fetching, group join excluded (as the validator's "read"). */
  fetchRecordsPerSec: number;
  /** Its nMsg.sec: join included. */
  recordsPerSec: number;
  fetchMiBps: number;
  /** JVM CPU from start to exit, % of one core. */
  cpuPct: number;
}

/** Kafka's ConsumerPerformance (kafka-consumer-perf-test) from the lab's jars, reading `topic` on the target from the start. */
async function consumerPerfRun(bench: Bench, libsDir: string, topic: string, records: number): Promise<ConsumerPerfSample> {
  const args = javaArgs({
    libsDir,
    log4jConfig: log4jConfigPath(bench.lab),
    jvm: TOOL_JVM,
    mainClass: 'org.apache.kafka.tools.ConsumerPerformance',
    args: [
      '--bootstrap-server',
      bench.lab.target.bootstrap,
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--group',
      `pbench-${RUN_TAG}-perf-${randomBytes(2).toString('hex')}`,
      '--timeout',
      '60000',
    ],
  });
  const { code, stdout, wallS, cpuS } = await bench.runJava(args);
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const row = stdout
    .split('\n')
    .map((l) => l.split(',').map((c) => c.trim()))
    .find((c) => c.length >= 10 && /^\d/.test(c[4] ?? ''));
  if (code !== 0 || row === undefined)
    throw new Error(`ConsumerPerformance exited ${code} without a result row:\n${stdout.split('\n').slice(-15).join('\n')}`);
  return {
    records: Number(row[4]),
    recordsPerSec: Number(row[5]),
    fetchMiBps: Number(row[8]),
    fetchRecordsPerSec: Number(row[9]),
    cpuPct: (cpuS / wallS) * 100,
  };
}

async function validatorSample(
  bench: Bench,
  index: number,
  libsDir: string,
  encoding: RecordEncoding = 'headers',
  fetchThread = true,
): Promise<ValidatorSample> {
  const topic = `ml.pbench-${RUN_TAG}-v-${index}`;
  await bench.deleteMirrors();
  await bench.createTopics([topic]);
  // Long enough that the validator, started after the backlog is written, still finds the scenario unfinished.
  const s = await bench.prepare(`pbench-${RUN_TAG}-v${index}`, topic, {
    producers: BACKLOG_PRODUCERS,
    rate: { records: ASKED_RATE },
    rateSplit: 'per-producer',
    duration: 300_000,
    recordSize: BACKLOG_RECORD_SIZE,
    acks: 'all',
    encoding,
  });
  const producerIds = Array.from({ length: BACKLOG_PRODUCERS }, (_, i) => `pbench-${RUN_TAG}-v${index}-p${i}`);
  const producers = await Promise.all(
    producerIds.map((id) =>
      bench.service('producer', {
        SCENARIO_ID: s.scenarioId,
        PRODUCER_ID: id,
        MAX_BATCH_RECORDS: String(BACKLOG_BATCH),
        PROGRESS_INTERVAL: '1s',
      }),
    ),
  );
  producerIds.forEach((id) => bench.trackGroup(`mirrorlab-producer-${id}`));
  let finals: Array<ControlEventOf<'producer.progress'>>;
  try {
    finals = await writeBacklog(bench, s, producerIds);
  } finally {
    for (const p of producers) await bench.stopService(p);
  }
  const acked = finals.reduce((n, f) => n + f.counts.acked, 0);
  const producedAt = Date.now();

  // Mirrored: every target partition at least at its source high watermark.
  const sourceHw = await bench.withAdmin('source', (admin) => Bench.highWatermarks(admin, s.sourceTopic));
  const targetHw = await bench.withAdmin('target', async (admin) => {
    for (const deadline = Date.now() + 180_000; ;) {
      const hw = await Bench.highWatermarks(admin, s.targetTopic);
      if (hw.every((h, p) => h >= sourceHw[p])) return hw;
      if (Date.now() > deadline)
        throw new Error(`MirrorMaker 2 did not mirror ${s.sourceTopic} within 180 s (source ${sourceHw}, target ${hw})`);
      await sleep(250);
    }
  });
  const mirrorWaitS = (Date.now() - producedAt) / 1000;
  const backlog = targetHw.reduce((a, b) => a + b, 0);
  log(
    `validator sample ${index}: ${fmt(acked)} acked on the source, ${fmt(backlog)} records on the target (mirrored ${mirrorWaitS.toFixed(1)} s after the producers stopped)`,
  );

  const validatorId = `pbench-${RUN_TAG}-v${index}`;
  const spawnedAt = Date.now();
  const validator = await bench.service('consumer-validator', {
    VALIDATOR_ID: validatorId,
    REPORT_INTERVAL: VALIDATOR_REPORT_INTERVAL,
    SESSION_TIMEOUT: '10s',
    // Pinned to its scenario: never reads anyone else's on the shared lab.
    SCENARIO_ID: s.scenarioId,
    FETCH_THREAD: String(fetchThread),
    ...(process.env.VALIDATOR_PROFILE_DIR
      ? {
          // A directory per validator and no fixed name: each thread (main, fetch) writes a profile of its own.
          NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.VALIDATOR_PROFILE_DIR}/validator-${BACKLOG_RECORD_SIZE}B-${validatorId}`,
        }
      : {}),
  });
  bench.trackGroup(`mirrorlab-validator-control-${validatorId}`);
  bench.trackGroup(`mirrorlab-validator-${s.scenarioId}`);
  try {
    const assigned = await validator.waitForEvent(
      (e) => e.event === 'partitions_assigned' && Array.isArray(e.owned) && e.owned.length === PARTITIONS,
      60_000,
    );
    const assignedAt = Date.parse(String(assigned.ts));
    const cpu0 = cpuSeconds(validator.child.pid);
    const cpuAt0 = Date.now();
    const reports = () => bench.ctl.of(s.scenarioId, 'validator.report').filter((r) => r.validatorId === validatorId);
    // The validator's records counter, every METRICS_POLL_MS: a finer clock than its 1 s reports.
    const progress: Array<[number, number]> = [];
    // How long the validator's HTTP server took to answer each poll while it read (Kubernetes probes wait on the same server).
    const pollMs: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t0 = Date.now();
        const n = await counter(validator, 'mirrorlab_validator_records_total', s.scenarioId).catch(() => Number.NaN);
        if (Number.isFinite(n)) progress.push([(t0 + Date.now()) / 2, n]);
        pollMs.push(Date.now() - t0);
        if (n >= backlog) return;
        await sleep(METRICS_POLL_MS);
      }
    })();
    const done = await bench.ctl.waitFor(
      `${validatorId} at the high watermarks`,
      () => reports().find((r) => r.partitions.length === PARTITIONS && r.partitions.every((p) => p.nextOffset >= targetHw[p.partition])),
      300_000,
    );
    const cpuPct = ((cpuSeconds(validator.child.pid) - cpu0) / ((Date.now() - cpuAt0) / 1000)) * 100;
    polling = false;
    await poller;
    const reportReadS = (done.atMs - assignedAt) / 1000;
    const at = (fraction: number) => progress.find(([, n]) => n >= backlog * fraction);
    const [full, p10, p90] = [at(1), at(0.1), at(0.9)];
    const readS = full ? (full[0] - assignedAt) / 1000 : reportReadS;
    const steady = p10 && p90 && p90[0] > p10[0] ? (p90[1] - p10[1]) / ((p90[0] - p10[0]) / 1000) : Number.NaN;

    await bench.drained(s);
    const final = await bench.ctl.waitFor(`final report of ${validatorId}`, () => reports().find((r) => r.final), 60_000);
    const producerReports: ProducerReport[] = [];
    for (const f of finals) if (f.keys) producerReports.push({ producerId: f.producerId, scenarioId: f.scenarioId, keys: f.keys });
    const acc = reconcile(latestPartitions([final.state]), producerReports);
    const counts = {
      acked: acc.totals.acked,
      seenDistinct: acc.totals.seenDistinct,
      lost: acc.lost.count,
      unseen: acc.unseen.count,
      unexpected: acc.unexpected.count,
      duplicate: acc.duplicate.count,
      corrupt: acc.corrupt.count,
      failed: acc.totals.failed,
      indeterminate: acc.totals.indeterminate,
    };
    const clean = counts.lost + counts.unseen + counts.unexpected + counts.corrupt === 0 && counts.seenDistinct === counts.acked;
    const accounting = Object.entries(counts)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(', ');
    await bench.stopService(validator);
    // The same backlog through Kafka's own consumer, in the same run (the validator has stopped: they do not share the cores).
    const perfTool = await consumerPerfRun(bench, libsDir, s.targetTopic, backlog).catch((err: unknown) => {
      log(`warning: ConsumerPerformance failed: ${String(err)}`);
      return null;
    });
    if (perfTool !== null)
      log(
        `ConsumerPerformance on the same ${fmt(backlog)} records: ${fmt(perfTool.fetchRecordsPerSec)} records/s fetching (${fmt(perfTool.recordsPerSec)} with its group join), ` +
          `${fmt(perfTool.fetchMiBps, 2)} MiB/s; JVM CPU ${fmt(perfTool.cpuPct)}% of a core`,
      );
    const sample: ValidatorSample = {
      backlog,
      encoding,
      fetchThread,
      recordSize: BACKLOG_RECORD_SIZE,
      perfTool,
      mirrorWaitS,
      startupS: (assignedAt - spawnedAt) / 1000,
      readS,
      recordsPerSec: backlog / readS,
      steadyRecordsPerSec: steady,
      metricsPolls: pollMs.length,
      maxPollMs: pollMs.length > 0 ? Math.max(...pollMs) : Number.NaN,
      reportReadS,
      cpuPct,
      clean,
      accounting,
    };
    log(
      `validator sample ${index} (${encoding}, fetch thread ${fetchThread ? 'on' : 'off'}): ${fmt(backlog)} records read and checked in ${readS.toFixed(2)} s after its partitions were assigned (${reportReadS.toFixed(1)} s by its reports) ` +
        `(${fmt(sample.recordsPerSec)} records/s, steady ${fmt(steady)} records/s; startup ${sample.startupS.toFixed(1)} s; CPU ${fmt(cpuPct)}% of a core; ${sample.metricsPolls} /metrics polls, slowest ${fmt(sample.maxPollMs)} ms); ${clean ? 'clean' : 'NOT CLEAN'}: ${accounting}`,
    );
    return sample;
  } finally {
    await bench.stopService(validator);
    await bench.deleteTopics([topic]);
  }
}

async function measureValidator(bench: Bench, libsDir: string): Promise<ValidatorSample[]> {
  const out: ValidatorSample[] = [];
  for (let i = 0; i < SAMPLES; i++) out.push(await validatorSample(bench, i, libsDir));
  return out;
}

// ---------------------------------------------------------------- report

function javaVersion(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('java', ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve('unknown'));
    child.on('exit', () => resolve(/version "([^"]+)"/.exec(out)?.[1] ?? 'unknown'));
  });
}

function samplesCell(xs: number[], digits = 0): string {
  return xs.map((x) => fmt(x, digits)).join(' / ');
}

/** The sample whose records/s is the median (the row's other columns come from the same run). */
function medianRun<T extends { recordsPerSec: number }>(xs: T[]): T {
  const m = median(xs.map((x) => x.recordsPerSec));
  return xs.find((x) => x.recordsPerSec === m)!;
}

function renderResults(
  producer: ProducerSample[],
  perf: { samples: PerfSample[]; command: string },
  validator: ValidatorSample[],
): string[] {
  const lines: string[] = [];
  const bundleRun = (size: number, batch: number) => medianRun(producer.filter((p) => p.size === size && p.batch === batch));
  const perfRunOf = (size: number, variant = PERF_VARIANTS[0].label) =>
    medianRun(perf.samples.filter((p) => p.size === size && p.variant === variant));

  lines.push('## 1. One producer bundle, acks=all, idempotent', '');
  lines.push(
    `Asked for ${fmt(ASKED_RATE)} records/s for ${RUN_MS / 1000} s on a fresh ${PARTITIONS}-partition topic (RF 3, min ISR 2), a fresh producer process per run`,
    '(pinned to its scenario with `SCENARIO_ID`), configurations interleaved;',
    'records/s = acknowledged records / run time, from the final `producer.progress`. "values" counts record values only;',
    '"+ key, headers" adds the record key and the mirrorlab headers (names and values) the producer puts on every record,',
    'not Kafka’s own record and batch framing. CPU is the producer process over the run (100% = one core); "produce calls"',
    'are its `sendBatch` calls (one at a time), with the mean records each carried and the mean time to its answer.',
    '',
    '| record size | MAX_BATCH_RECORDS | records/s (median) | MiB/s values | MiB/s + key, headers | records/s samples | CPU | produce calls: records, ms each, share of run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const batch of BATCHES) {
    for (const size of SIZES) {
      const xs = producer.filter((p) => p.size === size && p.batch === batch);
      const mid = bundleRun(size, batch);
      lines.push(
        `| ${size} B | ${batch}${batch === 1000 ? ' (default)' : ''} | ${fmt(mid.recordsPerSec)} | ${fmt(mid.valueMiBps, 2)} | ${fmt(mid.wireMiBps, 2)} | ` +
          `${samplesCell(xs.map((x) => x.recordsPerSec))} | ${fmt(mid.cpuPct)}% | ${fmt(mid.acked / Math.max(1, mid.requests))}, ${fmt(mid.meanSendMs)} ms, ${fmt(mid.sendShare * 100)}% |`,
      );
    }
  }
  const notClean = producer.filter((p) => p.failed + p.indeterminate > 0 || p.sent !== p.acked);
  lines.push(
    '',
    notClean.length === 0
      ? 'Every record sent was acknowledged (no failed or indeterminate sends) in every run.'
      : `${notClean.length} run(s) had failed or indeterminate sends: ${notClean.map((p) => `${p.size} B/${p.batch}: ${p.failed} failed, ${p.indeterminate} indeterminate`).join('; ')}.`,
    '',
  );

  lines.push('## 2. Kafka’s ProducerPerformance, same jars, same cluster', '');
  lines.push(
    `\`${perf.command}\``,
    '',
    '(`--bootstrap-server`/`--command-property` are the non-deprecated spellings of `--producer-props bootstrap.servers=… acks=all enable.idempotence=true`.)',
    'Numbers are its own summary line (`N records sent, X records/sec (Y MB/sec), …`); its MB is MiB and counts values only (it sends',
    'no key and no headers). One unreported calibration run per size sized the measured runs. CPU is the JVM from start to exit.',
    '',
    '| client config | record size | records/s (median) | MiB/s (median) | records/s samples | avg / p99 latency | CPU |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const variant of PERF_VARIANTS) {
    for (const size of SIZES) {
      const xs = perf.samples.filter((p) => p.size === size && p.variant === variant.label);
      const mid = medianRun(xs);
      lines.push(
        `| ${variant.label} | ${size} B | ${fmt(mid.recordsPerSec)} | ${fmt(mid.MiBps, 2)} | ${samplesCell(xs.map((x) => x.recordsPerSec))} | ` +
          `${fmt(mid.avgLatencyMs)} / ${fmt(mid.p99LatencyMs)} ms | ${fmt(mid.cpuPct)}% |`,
      );
    }
  }
  lines.push('');

  const v = medianRun(validator);
  lines.push('## 3. One consumer-validator bundle, end to end', '');
  lines.push(
    `${BACKLOG_PRODUCERS} producer bundles wrote ≥ ${fmt(BACKLOG)} records of ${BACKLOG_RECORD_SIZE} B to a fresh ${PARTITIONS}-partition topic. Once MirrorMaker 2 had`,
    'mirrored all of it (every target high watermark at its source one), ONE validator bundle was started (`REPORT_INTERVAL=1s`).',
    `"read" runs from its \`partitions_assigned\` log line until its \`mirrorlab_validator_records_total\` counter (polled every ${METRICS_POLL_MS} ms`,
    'on /metrics) reaches the backlog; the run then ends on the first `validator.report` with every partition at the high watermark',
    '("by reports", 1 s granularity). "steady" is the slope from 10% to 90% of the backlog read; "startup" is process start to',
    'partitions assigned (bundle load, control topic catch-up, group join). CPU is the validator process while reading.',
    '',
    '| backlog | records/s (median) | steady records/s | read s samples | by reports, s | records/s samples | startup | CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${fmt(v.backlog)} | ${fmt(v.recordsPerSec)} | ${Number.isFinite(v.steadyRecordsPerSec) ? fmt(v.steadyRecordsPerSec) : 'n/a'} | ` +
      `${samplesCell(
        validator.map((x) => x.readS),
        2,
      )} | ${samplesCell(
        validator.map((x) => x.reportReadS),
        1,
      )} | ${samplesCell(validator.map((x) => x.recordsPerSec))} | ` +
      `${v.startupS.toFixed(1)} s | ${fmt(v.cpuPct)}% |`,
    '',
    'Final accounting of each run (reconciled from the validator’s final report and the producers’ final reports, as the',
    'report-aggregator does; "clean" = nothing lost, unseen, unexpected or corrupt, and every acknowledged record seen):',
    '',
  );
  validator.forEach((x, i) =>
    lines.push(
      `- run ${i + 1}: ${x.clean ? 'clean' : '**NOT clean**'}; backlog ${fmt(x.backlog)}, mirrored ${x.mirrorWaitS.toFixed(1)} s after the producers stopped; ${x.accounting}`,
    ),
  );
  lines.push('');

  // Interpretation: the mechanism is read off the code; every number (and which way a comparison goes) is this run's.
  const [small, large] = SIZES;
  const [defBatch, bigBatch] = BATCHES;
  const b100 = bundleRun(small, defBatch);
  const b1k = bundleRun(large, defBatch);
  const b100big = bundleRun(small, bigBatch);
  const b1kbig = bundleRun(large, bigBatch);
  const pd100 = perfRunOf(small);
  const pd1k = perfRunOf(large);
  const pb100 = perfRunOf(small, PERF_VARIANTS[1].label);
  const pb1k = perfRunOf(large, PERF_VARIANTS[1].label);
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const bestBundle1k = Math.max(b1k.valueMiBps, b1kbig.valueMiBps);
  const bestPerf1k = Math.max(pd1k.MiBps, pb1k.MiBps);
  const waiting = Math.min(b100.sendShare, b1k.sendShare, b100big.sendShare, b1kbig.sendShare);
  const maxCpu = Math.max(b100.cpuPct, b1k.cpuPct, b100big.cpuPct, b1kbig.cpuPct);
  lines.push('## Interpretation', '');
  const fastest = (a: ProducerSample, b: ProducerSample) => (a.recordsPerSec >= b.recordsPerSec ? a : b);
  const best100 = fastest(b100, b100big);
  const gap100 = pb100.recordsPerSec / best100.recordsPerSec;
  const bytesGap100 = pb100.MiBps / best100.wireMiBps;
  lines.push(
    '- **The producer bundle is a stop-and-wait writer.** `ProducerRun` awaits one `sendBatch` of up to MAX_BATCH_RECORDS records, sleeps',
    '  `LINGER` (5 ms), then takes the next batch: one produce call in flight by design (per-key order on the wire = sequence order), and',
    '  the service gives kafkajs’s idempotent producer `maxInFlightRequests: 1` anyway. A call fans out to the 3 partition leaders and',
    '  returns with the slowest acks=all answer, so records/s ≈ batch / (answer time + 5 ms + encoding). In the median run of each configuration it spent',
    `  ≥ ${fmt(waiting * 100)}% of the run waiting for answers (${fmt(Math.min(b100.meanSendMs, b1k.meanSendMs))}–${fmt(Math.max(b100big.meanSendMs, b1kbig.meanSendMs))} ms per call in the median runs) at ≤ ${fmt(maxCpu)}% of a core:`,
    '  ' +
      (maxCpu < 80 && waiting > 0.6
        ? 'it is bound by how fast the brokers answer (acks=all: leader and both followers, on CPU-starved cores), not by its own CPU.'
        : 'its own CPU matters as well as the brokers’ answer time.'),
    '  While it encodes (`encodeRecord`: 7 headers and a checksum per record; kafkajs: record batches and CRC-32C in JavaScript) nothing',
    '  is on the wire, and while it waits nothing is encoded.',
    `- **Bigger batches:** ${fmt(bigBatch)} records per call instead of ${fmt(defBatch)} gave ${x(b100big.recordsPerSec, b100.recordsPerSec)} the records/s at 100 B and`,
    `  ${x(b1kbig.recordsPerSec, b1k.recordsPerSec)} at 1 KiB: a bigger call is answered later (${fmt(b100.meanSendMs)} → ${fmt(b100big.meanSendMs)} ms at 100 B, ${fmt(b1k.meanSendMs)} → ${fmt(b1kbig.meanSendMs)} ms`,
    '  at 1 KiB), since the brokers write it three times (RF 3) on the same 2 cores, so the gain is well below 4× and, with large',
    '  records, can vanish in the noise. The broker’s 1 MiB per-partition batch limit caps this lever near 5,000 records of 1 KiB per call.',
    `- **Kafka’s own client, defaults** (16 KiB batches, linger 5 ms, ≤ 5 requests in flight per broker): ${fmt(pd100.recordsPerSec)} records/s at 100 B`,
    `  (${x(pd100.recordsPerSec, b100.recordsPerSec)} the bundle’s default) and ${fmt(pd1k.recordsPerSec)} at 1 KiB (${x(pd1k.recordsPerSec, b1k.recordsPerSec)}). Its records took ${fmt(pd100.avgLatencyMs)} / ${fmt(pd1k.avgLatencyMs)} ms on average`,
    '  from `send()` to acknowledgement (time queued in its 32 MiB buffer included); with 16 KiB batches at most ~160 KiB per broker is',
    '  in flight per round trip, so on a cluster that answers this slowly small batches cost it throughput (next row).',
    `- **Kafka’s own client, batch.size ${fmt(BATCH_BYTES)}** (linger ${LINGER_MS} ms): ${fmt(pb100.recordsPerSec)} records/s at 100 B (${x(pb100.recordsPerSec, fastest(b100, b100big).recordsPerSec)} the bundle’s best) and`,
    `  ${fmt(pb1k.recordsPerSec)} at 1 KiB (${x(pb1k.recordsPerSec, fastest(b1k, b1kbig).recordsPerSec)}). ` +
      (bestPerf1k < bestBundle1k * 1.3
        ? `With 1 KiB records both clients top out near ${fmt(Math.max(bestBundle1k, bestPerf1k), 1)} MiB/s of values: that is what this source`
        : `With 1 KiB records the Java client still gets ${x(bestPerf1k, bestBundle1k)} the bundle’s best MiB/s, so the bundle’s loop, not only the`),
    '  ' +
      (bestPerf1k < bestBundle1k * 1.3
        ? 'cluster absorbs with acks=all while MirrorMaker 2 mirrors it on the same cores: for large records the cluster is the limit.'
        : 'cluster, limits it even for large records.'),
    ...(gap100 < 1.3
      ? ['  With 100 B records the two are close in records/s here.']
      : bytesGap100 < 1.3
        ? [
            `  With 100 B records the ${x(pb100.recordsPerSec, best100.recordsPerSec)} gap in records/s is mostly record size: counted in bytes (value + key + headers) the`,
            `  bundle wrote ${fmt(best100.wireMiBps, 2)} MiB/s against the Java client’s ${fmt(pb100.MiBps, 2)} MiB/s of bare values, because every test record carries`,
            `  ~${fmt((best100.wireMiBps / best100.valueMiBps) * 100 - 100)}% on top of its 100 B value; stop-and-wait (one call in flight) and JavaScript encoding add little here.`,
          ]
        : [
            `  With 100 B records the ${x(pb100.recordsPerSec, best100.recordsPerSec)} gap in records/s is only partly record size (in bytes, value + key + headers, it is`,
            `  ${x(pb100.MiBps, best100.wireMiBps)}): the rest is the bundle’s stop-and-wait and per-record JavaScript encoding against the Java client’s pipelining`,
            '  (a separate I/O thread, up to 5 requests in flight per broker, null keys filling one partition’s batch at a time).',
          ]),
    `- **Headers are not free:** the mirrorlab key and headers add ~${fmt(((b100.wireMiBps - b100.valueMiBps) / b100.valueMiBps) * 100)}% to a 100 B value (${fmt(b100.wireMiBps, 2)} vs ${fmt(b100.valueMiBps, 2)} MiB/s) and ~${fmt(((b1k.wireMiBps - b1k.valueMiBps) / b1k.valueMiBps) * 100)}% to 1 KiB.`,
    `- **One validator** read and checked ~${fmt(v.recordsPerSec)} records/s of ${v.recordSize} B end to end` +
      (Number.isFinite(v.steadyRecordsPerSec) ? ` (~${fmt(v.steadyRecordsPerSec)} steady)` : '') +
      ` at ${fmt(v.cpuPct)}% of a core, ${x(v.recordsPerSec, b100.recordsPerSec)} what one`,
    `  producer writes at 100 B with the default batch, with exact accounting in ${validator.filter((c) => c.clean).length} of ${validator.length} runs. ` +
      (v.cpuPct >= 80
        ? 'It is CPU-bound on its one JavaScript thread (kafkajs'
        : 'It is not CPU-bound: it waits on fetches from the target cluster, which shares the same cores (the'),
    '  ' +
      (v.cpuPct >= 80
        ? 'fetching and decoding batches, then record decoding; the checker alone does millions of records/s, see bench/validation).'
        : 'checker alone does millions of records/s, see bench/validation).'),
    '- To write faster today, add producer replicas (rates split over `workload.producers`). Inside one process the levers are encoding the',
    '  next batch while the current one is in flight, larger batches up to the broker’s limit, and skipping the 5 ms linger sleep when',
    '  the token bucket is behind (a few % at these call times).',
    '',
  );
  return lines;
}

/**
 * One part of the bench (`--only=...`): its figures go to bench/producer/results.json under their own key
 * (other keys kept), with the machine's load, since the machine is shared.
 */
async function runOnly(bench: Bench, part: 'validator' | 'producer-100B' | 'producer', libsDir: string, load0: number): Promise<void> {
  const file = join(__dirname, 'results.json');
  const results = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, unknown>;
  const machine = () => ({
    cpus: cpus().length,
    shared: 'yes: both 3-broker clusters, MirrorMaker 2 and other engineers’ work run on the same cores',
    loadavg1AtStart: Number(load0.toFixed(1)),
    loadavg1AtEnd: Number(loadavg()[0].toFixed(1)),
    kafka: bench.lab.kafkaVersion,
    labMode: bench.lab.mode,
  });
  if (part === 'validator') {
    // One backlog per encoding (--encodings): the validator's client decodes headers per record, so their number matters.
    // Encodings interleaved, their order flipped every round (h, sh, sh, h, ...), so drifting load hits them alike.
    // And one per FETCH_THREAD setting (--fetch-thread), interleaved the same way.
    const variants = ENCODINGS.flatMap((encoding) => FETCH_THREADS.map((fetchThread) => ({ encoding, fetchThread })));
    const samples: ValidatorSample[] = [];
    for (let round = 0; round < SAMPLES; round++)
      for (const [i, v] of (round % 2 === 0 ? variants : [...variants].reverse()).entries())
        samples.push(await validatorSample(bench, round * variants.length + i, libsDir, v.encoding, v.fetchThread));
    results.validator_1KiB = {
      measured: new Date().toISOString(),
      machine: machine(),
      samples: samples.map((v) => ({
        encoding: v.encoding,
        fetchThread: v.fetchThread,
        backlog: v.backlog,
        recordSize: v.recordSize,
        validator: {
          recordsPerSec: Math.round(v.recordsPerSec),
          steadyRecordsPerSec: Number.isFinite(v.steadyRecordsPerSec) ? Math.round(v.steadyRecordsPerSec) : null,
          metricsPolls: v.metricsPolls,
          maxPollMs: Number.isFinite(v.maxPollMs) ? v.maxPollMs : null,
          cpuPct: Math.round(v.cpuPct),
          clean: v.clean,
          accounting: v.accounting,
        },
        consumerPerformance:
          v.perfTool === null
            ? null
            : {
                fetchRecordsPerSec: Math.round(v.perfTool.fetchRecordsPerSec),
                recordsPerSec: Math.round(v.perfTool.recordsPerSec),
                cpuPct: Math.round(v.perfTool.cpuPct),
              },
        validatorVsConsumerPerformance: v.perfTool === null ? null : Number((v.recordsPerSec / v.perfTool.fetchRecordsPerSec).toFixed(2)),
      })),
    };
  } else if (part === 'producer') {
    const { producer, perf } = await measureSideBySide(bench, libsDir);
    const fidelity = await measureFidelity(bench, producer);
    const withoutService = await measureRunWithoutService(bench);
    const bare = await measureBareClient(bench);
    const perfAt = (variant: string, size: number) =>
      Math.max(...perf.samples.filter((p) => p.variant === variant && p.size === size).map((p) => p.recordsPerSec));
    const perfMedianAt = (variant: string, size: number) =>
      median(perf.samples.filter((p) => p.variant === variant && p.size === size).map((p) => p.recordsPerSec));
    /** Best sample against best sample, or (`of: median`) median against median. */
    const ratios = (variant: string, of: 'best' | 'median' = 'best') =>
      Object.fromEntries(
        ENCODINGS.map((encoding) => [
          encoding,
          Object.fromEntries(
            SIZES.map((size) => {
              const rates = producer.filter((p) => p.encoding === encoding && p.size === size).map((p) => p.recordsPerSec);
              const own = of === 'best' ? Math.max(...rates) : median(rates);
              const theirs = of === 'best' ? perfAt(variant, size) : perfMedianAt(variant, size);
              return [size < 1024 ? `${size}B` : `${size / 1024}KiB`, Number((own / theirs).toFixed(2))];
            }),
          ),
        ]),
      );
    results.producer_encodings = {
      measured: new Date().toISOString(),
      machine: machine(),
      producer: producer.map((p) => ({
        encoding: p.encoding,
        size: p.size,
        batch: p.batch,
        recordsPerSec: Math.round(p.recordsPerSec),
        valueMiBps: Number(p.valueMiBps.toFixed(2)),
        bookedInRunPerSec: Math.round(p.bookedPerSec),
        cpuPct: Math.round(p.cpuPct),
        failed: p.failed,
        indeterminate: p.indeterminate,
        cpuUsPerRecord: Number(p.cpuUsPerRecord.toFixed(1)),
        mainThreadUsPerRecord: Number(p.mainThreadUsPerRecord.toFixed(1)),
        clientThreadsUsPerRecord: Number(p.clientThreadsUsPerRecord.toFixed(1)),
        sourceBrokersUsPerRecord: Number(p.brokerUsPerRecord.toFixed(1)),
      })),
      scheduleFidelityAt80PercentOfMax: fidelity,
      runWithoutService: withoutService.map((r) => ({
        ...r,
        vsProducerPerformanceMatched: Number((r.recordsPerSec / perfAt(PERF_VARIANTS[1].label, r.size)).toFixed(2)),
      })),
      bareLibrdkafka: bare.map((b) => ({
        variant: b.variant,
        size: b.size,
        recordsPerSec: Math.round(b.recordsPerSec),
        cpuPct: Math.round(b.cpuPct),
        cpuUsPerRecord: Number(b.cpuUsPerRecord.toFixed(1)),
        mainThreadUsPerRecord: Number(b.mainThreadUsPerRecord.toFixed(1)),
        clientThreadsUsPerRecord: Number(b.clientThreadsUsPerRecord.toFixed(1)),
        vsProducerPerformanceMatched: Number((b.recordsPerSec / perfAt(PERF_VARIANTS[1].label, b.size)).toFixed(2)),
      })),
      producerPerformance: perf.samples.map((p) => ({
        variant: p.variant,
        size: p.size,
        valueBytes: p.valueBytes,
        recordsPerSec: Math.round(p.recordsPerSec),
        cpuPct: Math.round(p.cpuPct),
        sourceBrokersUsPerRecord: Number(p.brokerUsPerRecord.toFixed(1)),
      })),
      producerVsProducerPerformanceMatched: ratios(PERF_VARIANTS[1].label),
      producerVsProducerPerformanceMatchedMedians: ratios(PERF_VARIANTS[1].label, 'median'),
      producerVsProducerPerformanceDefaults: ratios(PERF_VARIANTS[0].label),
      producerVsProducerPerformanceSameBytes: ratios(PERF_VARIANTS[2].label),
      producerVsProducerPerformanceSameBytesMedians: ratios(PERF_VARIANTS[2].label, 'median'),
    };
    for (const variant of PERF_VARIANTS.slice(1))
      log(
        `producer against ProducerPerformance (${variant.label}): best/best ${JSON.stringify(ratios(variant.label))}, ` +
          `median/median ${JSON.stringify(ratios(variant.label, 'median'))}`,
      );
  } else {
    const { producer, perf } = await measureSideBySide(bench, libsDir);
    const best = (xs: Array<{ recordsPerSec: number }>) => Math.max(...xs.map((x) => x.recordsPerSec));
    const pp = best(perf.samples.filter((p) => p.variant === PERF_VARIANTS[1].label));
    results.producer_100B = {
      measured: new Date().toISOString(),
      machine: machine(),
      producer: producer.map((p) => ({
        encoding: p.encoding,
        batch: p.batch,
        recordsPerSec: Math.round(p.recordsPerSec),
        bookedInRunPerSec: Math.round(p.bookedPerSec),
        cpuPct: Math.round(p.cpuPct),
        failed: p.failed,
        indeterminate: p.indeterminate,
      })),
      producerPerformance: perf.samples.map((p) => ({
        variant: p.variant,
        recordsPerSec: Math.round(p.recordsPerSec),
        cpuPct: Math.round(p.cpuPct),
      })),
      bestProducerVsBestProducerPerformanceMatched: Number((best(producer) / pp).toFixed(2)),
    };
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${file}`);
}

async function main(): Promise<void> {
  const lab = findLab();
  const dist = cachedKafkaDist() ?? (await ensureKafkaDist({ log }));
  const bench = new Bench(lab);
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= bench.cleanup());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  const startedAt = Date.now();
  const load0 = loadavg()[0];
  try {
    await bench.connect();
    log(
      `lab ${lab.id} (${lab.mode}, Kafka ${lab.kafkaVersion}); run tag ${RUN_TAG}; ${SAMPLES} sample(s) of each; producer linger.ms ${LINGER_MS}`,
    );
    if (only !== undefined) {
      await runOnly(bench, only, dist.libsDir, load0);
      return;
    }
    const { producer, perf } = await measureSideBySide(bench, dist.libsDir);
    const validator = await measureValidator(bench, dist.libsDir);
    const minutes = (Date.now() - startedAt) / 60_000;
    const load1 = loadavg()[0];

    const header = [
      '# Producer and validator throughput (services/producer, services/consumer-validator)',
      '',
      `- Date: ${new Date().toISOString().slice(0, 10)}`,
      `- Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, shared: 1-min load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end`,
      `- Node ${process.version}, Java ${await javaVersion()}, Kafka ${lab.kafkaVersion} (the lab's jars; lab ${lab.id} in ${lab.mode} mode: 3 + 3 brokers and MirrorMaker 2 on this machine)`,
      '- Command: `npx nx run-many -t build -p producer consumer-validator && npx tsx bench/producer/run.ts` (with `MIRRORLAB_LAB_DIR` set to the running lab)',
      `- Total bench time: ${minutes.toFixed(1)} min; ${SAMPLES} samples of each measurement, median reported`,
      '',
      'The numbers are noisy: the 2 cores also run both 3-broker clusters, MirrorMaker 2 (which mirrors every record',
      'written here while it is measured) and, at times, other engineers’ labs and tests. Read them as orders',
      'of magnitude and as ratios between rows of the same run, not as the capacity of a real deployment.',
      '',
    ];
    const lines = [...header, ...renderResults(producer, perf, validator)];
    if (!quick) writeFileSync(join(__dirname, 'RESULTS.md'), lines.join('\n'));
    console.log(['', ...lines].join('\n'));
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
