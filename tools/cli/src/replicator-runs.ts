import type { ReplicatorMode, ScenarioSpec } from '@mirrorlab/protocol';
import { EXIT_FAILURE, EXIT_INCONCLUSIVE, EXIT_OK, EXIT_USAGE } from './exit-codes';

/** The specs `mirrorlab run` runs: one per `replicators` mode (in order), or the spec itself. */
export function specsPerMode(spec: ScenarioSpec): Array<{ mode: ReplicatorMode; spec: ScenarioSpec }> {
  const modes = spec.replicators ?? [spec.replicator.mode];
  return modes.map((mode) => ({ mode, spec: { ...spec, replicator: { ...spec.replicator, mode } } }));
}

/**
 * The exit code of several runs: a failed run fails the command (a real anomaly), then an
 * error (a run that could not be judged), then an inconclusive one; all passed: 0.
 */
export function exitCodeForVerdicts(verdicts: readonly string[]): number {
  if (verdicts.includes('fail')) return EXIT_FAILURE;
  if (verdicts.some((v) => v !== 'pass' && v !== 'inconclusive')) return EXIT_USAGE;
  if (verdicts.includes('inconclusive')) return EXIT_INCONCLUSIVE;
  return EXIT_OK;
}
