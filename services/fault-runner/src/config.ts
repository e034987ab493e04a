import { env, kafkaEnv } from '@mirrorlab/service-kit';
import { kubernetesEnv } from './kubernetes/kubernetes-config';

export type FaultBackendName = 'local' | 'kubernetes';

export const faultRunnerEnv = {
  REDIS_URL: env.url({ protocols: ['redis', 'rediss'] }),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Admin faults (add-partitions, add-topic, reassign-partitions) act on these clusters. */
  ...kafkaEnv('SOURCE_KAFKA'),
  ...kafkaEnv('TARGET_KAFKA'),
  /** Where faults happen: `local` (the lab on this machine) or `kubernetes` (a SUT in a cluster: pods, Chaos Mesh, scaling). */
  FAULT_BACKEND: env.oneOf(['local', 'kubernetes'] as const, { default: 'local' }),
  /** Local backend: the lab directory; default as `findLab()` ($MIRRORLAB_LAB_DIR, else <repo>/.lab). */
  LAB_DIR: env.optionalString(),
  /** Kubernetes backend: where the system under test is (API access: KUBECONFIG or the pod's service account). */
  ...kubernetesEnv,
  /** How long a heal may take to be verified (a broker restart is ~20 s on two cores). */
  HEAL_TIMEOUT: env.duration({ default: 120_000 }),
  /** Bound on every Kafka admin call. */
  ADMIN_TIMEOUT: env.duration({ default: 30_000 }),
  /** The runner's own heal of a fault with a duration runs this long after the scheduled one. */
  SAFETY_HEAL_MARGIN: env.duration({ default: 30_000 }),
  /** Fault jobs handled at once (faults of one scenario may overlap; one fault's jobs never run together). */
  WORKER_CONCURRENCY: env.int({ min: 1, max: 32, default: 4 }),
};
