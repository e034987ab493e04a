import path from 'node:path';
import type { Clock, Logger } from '@mirrorlab/service-kit';
import { ScenarioRunError } from '../errors';
import type { LaunchPlan, ProcessControl } from './os-processes';
import { listeningAddress, noScrapeTargets, type ScrapeTarget, type ScrapeTargets } from './scrape-targets';
import type { WorkloadOrchestrator, WorkloadRequest, WorkloadRole, WorkloadStatus } from './workload-orchestrator';
import type { WorkloadEntry, WorkloadRegistry } from './workload-registry';

const SERVICE: Record<WorkloadRole, string> = {
  producer: 'producer',
  validator: 'consumer-validator',
  consumer: 'consumer-groups',
  'validator-read-uncommitted': 'consumer-validator',
  audit: 'consumer-validator',
};
const ID_SUFFIX: Record<WorkloadRole, string> = {
  producer: 'p',
  validator: 'v',
  consumer: 'c',
  'validator-read-uncommitted': 'u',
  audit: 'a',
};
const ID_VARIABLE: Record<WorkloadRole, string> = {
  producer: 'PRODUCER_ID',
  validator: 'VALIDATOR_ID',
  consumer: 'CONSUMER_ID',
  'validator-read-uncommitted': 'VALIDATOR_ID',
  audit: 'VALIDATOR_ID',
};
/** What a role's process is told beyond its id (consumer-validator READ_ISOLATION: its own group, reports marked). */
const ROLE_ENV: Partial<Record<WorkloadRole, Record<string, string>>> = {
  'validator-read-uncommitted': { READ_ISOLATION: 'read_uncommitted' },
};
const CAUGHT_UP = '"event":"control_topic_caught_up"';

/** The provisioner's own cluster settings, passed through so the workload talks to the same clusters. */
export function passthroughEnv(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && (/^(SOURCE|TARGET|CONTROL)_KAFKA_/.test(k) || k === 'CONTROL_TOPIC' || k === 'LOG_LEVEL')) out[k] = v;
  }
  return out;
}

export interface LaunchSettings {
  bundlesDir: string;
  logDir: string;
  /** The Node that runs the bundles: the provisioner's own. */
  nodePath: string;
  /** Passed-through cluster settings (see passthroughEnv) and PATH. */
  baseEnv: Record<string, string>;
  /** WORKLOAD_ENV. */
  extraEnv: Record<string, string>;
}

/** Command, arguments, env and log file of producer or validator `index` of a scenario. */
export function workloadLaunch(scenarioId: string, role: WorkloadRole, index: number, s: LaunchSettings): LaunchPlan & { id: string } {
  const id = `${scenarioId}-${ID_SUFFIX[role]}${index}`;
  const bundle = path.resolve(s.bundlesDir, SERVICE[role], 'dist', 'main.js');
  return {
    id,
    bundle,
    command: s.nodePath,
    args: ['--enable-source-maps', bundle],
    logFile: path.resolve(s.logDir, `${scenarioId}.${role}-${index}.log`),
    env: {
      ...(role === 'audit' ? withoutTargetKafka(s.baseEnv) : s.baseEnv),
      ...s.extraEnv,
      ...ROLE_ENV[role],
      PORT: '0',
      HOST: '127.0.0.1',
      INSTANCE_ID: id,
      [ID_VARIABLE[role]]: id,
      // Workload started for this scenario only: it must not join another one.
      SCENARIO_ID: scenarioId,
      ...(role === 'audit' ? sourceAuditEnv(s.baseEnv) : {}),
    },
  };
}

/**
 * The source audit consumer is a consumer-validator whose read cluster (TARGET_KAFKA_*) is the
 * source cluster: the SOURCE_KAFKA_* settings under the TARGET_KAFKA_* names (the target's own
 * are dropped, so no target credential or TLS file leaks into the source connection).
 */
function withoutTargetKafka(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('TARGET_KAFKA_')));
}

function sourceAuditEnv(base: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { SOURCE_AUDIT: 'true' };
  for (const [k, v] of Object.entries(base)) if (k.startsWith('SOURCE_KAFKA_')) out[`TARGET_KAFKA_${k.slice('SOURCE_KAFKA_'.length)}`] = v;
  return out;
}

export interface LocalWorkloadOptions {
  launch: LaunchSettings;
  registry: WorkloadRegistry;
  processes: ProcessControl;
  clock: Clock;
  logger: Logger;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  pollMs?: number;
  /** Where the running workload is listed for Prometheus (SCRAPE_TARGETS_DIR); default: nowhere. */
  scrapeTargets?: ScrapeTargets;
}

/**
 * Runs a scenario's producers and validators as detached child processes of
 * this machine (the bundles in `<bundlesDir>/<service>/dist/main.js`), pids
 * recorded in Redis: a provisioner that restarts finds them, keeps those still
 * running and stops them on release.
 */
export class LocalWorkload implements WorkloadOrchestrator {
  readonly kind = 'local';

  constructor(private readonly o: LocalWorkloadOptions) {}

  async ensure(req: WorkloadRequest, signal: AbortSignal): Promise<WorkloadStatus> {
    const { registry, processes, logger } = this.o;
    const existing = await registry.list(req.scenarioId);
    const entries: WorkloadEntry[] = [];
    const wanted: Array<[WorkloadRole, number]> = [
      ...Array.from({ length: req.validators }, (_, i) => ['validator', i] as [WorkloadRole, number]),
      ...Array.from({ length: req.readUncommittedValidators ?? 0 }, (_, i) => ['validator-read-uncommitted', i] as [WorkloadRole, number]),
      ...(req.sourceAudit ? [['audit', 0] as [WorkloadRole, number]] : []),
      ...Array.from({ length: req.producers }, (_, i) => ['producer', i] as [WorkloadRole, number]),
      ...Array.from({ length: req.consumers ?? 0 }, (_, i) => ['consumer', i] as [WorkloadRole, number]),
    ];
    for (const [role, index] of wanted) {
      signal.throwIfAborted();
      const known = existing.find((e) => e.role === role && e.index === index);
      if (known && processes.isRunning(known.pid, known.bundle)) {
        entries.push(known);
        continue;
      }
      const plan = workloadLaunch(req.scenarioId, role, index, this.o.launch);
      if (!processes.bundleExists(plan.bundle)) {
        throw new ScenarioRunError(
          'workload_start_failed',
          `${plan.bundle} is missing: build it (npx nx run ${SERVICE[role]}:build) or set SERVICE_BUNDLES_DIR`,
        );
      }
      const { pid, logOffset } = await processes.spawn(plan);
      const entry: WorkloadEntry = {
        role,
        index,
        id: plan.id,
        pid,
        bundle: plan.bundle,
        logFile: plan.logFile,
        logOffset,
        startedAtMs: this.o.clock.nowMs(),
      };
      await registry.put(req.scenarioId, entry);
      logger.info('workload_process_started', { scenarioId: req.scenarioId, role, id: plan.id, pid, logFile: plan.logFile });
      entries.push(entry);
    }
    await Promise.all(entries.map((e) => this.waitCaughtUp(e, signal)));
    await this.listForScraping(req.scenarioId, entries);
    return { kind: this.kind, processes: entries.map((e) => ({ role: e.role, id: e.id, pid: e.pid, logFile: e.logFile })) };
  }

  async release(scenarioId: string): Promise<void> {
    const { registry, processes, clock, logger } = this.o;
    const entries = await registry.list(scenarioId);
    const running = () => entries.filter((e) => processes.isRunning(e.pid, e.bundle));
    for (const e of running()) processes.signal(e.pid, 'SIGTERM');
    const deadline = clock.nowMs() + this.o.stopTimeoutMs;
    while (running().length > 0 && clock.nowMs() < deadline) await clock.sleep(this.o.pollMs ?? 200);
    const stuck = running();
    for (const e of stuck) processes.signal(e.pid, 'SIGKILL');
    if (stuck.length > 0) logger.warn('workload_process_killed', { scenarioId, ids: stuck.map((e) => e.id), after: 'SIGTERM timeout' });
    const killDeadline = clock.nowMs() + 5000;
    while (running().length > 0 && clock.nowMs() < killDeadline) await clock.sleep(this.o.pollMs ?? 200);
    await registry.clear(scenarioId);
    await this.unlistForScraping(scenarioId);
    if (entries.length > 0) logger.info('workload_released', { scenarioId, processes: entries.length });
  }

  /** Lists the running processes for Prometheus; a failure costs the scrapes, never the run. */
  private async listForScraping(scenarioId: string, entries: WorkloadEntry[]): Promise<void> {
    const targets: ScrapeTarget[] = [];
    for (const e of entries) {
      const address = listeningAddress(await this.o.processes.readLog(e.logFile, e.logOffset));
      if (address === null)
        this.o.logger.warn('workload_not_scraped', { scenarioId, id: e.id, reason: `no http_listening line in ${e.logFile}` });
      else targets.push({ service: SERVICE[e.role], instance: e.id, address });
    }
    try {
      await (this.o.scrapeTargets ?? noScrapeTargets).write(scenarioId, targets);
    } catch (err) {
      this.o.logger.warn('scrape_targets_write_failed', { scenarioId, error: err });
    }
  }

  private async unlistForScraping(scenarioId: string): Promise<void> {
    try {
      await (this.o.scrapeTargets ?? noScrapeTargets).remove(scenarioId);
    } catch (err) {
      this.o.logger.warn('scrape_targets_remove_failed', { scenarioId, error: err });
    }
  }

  private async waitCaughtUp(e: WorkloadEntry, signal: AbortSignal): Promise<void> {
    const { processes, clock } = this.o;
    const deadline = clock.nowMs() + this.o.startTimeoutMs;
    for (;;) {
      const log = await processes.readLog(e.logFile, e.logOffset);
      if (log.includes(CAUGHT_UP)) return;
      const tail = log.trimEnd().split('\n').slice(-5).join('\n');
      if (!processes.isRunning(e.pid, e.bundle)) {
        throw new ScenarioRunError(
          'workload_start_failed',
          `${e.role} ${e.id} (pid ${e.pid}) exited before following the control topic; its log ${e.logFile} ends with:\n${tail}`,
        );
      }
      if (clock.nowMs() >= deadline) {
        throw new ScenarioRunError(
          'workload_start_timeout',
          `${e.role} ${e.id} (pid ${e.pid}) did not catch up with the control topic within ${Math.round(this.o.startTimeoutMs / 1000)} s; see ${e.logFile}`,
        );
      }
      await clock.sleep(this.o.pollMs ?? 250, signal);
    }
  }
}
