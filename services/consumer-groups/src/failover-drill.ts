import type { ControlEventInput } from '@mirrorlab/control';
import type { Logger } from '@mirrorlab/service-kit';
import type { GroupCommit, TargetPartitionRecords, TranslationObservation } from '@mirrorlab/validation';
import { failoverOutcome, type FailoverStart } from './failover-outcome';
import type { Clock } from './group-consumer';

export interface FailoverDrillOptions {
  scenarioId: string;
  consumerId: string;
  group: string;
  groupId: string;
  sourceTopic: string;
  targetTopic: string;
  /** Stops the source group; resolves after its final commit was published. */
  stopGroup: () => Promise<void>;
  commits: () => GroupCommit[];
  history: () => TranslationObservation[];
  /** The latest checkpoint seen per target partition of this group. */
  latestCheckpoints: () => Map<number, { offset: number; upstreamOffset?: number }>;
  /** The target group's committed offsets (MirrorMaker 2's group offset sync). */
  targetGroupOffsets: () => Promise<Map<number, number>>;
  readTarget: () => Promise<TargetPartitionRecords[]>;
  publish: (event: ControlEventInput) => Promise<void>;
  clock: Clock;
  logger: Logger;
  /** How long to wait for translations of the group's final commit before failing over anyway. */
  waitMs: number;
  offsetLagMax: number;
}

/**
 * The consumer-failover drill: stop the source group, give MirrorMaker 2 up to `waitMs` to
 * translate its final commit, then start where a failed-over consumer would (the target group's
 * synced offset, else the latest checkpoint, else the earliest offset), read to the end, and
 * publish exactly what it skipped and re-read (`consumer.failover`).
 */
export async function runFailoverDrill(o: FailoverDrillOptions, faultId: string): Promise<void> {
  await o.stopGroup();
  const stoppedAt = o.clock.nowMs();
  const final = new Map<number, number>();
  for (const c of [...o.commits()].sort((a, b) => a.atMs - b.atMs)) if (c.topic === o.sourceTopic) final.set(c.partition, c.offset);
  let starts: FailoverStart[] = [];
  let current: boolean;
  for (;;) {
    const checkpoints = o.latestCheckpoints();
    const groupOffsets = await o.targetGroupOffsets().catch(() => new Map<number, number>());
    const partitions = new Set([...final.keys(), ...checkpoints.keys(), ...groupOffsets.keys()]);
    starts = [...partitions]
      .sort((a, b) => a - b)
      .map((partition): FailoverStart => {
        const cp = checkpoints.get(partition);
        const synced = groupOffsets.get(partition);
        if (synced !== undefined)
          return {
            topic: o.targetTopic,
            partition,
            offset: synced,
            via: 'group-offset',
            ...(cp?.offset === synced && cp.upstreamOffset !== undefined ? { upstreamOffset: cp.upstreamOffset } : {}),
          };
        if (cp !== undefined)
          return {
            topic: o.targetTopic,
            partition,
            offset: cp.offset,
            via: 'checkpoint',
            ...(cp.upstreamOffset === undefined ? {} : { upstreamOffset: cp.upstreamOffset }),
          };
        return { topic: o.targetTopic, partition, offset: null, via: 'none' };
      });
    current = [...final].every(([p, offset]) => {
      const s = starts.find((x) => x.partition === p);
      return s !== undefined && s.via === 'group-offset' && s.upstreamOffset === offset;
    });
    if (current || o.clock.nowMs() - stoppedAt >= o.waitMs) break;
    await o.clock.sleep(500);
  }
  const waitedMs = o.clock.nowMs() - stoppedAt;
  const records = await o.readTarget();
  const atMs = o.clock.nowMs();
  const outcome = failoverOutcome({
    groupId: o.groupId,
    targetTopics: { [o.sourceTopic]: o.targetTopic },
    commits: o.commits(),
    starts,
    records,
    history: o.history(),
    atMs,
    offsetLagMax: o.offsetLagMax,
  });
  o.logger.info('consumer_failover_done', { faultId, group: o.group, waitedMs, current, skipped: outcome.skipped, reread: outcome.reread });
  await o.publish({
    v: 1,
    type: 'consumer.failover',
    scenarioId: o.scenarioId,
    atMs,
    source: o.consumerId,
    faultId,
    group: o.group,
    groupId: o.groupId,
    waitedMs,
    current,
    ...outcome,
  });
}
