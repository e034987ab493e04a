/**
 * The lab's own Prometheus (`lab up --monitoring`): a lab process like Redis (its config,
 * data and log under `<lab>/prometheus/`), on 127.0.0.1, that scrapes whatever mirrorlab
 * service is listed in `<lab>/prometheus/targets/*.json` (Prometheus file-based service
 * discovery). The local stack and the provisioner's local orchestrator keep those files
 * current, with the labels the Kubernetes ServiceMonitors in deploy/ give.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './errors';
import { isPortFree } from './ports';
import { findRepoRoot, type LabProcess, type LabState } from './state';
import { ADDED_PORT_OFFSET } from './topology';

export const PROMETHEUS_PROCESS = 'prometheus';
/**
 * Scrape and rule evaluation interval. The ServiceMonitors scrape every 15s; the lab scrapes
 * faster because its runs are short (a 30 s run would get two samples per series).
 */
export const LAB_SCRAPE_INTERVAL_SECONDS = 5;
/** Alert rule files (relative to the repository) the lab's Prometheus evaluates, so the UI shows them firing. */
export const ALERT_RULE_FILES = ['grafana/alerts/mirrorlab-rules.yaml'];

/** The lab's Prometheus process, or undefined when the lab runs without monitoring. */
export function prometheusProcess(state: LabState): LabProcess | undefined {
  return state.processes.find((p) => p.role === 'prometheus');
}

export function prometheusUrl(proc: LabProcess): string {
  return `http://${proc.host}:${proc.ports.web}`;
}

/** Where scrape target files go: one JSON file per writer (`stack.json`, `<scenario>.json`). */
export function scrapeTargetsDir(labDir: string): string {
  return join(labDir, PROMETHEUS_PROCESS, 'targets');
}

/** The planned entry of the lab's Prometheus (not started), listening on 127.0.0.1:`port`. */
export function planPrometheus(state: LabState, port: number): LabProcess {
  const dir = join(state.dir, PROMETHEUS_PROCESS);
  return {
    name: PROMETHEUS_PROCESS,
    role: 'prometheus',
    cluster: null,
    nodeId: null,
    pid: null,
    host: '127.0.0.1',
    ports: { web: port },
    netns: null,
    dir,
    dataDir: join(dir, 'data'),
    logFile: join(dir, `${PROMETHEUS_PROCESS}.log`),
    pidFile: join(dir, `${PROMETHEUS_PROCESS}.pid`),
    configFile: join(dir, 'prometheus.yml'),
  };
}

/**
 * A port for Prometheus on 127.0.0.1: the block's spare ports first, then the ones after it,
 * skipping the lab's own ports on 127.0.0.1 and anything something else listens on.
 */
export async function pickPrometheusPort(
  state: LabState,
  isFree: (port: number) => Promise<boolean> = (p) => isPortFree(p),
): Promise<number> {
  const used = new Set(state.processes.filter((p) => p.host === '127.0.0.1').flatMap((p) => Object.values(p.ports)));
  const first = state.basePort + ADDED_PORT_OFFSET;
  for (let port = first; port < first + 200 && port <= 65535; port++) {
    if (!used.has(port) && (await isFree(port))) return port;
  }
  throw new LabError(
    'allocation_failed',
    `no free port for Prometheus on 127.0.0.1 from ${first}; stop what listens there or run "mirrorlab lab down --purge"`,
  );
}

const quote = (s: string): string => JSON.stringify(s);

/**
 * prometheus.yml: one scrape job fed by the target files, whose labels (job, namespace,
 * service, pod, container, endpoint) become the series' labels. honor_labels as on the
 * ServiceMonitors: the services' own `service` and `instance` labels win.
 */
export function renderPrometheusConfig(state: LabState, ruleFiles: string[]): string {
  const interval = `${LAB_SCRAPE_INTERVAL_SECONDS}s`;
  const lines = [
    `# Written by "mirrorlab lab up --monitoring" from ${join(state.dir, 'lab.json')}; regenerated on every lab up.`,
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    `  external_labels: { lab: ${quote(state.id)} }`,
    ruleFiles.length > 0 ? 'rule_files:' : 'rule_files: []',
    ...ruleFiles.map((f) => `  - ${quote(f)}`),
    'scrape_configs:',
    '  - job_name: mirrorlab',
    '    honor_labels: true',
    '    metrics_path: /metrics',
    '    file_sd_configs:',
    `      - files: [${quote(join(scrapeTargetsDir(state.dir), '*.json'))}]`,
    `        refresh_interval: ${interval}`,
    '',
  ];
  return lines.join('\n');
}

/** The alert rule files of this checkout that exist (none when the lab code runs outside the repository). */
export function alertRuleFiles(repoRoot: string | null = findRepoRoot(__dirname)): string[] {
  if (repoRoot === null) return [];
  return ALERT_RULE_FILES.map((f) => join(repoRoot, f)).filter((f) => existsSync(f));
}

/** Writes prometheus.yml and creates the targets directory (deterministic from the state). */
export function writePrometheusConfig(state: LabState, proc: LabProcess): void {
  mkdirSync(scrapeTargetsDir(state.dir), { recursive: true });
  writeFileSync(proc.configFile, renderPrometheusConfig(state, alertRuleFiles()));
}

/** Command-line arguments of the lab's Prometheus. */
export function prometheusArgs(proc: LabProcess): string[] {
  return [
    `--config.file=${proc.configFile}`,
    `--storage.tsdb.path=${proc.dataDir}`,
    `--web.listen-address=${proc.host}:${proc.ports.web}`,
    // POST /-/reload picks up edited alert rules without a restart.
    '--web.enable-lifecycle',
  ];
}

/** Ready when GET /-/ready answers 200 (the TSDB is open and the config loaded). */
export function prometheusReadyCheck(proc: LabProcess): () => Promise<{ ready: true } | { progress: string }> {
  return async () => {
    try {
      const res = await fetch(`${prometheusUrl(proc)}/-/ready`, { signal: AbortSignal.timeout(2000) });
      return res.ok ? { ready: true } : { progress: `prometheus answers ${res.status}` };
    } catch {
      return { progress: 'prometheus not answering yet' };
    }
  };
}

// ---- file-based service discovery ----------------------------------------------------

/** A service the lab's Prometheus should scrape. */
export interface ScrapeTarget {
  /** The Kubernetes Service name: producer, consumer-validator, fault-runner, provisioner, report-aggregator. */
  service: string;
  /** The service's INSTANCE_ID (the pod name in Kubernetes). */
  instance: string;
  /** `host:port` of its HTTP server (which serves /metrics). */
  address: string;
}

/** One file_sd target group in Prometheus's JSON form. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The target labels a ServiceMonitor of deploy/base gives a pod (job = Service name,
 * namespace, service, pod, container, endpoint = the port name `http`); namespace is
 * `local` here since nothing runs in Kubernetes.
 */
export function scrapeTargetGroup(t: ScrapeTarget): TargetGroup {
  return {
    targets: [t.address],
    labels: { job: t.service, namespace: 'local', service: t.service, pod: t.instance, container: t.service, endpoint: 'http' },
  };
}

const TARGET_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function targetFile(labDir: string, name: string): string {
  if (!TARGET_FILE_NAME.test(name))
    throw new LabError('invalid_option', `scrape target file name "${name}": use letters, digits, ".", "_" and "-"`);
  return join(scrapeTargetsDir(labDir), `${name}.json`);
}

/** Writes (atomically: Prometheus never reads half a file) `<lab>/prometheus/targets/<name>.json`. */
export function writeScrapeTargets(labDir: string, name: string, targets: ScrapeTarget[]): string {
  const file = targetFile(labDir, name);
  mkdirSync(scrapeTargetsDir(labDir), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(targets.map(scrapeTargetGroup), null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Removes `<lab>/prometheus/targets/<name>.json` (no-op when absent). */
export function removeScrapeTargets(labDir: string, name: string): void {
  rmSync(targetFile(labDir, name), { force: true });
}
