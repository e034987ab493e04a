import type { Kafka } from 'kafkajs';
import type { ControlEvent, ControlEventInput } from '@mirrorlab/control';
import { checkpointsTopic, consumerGroupId, type ScenarioSpec } from '@mirrorlab/protocol';
import type { GroupCommit } from '@mirrorlab/validation';
import { runFailoverDrill } from './failover-drill';
import { failoverWaitMs } from './failover-wait';
import type { Logger } from '@mirrorlab/service-kit';
import { GroupConsumer, type Clock } from './group-consumer';
import { readTargetTopic } from './target-reader';
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
  /** The drill's wait when the fault states none (its `wait` param). */
  failoverWaitMs: number;
  offsetLagMax: number;
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
  /** This run's groups' published commits (what the failover drill judges by). */
  private readonly commits: GroupCommit[] = [];
  private readonly drills = new Map<string, Promise<void>>();
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
          publish: async (e) => {
            await o.publish(e);
            if (e.type === 'consumer.commit') for (const c of e.commits) this.commits.push({ group: e.groupId, atMs: e.atMs, ...c });
          },
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
    await Promise.all(this.drills.values());
    // After the groups' final commits, so their last translations are collected too.
    await this.collector.stop();
    await this.finished;
  }

  /** A control event: a `consumer-failover` fault on one of this run's groups starts its drill (once per fault). */
  onEvent(event: ControlEvent): void {
    if (
      event.type !== 'fault.injected' ||
      event.kind !== 'consumer-failover' ||
      event.scenarioId !== this.o.scenarioId ||
      this.drills.has(event.faultId)
    )
      return;
    const spec = this.o.spec.consumers.find((c) => c.group === event.target);
    const group = this.groups.find((g) => g.name === event.target);
    if (spec === undefined || group === undefined) {
      this.o.logger.error('consumer_failover_unknown_group', {
        faultId: event.faultId,
        target: event.target,
        groups: this.o.spec.consumers.map((c) => c.group),
      });
      return;
    }
    const groupId = consumerGroupId(this.o.scenarioId, spec.group);
    const targetTopic = this.o.targetTopics[spec.topic] ?? spec.topic;
    const wait = failoverWaitMs(event.params, this.o.failoverWaitMs);
    if (wait.problems.length > 0) this.o.logger.warn('consumer_failover_bad_params', { faultId: event.faultId, problems: wait.problems });
    const drill = runFailoverDrill(
      {
        scenarioId: this.o.scenarioId,
        consumerId: this.o.consumerId,
        group: spec.group,
        groupId,
        sourceTopic: spec.topic,
        targetTopic,
        stopGroup: () => group.stop(`consumer-failover ${event.faultId}`),
        commits: () => this.commits.filter((c) => c.group === groupId),
        history: () => this.collector.history().filter((t) => t.group === groupId),
        latestCheckpoints: () => this.collector.latestCheckpoints(groupId, targetTopic),
        targetGroupOffsets: () => this.collector.targetGroupOffsets(groupId, targetTopic),
        readTarget: () => readTargetTopic(this.o.target, this.o.scenarioId, targetTopic, `${this.o.scenarioId}-${event.faultId}`, 120_000),
        publish: this.o.publish,
        clock: this.o.clock,
        logger: this.o.logger,
        waitMs: wait.waitMs,
        offsetLagMax: this.o.offsetLagMax,
      },
      event.faultId,
    ).catch((err: unknown) => this.o.logger.error('consumer_failover_failed', { faultId: event.faultId, group: spec.group, err }));
    this.drills.set(event.faultId, drill);
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
