/**
 * MirrorMaker 2's checkpoint connector settings in the lab (issue 13, a scenario's
 * `replicator.checkpoints`): how often it translates consumer offsets and writes them into the
 * target groups, and `offset.lag.max`. Like the replicator mode they may change on a running
 * lab (`mirrorlab run`); MM2 is then reconfigured only when they differ from what runs.
 */
import type { LabState } from './state';

export interface Mm2CheckpointSettings {
  /** `emit.checkpoints.interval.seconds`. */
  intervalSeconds: number;
  /** `sync.group.offsets.interval.seconds` (`sync.group.offsets.enabled` is always on in the lab). */
  syncIntervalSeconds: number;
  /** `offset.lag.max`: offset syncs about every this many records, so a translation may re-read up to this many. */
  offsetLagMax: number;
}

/**
 * The lab's defaults: MM2's own (checkpoints every 60 s, group offset sync off) would leave a run
 * of a minute with hardly a translation; `offset.lag.max` stays at MM2's default, 100.
 */
export const DEFAULT_MM2_CHECKPOINTS: Mm2CheckpointSettings = { intervalSeconds: 1, syncIntervalSeconds: 1, offsetLagMax: 100 };

/** What the lab's MM2 runs with; a lab created before the settings existed runs the defaults. */
export function mm2CheckpointsOf(state: LabState): Mm2CheckpointSettings {
  return state.mm2.checkpoints ?? DEFAULT_MM2_CHECKPOINTS;
}

export function sameMm2Checkpoints(a: Mm2CheckpointSettings, b: Mm2CheckpointSettings): boolean {
  return a.intervalSeconds === b.intervalSeconds && a.syncIntervalSeconds === b.syncIntervalSeconds && a.offsetLagMax === b.offsetLagMax;
}

export function describeMm2Checkpoints(c: Mm2CheckpointSettings): string {
  return `checkpoints every ${c.intervalSeconds} s, group offset sync every ${c.syncIntervalSeconds} s, offset.lag.max ${c.offsetLagMax}`;
}

/**
 * What `up` does about asked settings on an existing lab: nothing when none are asked or they are
 * what runs; otherwise record them, and restart MM2's workers in the dedicated modes (their
 * mm2.properties is read at start) or, in connect mode, re-PUT the connectors' configs (Connect
 * restarts a connector whose config changed; the workers keep running).
 */
export type Mm2CheckpointsChange =
  { action: 'none' } | { action: 'restart-workers' | 'reconfigure-connectors'; from: Mm2CheckpointSettings; to: Mm2CheckpointSettings };

export function mm2CheckpointsChange(state: LabState, asked: Mm2CheckpointSettings | undefined): Mm2CheckpointsChange {
  const from = mm2CheckpointsOf(state);
  if (asked === undefined || sameMm2Checkpoints(from, asked)) return { action: 'none' };
  return { action: state.mm2.mode === 'connect' ? 'reconfigure-connectors' : 'restart-workers', from, to: { ...asked } };
}

/** The settings as MM2 config keys (mm2.properties in the dedicated modes; the checkpoint connector's config in connect mode). */
export function mm2CheckpointConnectorSettings(c: Mm2CheckpointSettings): Array<[string, number | boolean]> {
  return [
    ['emit.checkpoints.interval.seconds', c.intervalSeconds],
    ['sync.group.offsets.enabled', true],
    ['sync.group.offsets.interval.seconds', c.syncIntervalSeconds],
    ['offset.lag.max', c.offsetLagMax],
  ];
}
