import type { ScenarioSpec } from '@mirrorlab/protocol';

/**
 * The `failover-reread` bound of a run: the `offset.lag.max` the scenario ran MirrorMaker 2 with
 * (`replicator.checkpoints.offsetLagMax`, which `mirrorlab run` applies to the lab's MM2), else the
 * service's OFFSET_LAG_MAX (MM2's default, 100; for a replicator configured elsewhere).
 */
export function offsetLagBound(spec: Pick<ScenarioSpec, 'replicator'>, configured: number): number {
  return spec.replicator.checkpoints?.offsetLagMax ?? configured;
}
