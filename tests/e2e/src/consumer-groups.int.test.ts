import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { LAB_MM2_OFFSET_LAG_MAX, type LabState } from '@mirrorlab/lab';
import { checkpointsTopic, consumerGroupId, decodeCheckpoint, decodeRecord } from '@mirrorlab/protocol';
import { spawnService, type ServiceProcess } from '@mirrorlab/service-kit/testing';
import { checkTranslations, type TargetRecord, type TranslationObservation } from '@mirrorlab/validation';
import { ControlProbe } from './support/control-probe';
import { labServiceEnv, runningLab, serviceBundle } from './support/lab-env';
import { ScenarioHarness, type HarnessRun } from './support/scenario-harness';

/**
 * The consumer-groups service against the real lab: source consumer groups (one keeping up, one
 * lagging) commit and publish what they processed; its collector publishes what MirrorMaker 2's
 * checkpoint connector translated; the checker judges the translations by the target's records.
 * No fault: Kafka's own MirrorConnectorsIntegrationBaseTest asserts the same (never past what the
 * group consumed, monotonic), so a correct MirrorMaker 2 shows no unsafe translation here.
 */
let lab: LabState;
let probe: ControlProbe;
let sourceAdmin: Admin;
let targetAdmin: Admin;
let harness: ScenarioHarness;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  lab = runningLab();
  probe = await ControlProbe.start(lab.target.bootstrap);
  const kafka = (brokers: string) => new Kafka({ clientId: 'e2e-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  sourceAdmin = kafka(lab.source.bootstrap).admin();
  targetAdmin = kafka(lab.target.bootstrap).admin();
  await Promise.all([sourceAdmin.connect(), targetAdmin.connect()]);
  harness = new ScenarioHarness(lab, probe, sourceAdmin, targetAdmin);
});

afterAll(async () => {
  const stopping = running.splice(0).map(async (svc) => ({ svc, code: await svc.stop('SIGTERM') }));
  for (const { svc, code } of await Promise.all(stopping)) if (svc.child.signalCode !== 'SIGKILL') expect(code).toBe(0);
  await Promise.allSettled([probe?.close(), sourceAdmin?.disconnect(), targetAdmin?.disconnect()]);
});

async function start(service: string, env: Record<string, string>): Promise<ServiceProcess> {
  const svc = await spawnService(serviceBundle(service), { ...labServiceEnv(lab), PROGRESS_INTERVAL: '2s', ...env });
  running.push(svc);
  await svc.waitForEvent((e) => e.event === 'control_topic_caught_up', 60_000);
  return svc;
}

/**
 * Reads `topic` on the target from the beginning, each message to `onMessage`, until `done()`; fails after
 * `timeoutMs` with `incomplete()` in the message.
 */
async function readTargetUntil(
  topic: string,
  groupId: string,
  onMessage: (partition: number, message: KafkaMessage) => void,
  done: () => boolean,
  timeoutMs: number,
  incomplete: () => string,
): Promise<void> {
  const consumer = new Kafka({
    clientId: 'e2e-target-reader',
    brokers: lab.target.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  }).consumer({
    groupId,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      if (done()) resolve();
      const timer = setTimeout(() => reject(new Error(incomplete())), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          onMessage(partition, message);
          if (done()) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Every test record of the target topic, by partition: offset -> identity. */
async function targetRecords(
  run: HarnessRun,
  partitions: number,
): Promise<Array<{ topic: string; partition: number; records: TargetRecord[] }>> {
  const ends = await targetAdmin.fetchTopicOffsets(run.targetTopic);
  const want = new Map(ends.map((e) => [e.partition, Number(e.high)]));
  const out = new Map<number, TargetRecord[]>(Array.from({ length: partitions }, (_, p) => [p, []]));
  const read = new Map<number, number>();
  await readTargetUntil(
    run.targetTopic,
    `e2e-target-reader-${run.scenarioId}`,
    (partition, message) => {
      const d = decodeRecord({ key: message.key, value: message.value, headers: message.headers });
      if (d.ok && d.record.meta.scenarioId === run.scenarioId) {
        out.get(partition)?.push({
          offset: Number(message.offset),
          producerId: d.record.meta.producerId,
          keyEpoch: d.record.meta.keyEpoch,
          key: d.record.key,
          seq: d.record.meta.seq,
        });
      }
      read.set(partition, Number(message.offset) + 1);
    },
    () => [...want].every(([p, high]) => (read.get(p) ?? 0) >= high),
    60_000,
    () => `target read incomplete: ${JSON.stringify([...read])} of ${JSON.stringify([...want])}`,
  );
  return [...out].map(([partition, records]) => ({ topic: run.targetTopic, partition, records }));
}

/**
 * MirrorMaker 2's checkpoints of `group` on `targetTopic`, read from its checkpoints topic (the lab's source alias)
 * until every partition of `until` has one translating that source offset, at most `timeoutMs`.
 */
async function checkpointsUntil(
  group: string,
  targetTopic: string,
  until: Map<number, number>,
  timeoutMs: number,
): Promise<TranslationObservation[]> {
  const seen: TranslationObservation[] = [];
  await readTargetUntil(
    checkpointsTopic('source'),
    `e2e-checkpoints-${group}`,
    (_, message) => {
      const r = decodeCheckpoint(message.key, message.value);
      if (!r.ok || r.checkpoint.group !== group || r.checkpoint.topic !== targetTopic) return;
      const c = r.checkpoint;
      seen.push({
        group,
        topic: targetTopic,
        partition: c.partition,
        atMs: Number(message.timestamp),
        offset: c.downstreamOffset,
        upstreamOffset: c.upstreamOffset,
        via: 'checkpoint',
      });
    },
    () => [...until].every(([partition, offset]) => seen.some((t) => t.partition === partition && t.upstreamOffset === offset)),
    timeoutMs,
    () => {
      const latest = [...until.keys()].map((p) => [p, seen.filter((t) => t.partition === p).at(-1)?.upstreamOffset ?? null]);
      return `no checkpoint of ${group}'s final commits ${JSON.stringify([...until])} in ${timeoutMs} ms; latest: ${JSON.stringify(latest)}`;
    },
  );
  return seen;
}

test('two source groups for 20 s: every MirrorMaker 2 translation is safe and monotonic; the group at the head, once quiet, re-reads within offset.lag.max', async () => {
  const partitions = 3;
  const run = await harness.prepare({
    name: 'cg-translate',
    partitions,
    workload: { producers: 1, rate: { records: 150 }, duration: '20s', recordSize: 128 },
    consumers: [{ group: 'keeps-up' }, { group: 'lags', rate: 60, commitInterval: '2s' }],
  });
  await start('consumer-groups', { CONSUMER_ID: 'cg-e2e', TRANSLATION_INTERVAL: '1s' });
  await start('producer', {});
  await harness.start(run);
  await probe.waitFor('the final producer report', () => harness.finalProducerReports(run).length >= 1, run.endAtMs - Date.now() + 60_000);
  await probe.publish({
    v: 1,
    type: 'scenario.stopping',
    scenarioId: run.scenarioId,
    atMs: Date.now(),
    source: 'e2e',
    reason: 'duration reached',
  });
  // MirrorMaker 2 checkpoints every second: a few of them after the last commit of the keeping-up group.
  await new Promise((r) => setTimeout(r, 8_000));
  await probe.publish({
    v: 1,
    type: 'scenario.drained',
    scenarioId: run.scenarioId,
    atMs: Date.now(),
    source: 'e2e',
    drained: true,
    waitedMs: 8_000,
  });
  const groups = ['keeps-up', 'lags'];
  await probe.waitFor(
    "both groups' final commits",
    () => groups.every((g) => probe.of(run.scenarioId, 'consumer.commit').some((e) => e.group === g && e.final)),
    60_000,
  );
  const finalCommitAt = Math.max(
    ...probe
      .of(run.scenarioId, 'consumer.commit')
      .filter((e) => e.final)
      .map((e) => e.atMs),
  );
  await probe.waitFor(
    'translations after the final commits',
    () => probe.of(run.scenarioId, 'consumer.translations').some((e) => e.atMs > finalCommitAt),
    30_000,
  );
  const commits = probe
    .of(run.scenarioId, 'consumer.commit')
    .flatMap((e) => e.commits.map((c) => ({ group: e.groupId, atMs: e.atMs, ...c })));
  const translations = probe.of(run.scenarioId, 'consumer.translations').flatMap((e) => e.translations);
  const acked = harness.finalProducerReports(run).reduce((s, r) => s + r.counts.acked, 0);
  // The keeping-up group's final position on each partition, and MirrorMaker 2's checkpoints of exactly that position,
  // read from its checkpoints topic (the service stops collecting at the final commits; MirrorMaker 2 may checkpoint
  // them later, up to its next offset commit).
  const keepsUp = consumerGroupId(run.scenarioId, 'keeps-up');
  const finalOffsets = new Map<number, number>();
  for (const c of commits.filter((c) => c.group === keepsUp))
    finalOffsets.set(c.partition, Math.max(finalOffsets.get(c.partition) ?? 0, c.offset));
  const finalCheckpoints = (await checkpointsUntil(keepsUp, run.targetTopic, finalOffsets, 90_000)).filter(
    (t) => t.upstreamOffset === finalOffsets.get(t.partition),
  );
  // The keeping-up group processed every record; the lagging one about 60/s of them.
  const processed = (g: string) =>
    commits
      .filter((c) => c.group === consumerGroupId(run.scenarioId, g))
      .reduce((s, c) => s + c.processed.reduce((n, p) => n + p.ranges.reduce((m, [lo, hi]) => m + hi - lo + 1, 0), 0), 0);
  expect(processed('keeps-up')).toBe(acked);
  expect(processed('lags')).toBeGreaterThan(0);
  expect(processed('lags')).toBeLessThan(acked);

  const records = await targetRecords(run, partitions);
  const check = checkTranslations({
    targetTopics: { [run.sourceTopic]: run.targetTopic },
    commits,
    translations,
    targetRecords: records,
    offsetLagMax: LAB_MM2_OFFSET_LAG_MAX,
  });
  // What was seen, for the README (MirrorMaker 2's behaviour, not a pass/fail of the tester).
  console.log(
    JSON.stringify({
      totals: check.totals,
      partitions: check.partitions.map((p) => ({
        group: p.group.replace(`mirrorlab-${run.scenarioId}-`, ''),
        via: p.via,
        partition: p.partition,
        observations: p.observations,
        latest: p.latest,
        maxReread: p.reread.max,
        maxAgeMs: p.age.maxMs,
      })),
    }),
  );
  // Both ways of seeing translations, for both groups, on every partition the group committed (the lagging
  // group reads a fetched batch of one partition at its pace, so it may never reach one of them in 20 s).
  for (const g of groups) {
    const committed = new Set(commits.filter((c) => c.group === consumerGroupId(run.scenarioId, g)).map((c) => c.partition));
    expect(committed.size).toBeGreaterThan(0);
    for (const via of ['checkpoint', 'group-offset']) {
      const seen = check.partitions.filter((p) => p.group === consumerGroupId(run.scenarioId, g) && p.via === via).map((p) => p.partition);
      expect([g, via, seen.sort()]).toEqual([g, via, [...committed].sort()]);
    }
  }
  expect({ unsafe: check.totals.unsafeTranslations, skipped: check.totals.skippedRecords, regressions: check.totals.regressions }).toEqual({
    unsafe: 0,
    skipped: 0,
    regressions: 0,
  });
  // A group that read to the end and went quiet is translated within offset.lag.max: MirrorMaker 2 writes an offset
  // sync at least every offset.lag.max records, and translates an offset past the latest sync to the record after it.
  // Mid-stream the bound does not hold (seen here: over 140 with offset.lag.max 100): a commit can be ahead of the
  // syncs the checkpoint task has read, and older syncs are kept sparser (re-reads reported, not bounded here).
  const finalCheck = checkTranslations({
    targetTopics: { [run.sourceTopic]: run.targetTopic },
    commits,
    translations: finalCheckpoints,
    targetRecords: records,
    offsetLagMax: LAB_MM2_OFFSET_LAG_MAX,
  });
  console.log(`final translations of keeps-up: ${JSON.stringify(finalCheck.partitions.map((p) => [p.partition, p.reread.max]))}`);
  expect(
    finalCheck.partitions
      .map((p) => ({ partition: p.partition, unsafe: p.unsafe.translations, overBound: p.reread.overBound }))
      .sort((a, b) => a.partition - b.partition),
  ).toEqual([...finalOffsets.keys()].sort().map((partition) => ({ partition, unsafe: 0, overBound: 0 })));
}, 240_000);
