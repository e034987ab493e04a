import type { Mm2CheckpointSettings } from '@mirrorlab/lab';
import { replicatorCheckpointsOf, type ScenarioSpec } from '@mirrorlab/protocol';

/**
 * The MM2 checkpoint settings a scenario runs with on the lab: its `replicator.checkpoints`, else
 * the lab's defaults, so a run never inherits the previous run's. Not scaled by --time-scale:
 * they are MirrorMaker 2's settings, not moments of the scenario.
 */
export function labCheckpointsFor(spec: Pick<ScenarioSpec, 'replicator'>): Mm2CheckpointSettings {
  const c = replicatorCheckpointsOf(spec);
  return { intervalSeconds: c.interval / 1000, syncIntervalSeconds: c.syncInterval / 1000, offsetLagMax: c.offsetLagMax };
}
