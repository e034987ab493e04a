import { z } from 'zod';
import { durationMs } from './units';

/**
 * How MirrorMaker 2's checkpoint connector translates consumer offsets in the lab (issue 13),
 * `replicator.checkpoints` in a scenario. MirrorMaker 2's own defaults (checkpoints every 60 s,
 * group offset sync off) would leave a run of a minute with no translation at all, so the lab
 * defaults to translating every second. `offsetLagMax` is MM2's `offset.lag.max`: offset syncs
 * are emitted about every this many records, so a failed-over group may re-read up to this many
 * (the consumer-groups service's `failover-reread` bound follows it).
 * Parsed, the intervals are milliseconds (whole seconds), so the parsed spec validates to itself.
 */
export interface ReplicatorCheckpoints {
  /** `emit.checkpoints.interval.seconds`, in ms. */
  interval: number;
  /** `sync.group.offsets.interval.seconds` (group offset sync is always on in the lab), in ms. */
  syncInterval: number;
  /** `offset.lag.max`. */
  offsetLagMax: number;
}

export const DEFAULT_REPLICATOR_CHECKPOINTS: ReplicatorCheckpoints = { interval: 1000, syncInterval: 1000, offsetLagMax: 100 };

const SECONDS_ERROR = 'expected whole seconds from 1s to 24h (MirrorMaker 2 takes seconds)';
/** MM2 takes these intervals in whole seconds: 500ms would have to be rounded, 0 is not an interval. */
const wholeSeconds = durationMs.refine((ms) => ms >= 1000 && ms % 1000 === 0 && ms <= 86_400_000, { error: SECONDS_ERROR });

const LAG_ERROR = 'expected a whole number of records from 0 to 1000000';

export const replicatorCheckpointsSchema = z.strictObject({
  /** `emit.checkpoints.interval.seconds`. */
  interval: wholeSeconds.default(DEFAULT_REPLICATOR_CHECKPOINTS.interval),
  /** `sync.group.offsets.interval.seconds`. */
  syncInterval: wholeSeconds.default(DEFAULT_REPLICATOR_CHECKPOINTS.syncInterval),
  /** `offset.lag.max`. */
  offsetLagMax: z
    .number({ error: LAG_ERROR })
    .int({ error: LAG_ERROR })
    .min(0, { error: LAG_ERROR })
    .max(1_000_000, { error: LAG_ERROR })
    .default(DEFAULT_REPLICATOR_CHECKPOINTS.offsetLagMax),
});

/** The checkpoint settings a scenario asks for: its `replicator.checkpoints`, else the lab's defaults. */
export function replicatorCheckpointsOf(spec: { replicator: { checkpoints?: ReplicatorCheckpoints } }): ReplicatorCheckpoints {
  return spec.replicator.checkpoints ?? DEFAULT_REPLICATOR_CHECKPOINTS;
}
