import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { ControlEventInput, TranslationObservationEvent } from '@mirrorlab/control';
import type { Logger } from '@mirrorlab/service-kit';
import { decodeCheckpoint } from '@mirrorlab/protocol';
import type { Clock } from './group-consumer';

export interface TranslationCollectorOptions {
  scenarioId: string;
  consumerId: string;
  /** The scenario's source groups (Kafka group ids): checkpoints of other groups are skipped. */
  groupIds: string[];
  /** Target topics the groups' translations land on. */
  targetTopics: string[];
  /** `<alias>.checkpoints.internal` on the target. */
  checkpointsTopic: string;
  target: Kafka;
  publish: (event: ControlEventInput) => Promise<void>;
  clock: Clock;
  logger: Logger;
  /** How often target group offsets are read and what was seen is published. */
  intervalMs: number;
  /** How long to wait for MirrorMaker 2 to create its checkpoints topic. */
  topicWaitMs: number;
}

/**
 * Watches MirrorMaker 2's translations of the scenario's source groups on the target: every
 * checkpoint record (at its timestamp, with the upstream offset it translates) and, every
 * interval, the target groups' committed offsets (`sync.group.offsets.enabled`), and publishes
 * them as `consumer.translations`. It judges nothing: libs/validation checkTranslations does.
 */
export class TranslationCollector {
  private readonly stopping = new AbortController();
  private readonly pending: TranslationObservationEvent[] = [];
  private readonly groups: Set<string>;
  private finished: Promise<void> | undefined;
  private admin: Admin | undefined;
  /** Every observation so far, and the latest checkpoint per group and `topic/partition`. */
  private readonly seenSoFar: TranslationObservationEvent[] = [];
  private readonly latest = new Map<string, Map<string, { offset: number; upstreamOffset?: number }>>();
  private skipped = 0;
  private seen = 0;

  constructor(private readonly o: TranslationCollectorOptions) {
    this.groups = new Set(o.groupIds);
  }

  start(): Promise<void> {
    this.finished ??= this.run();
    return this.finished;
  }

  /** Every translation observed so far (checkpoints and target group offsets). */
  history(): TranslationObservationEvent[] {
    return [...this.seenSoFar];
  }

  /** The latest checkpoint of `groupId` per partition of `topic`. */
  latestCheckpoints(groupId: string, topic: string): Map<number, { offset: number; upstreamOffset?: number }> {
    const out = new Map<number, { offset: number; upstreamOffset?: number }>();
    for (const [k, v] of this.latest.get(groupId) ?? []) if (k.startsWith(`${topic}/`)) out.set(Number(k.slice(topic.length + 1)), v);
    return out;
  }

  /** The target group's committed offsets of `topic`, read now. */
  async targetGroupOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    if (this.admin === undefined) return new Map();
    const [t] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((t?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.finished;
  }

  private async run(): Promise<void> {
    const { o } = this;
    const admin = o.target.admin();
    await admin.connect();
    this.admin = admin;
    let consumer: Consumer | undefined;
    try {
      if (await this.waitForTopic(admin)) {
        consumer = o.target.consumer({
          groupId: `mirrorlab-checkpoints-${o.scenarioId}-${o.consumerId}`,
          allowAutoTopicCreation: false,
          maxWaitTimeInMs: 500,
        });
        await consumer.connect();
        await consumer.subscribe({ topics: [o.checkpointsTopic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            const r = decodeCheckpoint(message.key, message.value);
            if (!r.ok) {
              if (this.skipped++ === 0) o.logger.warn('checkpoint_undecodable', { topic: o.checkpointsTopic, reason: r.reason });
              return;
            }
            if (!this.groups.has(r.checkpoint.group)) return;
            this.seen++;
            const c = r.checkpoint;
            this.observe({
              group: c.group,
              topic: c.topic,
              partition: c.partition,
              atMs: Number(message.timestamp),
              offset: c.downstreamOffset,
              upstreamOffset: c.upstreamOffset,
              via: 'checkpoint',
            });
            const byPartition = this.latest.get(c.group) ?? new Map<string, { offset: number; upstreamOffset?: number }>();
            byPartition.set(`${c.topic}/${c.partition}`, { offset: c.downstreamOffset, upstreamOffset: c.upstreamOffset });
            this.latest.set(c.group, byPartition);
          },
        });
      }
      o.logger.info('translation_collector_started', { checkpointsTopic: o.checkpointsTopic, groups: o.groupIds });
      while (!this.stopping.signal.aborted) {
        await o.clock.sleep(o.intervalMs, this.stopping.signal);
        await this.collectGroupOffsets(admin);
        await this.flush();
      }
      // What MirrorMaker 2 wrote last, after the groups' final commits.
      await this.collectGroupOffsets(admin);
      await this.flush();
      o.logger.info('translation_collector_finished', { checkpoints: this.seen, undecodable: this.skipped });
    } finally {
      await consumer?.disconnect().catch(() => undefined);
      this.admin = undefined;
      await admin.disconnect().catch(() => undefined);
    }
  }

  private observe(t: TranslationObservationEvent): void {
    this.pending.push(t);
    this.seenSoFar.push(t);
  }

  private async waitForTopic(admin: Admin): Promise<boolean> {
    const deadline = this.o.clock.nowMs() + this.o.topicWaitMs;
    while (!this.stopping.signal.aborted) {
      if ((await admin.listTopics()).includes(this.o.checkpointsTopic)) return true;
      if (this.o.clock.nowMs() >= deadline) {
        this.o.logger.warn('checkpoints_topic_missing', {
          topic: this.o.checkpointsTopic,
          waitedMs: this.o.topicWaitMs,
          hint: 'is MirrorMaker 2 emitting checkpoints (emit.checkpoints.enabled)?',
        });
        return false;
      }
      await this.o.clock.sleep(1_000, this.stopping.signal);
    }
    return false;
  }

  private async collectGroupOffsets(admin: Admin): Promise<void> {
    const atMs = this.o.clock.nowMs();
    for (const groupId of this.o.groupIds) {
      try {
        const topics = await admin.fetchOffsets({ groupId, topics: this.o.targetTopics });
        for (const t of topics) {
          for (const p of t.partitions) {
            const offset = Number(p.offset);
            if (offset >= 0) this.observe({ group: groupId, topic: t.topic, partition: p.partition, atMs, offset, via: 'group-offset' });
          }
        }
      } catch (err) {
        this.o.logger.warn('target_group_offsets_failed', { groupId, err });
      }
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const translations = this.pending.splice(0, this.pending.length);
    try {
      await this.o.publish({
        v: 1,
        type: 'consumer.translations',
        scenarioId: this.o.scenarioId,
        atMs: this.o.clock.nowMs(),
        source: this.o.consumerId,
        translations,
      });
    } catch (err) {
      this.pending.unshift(...translations);
      this.o.logger.warn('translations_publish_failed', { count: translations.length, err });
    }
  }
}
