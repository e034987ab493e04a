import { env, kafkaEnv } from '@mirrorlab/service-kit';

export const consumerGroupsEnv = {
  ...kafkaEnv('SOURCE_KAFKA'),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Take part in this scenario only (a workload started for one scenario); default: every active scenario. */
  SCENARIO_ID: env.optionalString(),
  /** Defaults to the instance id (the pod name in Kubernetes). */
  CONSUMER_ID: env.optionalString(),
  SESSION_TIMEOUT: env.duration({ default: 15_000 }),
};
