import { env, kafkaEnv } from '@mirrorlab/service-kit';

export const validatorEnv = {
  ...kafkaEnv('TARGET_KAFKA'),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Take part in this scenario only (a workload started for one scenario); default: every active scenario. */
  SCENARIO_ID: env.optionalString(),
  /** Defaults to the instance id (the pod name in Kubernetes). */
  VALIDATOR_ID: env.optionalString(),
  /** Consumer group per scenario: `<prefix>-<scenarioId>`; every validator replica of a scenario joins it. */
  GROUP_PREFIX: env.string({ default: 'mirrorlab-validator' }),
  /** How often mergeable state and histograms are published (and offsets committed). */
  REPORT_INTERVAL: env.duration({ default: 5000 }),
  /** Examples kept per anomaly class. */
  MAX_EXAMPLES: env.int({ min: 0, max: 1000, default: 5 }),
  SESSION_TIMEOUT: env.duration({ default: 15_000 }),
  /** A scenario whose drain was never announced stops being read this long after its end. */
  DRAIN_GRACE: env.duration({ default: 600_000 }),
};
