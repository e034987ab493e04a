import { env, kafkaEnv, type EnvVar } from '@mirrorlab/service-kit';

export type FaultBackendName = 'local' | 'kubernetes';

/**
 * FAULT_BACKEND: `local` (the lab on this machine) is the only one implemented; the
 * Kubernetes backend (Chaos Mesh style) is planned, so asking for it stops the runner at
 * start with a config error that says so instead of failing at the first fault.
 */
const faultBackend: EnvVar<FaultBackendName> = {
  form: 'local (kubernetes: not implemented yet)',
  secret: false,
  parse(raw) {
    if (raw === undefined || raw === '' || raw === 'local') return { ok: true, value: 'local' };
    return { ok: false };
  },
};

export const faultRunnerEnv = {
  REDIS_URL: env.url({ protocols: ['redis', 'rediss'] }),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Admin faults (add-partitions, add-topic, reassign-partitions) act on these clusters. */
  ...kafkaEnv('SOURCE_KAFKA'),
  ...kafkaEnv('TARGET_KAFKA'),
  FAULT_BACKEND: faultBackend,
  /** Local backend: the lab directory; default as `findLab()` ($MIRRORLAB_LAB_DIR, else <repo>/.lab). */
  LAB_DIR: env.optionalString(),
  /** How long a heal may take to be verified (a broker restart is ~20 s on two cores). */
  HEAL_TIMEOUT: env.duration({ default: 120_000 }),
  /** Bound on every Kafka admin call. */
  ADMIN_TIMEOUT: env.duration({ default: 30_000 }),
  /** The runner's own heal of a fault with a duration runs this long after the scheduled one. */
  SAFETY_HEAL_MARGIN: env.duration({ default: 30_000 }),
  /** Fault jobs handled at once (faults of one scenario may overlap; one fault's jobs never run together). */
  WORKER_CONCURRENCY: env.int({ min: 1, max: 32, default: 4 }),
};
