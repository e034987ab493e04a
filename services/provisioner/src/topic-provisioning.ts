import type { Admin } from 'kafkajs';
import type { ScenarioSpec } from '@mirrorlab/protocol';
import { pollUntil, PollTimeoutError, type Clock, type Logger } from '@mirrorlab/service-kit';
import { ScenarioRunError } from './errors';

/** The admin operations provisioning needs, on one cluster. */
export interface TopicAdmin {
  /** Partition count of each named topic that exists. */
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  create(topic: { name: string; partitions: number; replicationFactor: number; configs: Record<string, string> }): Promise<void>;
}

export function kafkaTopicAdmin(admin: Admin): TopicAdmin {
  return {
    async partitionCounts(topics) {
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      if (present.length === 0) return new Map();
      const meta = await admin.fetchTopicMetadata({ topics: present });
      return new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
    },
    async create(t) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    },
  };
}

/** The replicator's name for a source topic: MirrorMaker 2's DefaultReplicationPolicy prefixes the source alias. */
export function targetTopicName(spec: Pick<ScenarioSpec, 'replicator'>, topic: string): string {
  return spec.replicator.topicNaming === 'identity' ? topic : `${spec.replicator.sourceAlias}.${topic}`;
}

export function targetTopicsOf(spec: Pick<ScenarioSpec, 'replicator' | 'topics'>): Record<string, string> {
  return Object.fromEntries(spec.topics.map((t) => [t.name, targetTopicName(spec, t.name)]));
}

export interface TopicProvisionerOptions {
  source: TopicAdmin;
  target: TopicAdmin;
  clock: Clock;
  logger: Logger;
  pollMs?: number;
}

/**
 * Provisioning and waiting-for-replicator: creates the spec's topics on the
 * source cluster (an existing topic with the same partition count is reused, so
 * a resumed run does this again safely), then waits for the replicator to
 * create each one on the target.
 */
export class TopicProvisioner {
  constructor(private readonly o: TopicProvisionerOptions) {}

  async ensureSourceTopics(spec: Pick<ScenarioSpec, 'topics'>, log: Logger = this.o.logger): Promise<void> {
    const existing = await this.o.source.partitionCounts(spec.topics.map((t) => t.name));
    for (const t of spec.topics) {
      const found = existing.get(t.name);
      if (found !== undefined) {
        if (found !== t.partitions) {
          throw new ScenarioRunError(
            'topic_conflict',
            `source topic ${t.name} exists with ${found} partitions, the scenario wants ${t.partitions}; delete it or rename the topic in the scenario`,
          );
        }
        log.info('source_topic_reused', { topic: t.name, partitions: found });
        continue;
      }
      const configs: Record<string, string> = t.retention !== undefined ? { 'retention.ms': String(t.retention) } : {};
      try {
        await this.o.source.create({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, configs });
      } catch (err) {
        // Another provisioner (or a resumed one) may have created it meanwhile.
        const now = (await this.o.source.partitionCounts([t.name])).get(t.name);
        if (now !== t.partitions) {
          throw new ScenarioRunError(
            'topic_create_failed',
            `could not create source topic ${t.name} (${t.partitions} partitions, replication factor ${t.replicationFactor}): ${(err as Error).message}`,
            { cause: err, retriable: true },
          );
        }
      }
      log.info('source_topic_created', { topic: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, ...configs });
    }
  }

  /** Polls the target until every topic exists with its partition count; `replicator_timeout` names the first one missing. */
  async waitForTargetTopics(
    wanted: ReadonlyArray<{ topic: string; partitions: number }>,
    timeoutMs: number,
    signal: AbortSignal,
    log: Logger = this.o.logger,
  ): Promise<void> {
    let missing: Array<{ topic: string; partitions: number; found?: number }> = [...wanted];
    const check = async (): Promise<{ done: undefined } | { notYet: string }> => {
      const counts = await this.o.target.partitionCounts(missing.map((m) => m.topic));
      missing = missing.filter((m) => counts.get(m.topic) !== m.partitions).map((m) => ({ ...m, found: counts.get(m.topic) }));
      if (missing.length === 0) return { done: undefined };
      log.debug('waiting_for_target_topics', { missing: missing.map((m) => m.topic) });
      return { notYet: `${missing.length} target topic(s) missing` };
    };
    try {
      // A failed metadata call ends the wait: the run fails with what the cluster said.
      await pollUntil('target topics', check, {
        timeoutMs,
        intervalMs: this.o.pollMs ?? 1000,
        clock: this.o.clock,
        signal,
        isFatal: () => true,
      });
    } catch (err) {
      if (!(err instanceof PollTimeoutError)) throw err;
      const m = missing[0];
      const what = m.found === undefined ? 'does not exist' : `has ${m.found} partitions`;
      throw new ScenarioRunError(
        'replicator_timeout',
        `target topic ${m.topic} ${what} after ${Math.round(timeoutMs / 1000)} s (expected ${m.partitions} partitions)${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}; is the replicator running, does it replicate this topic, and is the scenario's replicator.topicNaming right?`,
      );
    }
  }
}
