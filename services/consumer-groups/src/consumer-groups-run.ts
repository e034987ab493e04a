import type { Kafka } from 'kafkajs';
import { consumerGroupId, type ControlEventInput, type ScenarioSpec } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import { checkpointsTopic } from './checkpoint-record';
import { GroupConsumer, type Clock } from './group-consumer';
import { TranslationCollector } from './translation-collector';

export interface ConsumerGroupsRunOptions {
  scenarioId: string;
  spec: ScenarioSpec;
  consumerId: string;
  source: Kafka;
  target: Kafka;
  /** Target topic of each source topic (scenario.started). */
  targetTopics: Record<string, string>;
  translationIntervalMs: number;
  checkpointsTopicWaitMs: number;
  publish: (event: ControlEventInput) => Promise<void>;
  clock: Clock;
  logger: Logger;
  sessionTimeoutMs: number;
}

/**
 * A scenario's source consumer groups (`consumers:`), one `GroupConsumer` each, and the
 * `TranslationCollector` that watches MirrorMaker 2 translate their offsets, from the scenario's
 * start time until it is drained (a lagging group goes on reading while the mirror drains).
 */
export class ConsumerGroupsRun {
  private readonly groups: GroupConsumer[];
  private readonly collector: TranslationCollector;
  private readonly stopping = new AbortController();
  private finished: Promise<void> | undefined;

  constructor(
    private readonly o: ConsumerGroupsRunOptions,
    private readonly startAtMs: number,
  ) {
    this.groups = o.spec.consumers.map(
      (spec) =>
        new GroupConsumer({
          scenarioId: o.scenarioId,
          spec,
          groupId: consumerGroupId(o.scenarioId, spec.group),
          consumerId: o.consumerId,
          kafka: o.source,
          publish: o.publish,
          clock: o.clock,
          logger: o.logger,
          sessionTimeoutMs: o.sessionTimeoutMs,
        }),
    );
    this.collector = new TranslationCollector({
      scenarioId: o.scenarioId,
      consumerId: o.consumerId,
      groupIds: o.spec.consumers.map((c) => consumerGroupId(o.scenarioId, c.group)),
      targetTopics: [...new Set(o.spec.consumers.map((c) => o.targetTopics[c.topic] ?? c.topic))],
      checkpointsTopic: checkpointsTopic(o.spec.replicator.sourceAlias),
      target: o.target,
      publish: o.publish,
      clock: o.clock,
      logger: o.logger,
      intervalMs: o.translationIntervalMs,
      topicWaitMs: o.checkpointsTopicWaitMs,
    });
  }

  start(): Promise<void> {
    this.finished ??= this.run();
    return this.finished;
  }

  async requestStop(reason: string): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.groups.map((g) => g.stop(reason)));
    // After the groups' final commits, so their last translations are collected too.
    await this.collector.stop();
    await this.finished;
  }

  /** Stops one group (a consumer-failover): its final commit is published; the others go on. */
  async stopGroup(group: string, reason: string): Promise<boolean> {
    const g = this.groups.find((x) => x.name === group);
    if (g === undefined) return false;
    await g.stop(reason);
    return true;
  }

  private async run(): Promise<void> {
    // Groups join when the producers start writing, not before the topics hold this run's records.
    const wait = this.startAtMs - this.o.clock.nowMs();
    if (wait > 0) await this.o.clock.sleep(wait, this.stopping.signal);
    if (this.stopping.signal.aborted) return;
    const collecting = this.collector.start().catch((err: unknown) => this.o.logger.error('translation_collector_failed', { err }));
    const results = await Promise.allSettled(this.groups.map((g) => g.start()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.o.logger.error('consumer_group_failed', { group: this.groups[i].name, err: r.reason });
    });
    await collecting;
  }
}
