import { env, kafkaEnv } from '@mirrorlab/service-kit';

export const aggregatorEnv = {
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Reports go to `<REPORTS_DIR>/<scenarioId>/report.{json,html,md}`. */
  REPORTS_DIR: env.string({ default: './reports' }),
  /**
   * How long after `scenario.drained` (event time) to wait for validators' final
   * reports before building with what there is. Part of the event-sourced
   * cutoff: a restarted aggregator must use the same value to rebuild the same files.
   */
  REPORT_WAIT: env.duration({ default: 30_000 }),
};
