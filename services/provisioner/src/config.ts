import { env, kafkaEnv, type ConfigOf, type EnvVar } from '@mirrorlab/service-kit';
import type { RunnerSettings } from './scenario-runner';

/** `KEY=VALUE,KEY=VALUE`: extra environment for the workload processes the `local` orchestrator starts. */
const keyValues = (): EnvVar<Record<string, string>> => ({
  form: 'a comma-separated list of KEY=VALUE (KEY in capitals, digits and _)',
  secret: false,
  parse(raw) {
    if (raw === undefined || raw.trim() === '') return { ok: true, value: {} };
    const out: Record<string, string> = {};
    for (const part of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(part);
      if (!m) return { ok: false };
      out[m[1]] = m[2];
    }
    return { ok: true, value: out };
  },
});

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const namespaceName = (fallback: string): EnvVar<string> => ({
  form: 'a Kubernetes namespace name (lowercase letters, digits and "-")',
  secret: false,
  parse(raw) {
    const value = raw === undefined || raw === '' ? fallback : raw;
    return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value) ? { ok: true, value } : { ok: false };
  },
});

/** A Deployment name, or `none` (null): this provisioner does not scale that role. */
const deploymentName = (fallback: string): EnvVar<string | null> => ({
  form: 'a Deployment name (lowercase letters, digits, "-" and "."), or none',
  secret: false,
  parse(raw) {
    const value = raw === undefined || raw.trim() === '' ? fallback : raw.trim();
    if (value === 'none') return { ok: true, value: null };
    return DNS_SUBDOMAIN.test(value) ? { ok: true, value } : { ok: false };
  },
});

export const provisionerEnv = {
  REDIS_URL: env.url({ protocols: ['redis', 'rediss'] }),
  ...kafkaEnv('SOURCE_KAFKA'),
  ...kafkaEnv('TARGET_KAFKA'),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /**
   * Who starts producers and validators: `none` (deployed separately), `local` (child
   * processes of this machine) or `kubernetes` (scales their Deployments).
   */
  ORCHESTRATOR: env.oneOf(['none', 'local', 'kubernetes'] as const, { default: 'none' }),
  /** Kubernetes workload: the namespace of the producer and validator Deployments (API access: KUBECONFIG or the pod's service account). */
  K8S_NAMESPACE: namespaceName('mirrorlab'),
  /** Kubernetes workload: the producers' Deployment; `none` when they are scaled elsewhere (two regions). */
  K8S_PRODUCER_DEPLOYMENT: deploymentName('producer'),
  /** Kubernetes workload: the validators' Deployment; `none` when they are scaled elsewhere. */
  K8S_VALIDATOR_DEPLOYMENT: deploymentName('consumer-validator'),
  /** Kubernetes workload: the consumer-groups Deployment (scaled to 1 for scenarios with `consumers:`); `none`: scaled elsewhere. */
  K8S_CONSUMER_DEPLOYMENT: deploymentName('consumer-groups'),
  /** Where `<service>/dist/main.js` bundles are found (local orchestrator); default `<repo>/services`. */
  SERVICE_BUNDLES_DIR: env.optionalString(),
  /** Log files of local workload processes. */
  WORKLOAD_LOG_DIR: env.string({ default: './.lab/workload' }),
  /** Extra env for local workload processes, e.g. `REPORT_INTERVAL=1s,PROGRESS_INTERVAL=1s`. */
  WORKLOAD_ENV: keyValues(),
  /** How long a local workload process may take to catch up with the control topic. */
  WORKLOAD_START_TIMEOUT: env.duration({ default: 90_000 }),
  /**
   * Local orchestrator: a directory where `<scenario>.json` lists the running producers and
   * validators for Prometheus's file-based service discovery (the lab's Prometheus reads
   * `<lab>/prometheus/targets`); unset: not listed.
   */
  SCRAPE_TARGETS_DIR: env.optionalString(),
  /** SIGTERM, then SIGKILL after this long, when a local workload is released. */
  WORKLOAD_STOP_TIMEOUT: env.duration({ default: 20_000 }),
  /** Delay between `scenario.started` and the announced start, so every producer starts together. */
  START_DELAY: env.duration({ default: 2000 }),
  /** How long MirrorMaker 2 may take to create the target topics. */
  REPLICATOR_TIMEOUT: env.duration({ default: 120_000 }),
  /** How long to wait for the report-aggregator's `report.ready` after `scenario.drained`. */
  REPORT_TIMEOUT: env.duration({ default: 60_000 }),
  /** How long to wait for validators' final reports after `scenario.drained` before the workload is released. */
  FINAL_REPORT_WAIT: env.duration({ default: 20_000 }),
  /** How long the faults may take to heal once the workload has ended (restarting a broker can take a while). */
  FAULT_SETTLE_TIMEOUT: env.duration({ default: 120_000 }),
  /** A validator that has not reported for this long is taken to be gone (its partitions moved to others). */
  VALIDATOR_STALE_AFTER: env.duration({ default: 30_000 }),
  /** BullMQ lock of a running scenario job: a dead provisioner's job is taken over this long after it died. */
  JOB_LOCK_DURATION: env.duration({ default: 30_000 }),
  /** How often stalled scenario jobs are looked for; 0 (the default): half the lock duration. */
  JOB_STALLED_INTERVAL: env.duration({ default: 0 }),
  /** A scenario resumed more often than this fails cleanly instead. */
  MAX_RESUMES: env.int({ min: 0, max: 100, default: 5 }),
  /** Scenarios one provisioner runs at once. */
  SCENARIO_CONCURRENCY: env.int({ min: 1, max: 20, default: 1 }),
  /** How often the source audit reads each source partition's log start offset and high watermark (one ListOffsets per topic). */
  SOURCE_AUDIT_INTERVAL: env.duration({ default: 2000 }),
};

type ProvisionerConfig = ConfigOf<typeof provisionerEnv>;

/** The runner's settings from the parsed env. */
export function runnerSettings(config: ProvisionerConfig): RunnerSettings {
  return {
    startDelayMs: config.START_DELAY,
    replicatorTimeoutMs: config.REPLICATOR_TIMEOUT,
    reportTimeoutMs: config.REPORT_TIMEOUT,
    finalReportWaitMs: config.FINAL_REPORT_WAIT,
    faultSettleTimeoutMs: config.FAULT_SETTLE_TIMEOUT,
    validatorStaleMs: config.VALIDATOR_STALE_AFTER,
    maxResumes: config.MAX_RESUMES,
    pollMs: 500,
    progressEveryMs: 2000,
  };
}

/** BullMQ worker options: a short lock so a dead provisioner's job is taken over soon; one attempt, resumed by us. */
export function workerSettings(config: ProvisionerConfig) {
  return {
    concurrency: config.SCENARIO_CONCURRENCY,
    lockDuration: config.JOB_LOCK_DURATION,
    stalledInterval: config.JOB_STALLED_INTERVAL || Math.max(1000, Math.floor(config.JOB_LOCK_DURATION / 2)),
    // Our own resume limit (MAX_RESUMES) ends a run cleanly before BullMQ would fail it as stalled.
    maxStalledCount: config.MAX_RESUMES + 1,
  };
}
