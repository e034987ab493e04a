import { DEFAULT_FAILOVER_WAIT_MS } from '@mirrorlab/protocol';
import { env, kafkaEnv } from '@mirrorlab/service-kit';

export const consumerGroupsEnv = {
  ...kafkaEnv('SOURCE_KAFKA'),
  ...kafkaEnv('TARGET_KAFKA'),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Take part in this scenario only (a workload started for one scenario); default: every active scenario. */
  SCENARIO_ID: env.optionalString(),
  /** Defaults to the instance id (the pod name in Kubernetes). */
  CONSUMER_ID: env.optionalString(),
  SESSION_TIMEOUT: env.duration({ default: 15_000 }),
  /** How often the target groups' offsets are read and the translations seen are published. */
  TRANSLATION_INTERVAL: env.duration({ default: 1_000 }),
  /** How long to wait for MirrorMaker 2's checkpoints topic on the target. */
  CHECKPOINTS_TOPIC_WAIT: env.duration({ default: 60_000 }),
  /** consumer-failover: how long to wait for MirrorMaker 2 to translate the stopped group's final commit, unless the fault states it (its `wait` param). */
  FAILOVER_WAIT: env.duration({ default: DEFAULT_FAILOVER_WAIT_MS }),
  /** MirrorMaker 2's offset.lag.max (its default, the lab's): how many re-reads a translation may cost; a scenario's replicator.checkpoints.offsetLagMax overrides it. */
  OFFSET_LAG_MAX: env.int({ min: 0, max: 1_000_000, default: 100 }),
  /** A scenario whose drain was never announced stops being read this long after its end. */
  DRAIN_GRACE: env.duration({ default: 600_000 }),
};
