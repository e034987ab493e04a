/**
 * The local stack: the provisioner, fault-runner and report-aggregator bundles
 * running as background processes next to a lab, the way they run as
 * Deployments in Kubernetes. `mirrorlab run` brings it up on demand; its state
 * (pids, ports, logs) lives in `<lab>/stack/`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeScrapeTargets, scrapeTargetsDir, writeScrapeTargets, type LabState, type ScrapeTarget } from '@mirrorlab/lab';
import { CliError } from '../exit-codes';

export const STACK_SERVICES = ['provisioner', 'fault-runner', 'report-aggregator'] as const;
export type StackService = (typeof STACK_SERVICES)[number];

export interface StackMember {
  service: StackService;
  pid: number;
  url: string;
  logFile: string;
}

export interface StackState {
  labDir: string;
  reportsDir: string;
  members: StackMember[];
}

export interface StackPaths {
  repoRoot: string;
  labDir: string;
}

const stackDir = (labDir: string) => path.join(labDir, 'stack');
const stackFile = (labDir: string) => path.join(stackDir(labDir), 'stack.json');
export const reportsDirFor = (repoRoot: string) => path.join(repoRoot, 'reports');

export function readStack(labDir: string): StackState | undefined {
  try {
    return JSON.parse(readFileSync(stackFile(labDir), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function healthy(m: StackMember): Promise<boolean> {
  if (!pidAlive(m.pid)) return false;
  try {
    const res = await fetch(`${m.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function stackStatus(labDir: string): Promise<Array<StackMember & { healthy: boolean }>> {
  const state = readStack(labDir);
  if (!state) return [];
  return Promise.all(state.members.map(async (m) => ({ ...m, healthy: await healthy(m) })));
}

const instanceId = (service: StackService) => `${service}-local`;
/** The stack's file in `<lab>/prometheus/targets/`: Prometheus scrapes what it lists. */
const STACK_TARGETS = 'stack';

/** The stack members as Prometheus scrape targets (file-based service discovery). */
export function stackScrapeTargets(members: StackMember[]): ScrapeTarget[] {
  return members.map((m) => ({ service: m.service, instance: instanceId(m.service), address: new URL(m.url).host }));
}

/** The environment each stack service gets: the lab's clusters, Redis, and its own settings. */
export function stackEnv(service: StackService, lab: LabState, paths: StackPaths): Record<string, string> {
  const common = {
    PATH: process.env.PATH ?? '',
    SOURCE_KAFKA_BROKERS: lab.source.bootstrap,
    TARGET_KAFKA_BROKERS: lab.target.bootstrap,
    CONTROL_KAFKA_BROKERS: lab.target.bootstrap,
    REDIS_URL: lab.redis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    INSTANCE_ID: instanceId(service),
  };
  switch (service) {
    case 'provisioner':
      return {
        ...common,
        ORCHESTRATOR: 'local',
        SERVICE_BUNDLES_DIR: path.join(paths.repoRoot, 'services'),
        WORKLOAD_LOG_DIR: path.join(stackDir(paths.labDir), 'workload'),
        // Each scenario's producers and validators are listed there for the lab's Prometheus.
        SCRAPE_TARGETS_DIR: scrapeTargetsDir(paths.labDir),
      };
    case 'fault-runner':
      return { ...common, FAULT_BACKEND: 'local', LAB_DIR: paths.labDir };
    case 'report-aggregator':
      return { ...common, REPORTS_DIR: reportsDirFor(paths.repoRoot) };
  }
}

/** Waits for the `http_listening` line in a service's log and returns its URL. */
async function waitForListening(logFile: string, pid: number, deadlineMs: number): Promise<string> {
  while (Date.now() < deadlineMs) {
    const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (!line.includes('"http_listening"')) continue;
      try {
        const e = JSON.parse(line) as { port?: number };
        if (e.port) return `http://127.0.0.1:${e.port}`;
      } catch {
        // a partly written line: read again
      }
    }
    if (!pidAlive(pid))
      throw new CliError(
        `${path.basename(logFile, '.log')} exited during start; see ${logFile}:\n${text.split('\n').slice(-8).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new CliError(`${logFile}: the service did not start listening in time`);
}

async function waitForReady(m: StackMember, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    try {
      const res = await fetch(`${m.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not yet
    }
    if (!pidAlive(m.pid)) throw new CliError(`${m.service} exited while starting; see ${m.logFile}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new CliError(`${m.service} did not become ready in time; see ${m.logFile}`);
}

/**
 * Starts whatever part of the stack is not running and healthy (idempotent), and
 * waits until every member is ready. Bundles must have been built.
 */
export async function stackUp(lab: LabState, paths: StackPaths, log: (line: string) => void, timeoutMs = 120_000): Promise<StackState> {
  const deadline = Date.now() + timeoutMs;
  const dir = stackDir(paths.labDir);
  mkdirSync(dir, { recursive: true });
  const previous = readStack(paths.labDir);
  const members: StackMember[] = [];
  for (const service of STACK_SERVICES) {
    const old = previous?.members.find((m) => m.service === service);
    if (old && (await healthy(old))) {
      members.push(old);
      continue;
    }
    const bundle = path.join(paths.repoRoot, 'services', service, 'dist', 'main.js');
    if (!existsSync(bundle)) throw new CliError(`${bundle} is missing: build the services first (npx nx run-many -t build)`);
    const logFile = path.join(dir, `${service}.log`);
    const fd = openSync(logFile, 'w');
    const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
      env: stackEnv(service, lab, paths),
      stdio: ['ignore', fd, fd],
      detached: true,
      cwd: paths.repoRoot,
    });
    closeSync(fd);
    child.unref();
    log(`starting ${service} (pid ${child.pid}, log ${logFile})`);
    const url = await waitForListening(logFile, child.pid!, deadline);
    members.push({ service, pid: child.pid!, url, logFile });
  }
  const state: StackState = { labDir: paths.labDir, reportsDir: reportsDirFor(paths.repoRoot), members };
  writeFileSync(stackFile(paths.labDir), JSON.stringify(state, null, 2));
  writeScrapeTargets(paths.labDir, STACK_TARGETS, stackScrapeTargets(members));
  for (const m of members) await waitForReady(m, deadline);
  return state;
}

/** Stops the stack's processes (SIGTERM, then SIGKILL after the grace period). */
export async function stackDown(labDir: string, graceMs = 20_000): Promise<string[]> {
  const state = readStack(labDir);
  if (!state) return [];
  const stopped: string[] = [];
  for (const m of state.members) {
    if (!pidAlive(m.pid)) continue;
    process.kill(m.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (pidAlive(m.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (pidAlive(m.pid)) process.kill(m.pid, 'SIGKILL');
    stopped.push(m.service);
  }
  writeFileSync(stackFile(labDir), JSON.stringify({ ...state, members: [] }, null, 2));
  removeScrapeTargets(labDir, STACK_TARGETS);
  return stopped;
}
