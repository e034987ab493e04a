import type { Consumer, Kafka } from 'kafkajs';
import type { ControlEventInput } from '@mirrorlab/control';
import type { SourceConsumerSpec } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import { dueAtMs, restartIfBehind, type PaceSchedule } from './pace';
import { ProcessedLedger } from './processed-ledger';
import { identityOf } from './record-identity';

export interface Clock {
  nowMs(): number;
  /** Resolves after `ms` or when `signal` aborts, never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface GroupConsumerOptions {
  scenarioId: string;
  spec: SourceConsumerSpec;
  /** The Kafka group id (`consumerGroupId`). */
  groupId: string;
  consumerId: string;
  kafka: Kafka;
  publish: (event: ControlEventInput) => Promise<void>;
  clock: Clock;
  logger: Logger;
  sessionTimeoutMs: number;
}

/** How often a paced group heartbeats while it waits for its next record. */
const HEARTBEAT_MS = 1_000;

/**
 * One source consumer group of a scenario: reads its source topic from the beginning at its
 * pace, and every `commitInterval` publishes `consumer.commit` (what it processed since the last
 * one) and then commits those offsets. Publishing first means a commit the control topic does not
 * know never exists; a published commit whose offset commit failed is harmless (the processed
 * records were processed). `stop` makes the final commit.
 */
export class GroupConsumer {
  private readonly ledger = new ProcessedLedger();
  private readonly stopping = new AbortController();
  private consumer: Consumer | undefined;
  private committing: Promise<void> = Promise.resolve();
  private finished: Promise<void> | undefined;
  private processed = 0;

  constructor(private readonly o: GroupConsumerOptions) {}

  get name(): string {
    return this.o.spec.group;
  }

  start(): Promise<void> {
    this.finished ??= this.run();
    return this.finished;
  }

  /** Stops reading and makes the final commit; resolves when the group has left. */
  async stop(reason: string): Promise<void> {
    if (!this.stopping.signal.aborted) this.o.logger.info('consumer_group_stopping', { group: this.o.spec.group, reason });
    this.stopping.abort();
    await this.finished;
  }

  private async run(): Promise<void> {
    const { o } = this;
    // Partitions added to the topic are found within 5 s (kafkajs's default metadata age is 5 min).
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
      metadataMaxAge: 5_000,
    });
    this.consumer = consumer;
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [o.spec.topic], fromBeginning: true });
      let pace: PaceSchedule = { startMs: o.clock.nowMs(), index: 0 };
      const rate = o.spec.rate;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          let beat = o.clock.nowMs();
          for (const m of batch.messages) {
            if (!isRunning() || isStale() || this.stopping.signal.aborted) break;
            pace = restartIfBehind(pace, o.clock.nowMs(), rate);
            for (
              let wait = dueAtMs(pace.startMs, pace.index, rate) - o.clock.nowMs();
              wait > 0;
              wait = dueAtMs(pace.startMs, pace.index, rate) - o.clock.nowMs()
            ) {
              await o.clock.sleep(Math.min(wait, HEARTBEAT_MS), this.stopping.signal);
              if (this.stopping.signal.aborted) return;
              if (o.clock.nowMs() - beat >= HEARTBEAT_MS) {
                await heartbeat();
                beat = o.clock.nowMs();
              }
            }
            pace = { ...pace, index: pace.index + 1 };
            this.ledger.record(batch.topic, batch.partition, Number(m.offset), identityOf(o.scenarioId, m));
            this.processed++;
            resolveOffset(m.offset);
          }
          await heartbeat();
        },
      });
      o.logger.info('consumer_group_started', {
        group: o.spec.group,
        groupId: o.groupId,
        topic: o.spec.topic,
        rate: rate ?? 'unlimited',
        commitIntervalMs: o.spec.commitInterval,
      });
      const timer = setInterval(() => void this.commit(false), o.spec.commitInterval);
      await new Promise<void>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
      clearInterval(timer);
      // Before stop(): kafkajs commits only while the consumer runs. No record is processed after the abort.
      await this.commit(true);
      await consumer.stop();
      o.logger.info('consumer_group_finished', {
        group: o.spec.group,
        processed: this.processed,
        committed: Object.fromEntries(this.ledger.committed()),
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  /** One commit at a time, in order; a failure is logged and the next interval tries again with the newer offsets. */
  private commit(final: boolean): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (!this.ledger.pending && !final) return;
      const atMs = this.o.clock.nowMs();
      const commits = this.ledger.takeCommit();
      try {
        await this.o.publish({
          v: 1,
          type: 'consumer.commit',
          scenarioId: this.o.scenarioId,
          atMs,
          source: this.o.consumerId,
          group: this.o.spec.group,
          groupId: this.o.groupId,
          consumerId: this.o.consumerId,
          final,
          commits,
        });
        if (commits.length > 0)
          await this.consumer?.commitOffsets(commits.map((c) => ({ topic: c.topic, partition: c.partition, offset: String(c.offset) })));
      } catch (err) {
        // Kept for the next commit: a commit event the control topic misses would read as records never processed.
        this.ledger.restore(commits);
        this.o.logger.warn('consumer_commit_failed', { group: this.o.spec.group, final, err });
      }
    });
    return this.committing;
  }
}
