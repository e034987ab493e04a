/**
 * One lab process at a time, for fault injection (the fault-runner's local backend): a
 * process's run state from /proc (running, stopped by SIGSTOP, dead), starting just that
 * process again, stopping it, and waiting until a cluster or MirrorMaker 2 serves again.
 * Every change to lab.json is made under the lab directory's lock, as `lab up` and
 * `lab down` make theirs, so none of them loses another's pid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, isLabError } from './errors';
import { ensureKafkaDist, kafkaDistDir } from './kafka-dist';
import { toxiproxyBinary } from './toxiproxy';
import { isLabProcessAlive, launchSpecFor, processMarker, writeLabConfigs, type LabLog, type LabRuntime } from './launch';
import { lockLabDir } from './lock';
import { Mm2StatusWatcher, mm2Readiness, type Mm2Status } from './mm2-status';
import { ensureJava, findProgram } from './prerequisites';
import { kafkaClusterCheck, waitFor, type ClusterHealth } from './readiness';
import { labProcess, readLabState, writeLabState, type ClusterName, type LabProcess, type LabState } from './state';
import { launchDetached, processLiveness, stopProcess, tailLog, type StopOutcome } from './supervisor';

/** `stopped`: SIGSTOPped (state T in /proc); `dead`: not running, or the pid is no longer ours. */
export type RunState = 'running' | 'stopped' | 'dead';

/** The process's run state, from /proc/<pid>/stat (after checking the pid is still this process). */
export function processRunState(proc: LabProcess): RunState {
  if (proc.pid === null || processLiveness(proc.pid, processMarker(proc)) !== 'alive') return 'dead';
  let stat: string;
  try {
    stat = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
  } catch {
    return 'dead';
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'T' || state === 't' ? 'stopped' : 'running';
}

/** Callers in this process, one at a time per directory: the lock file only keeps other processes out. */
const inProcess = new Map<string, Promise<unknown>>();

/**
 * The run state, with `dead` confirmed for `settleMs`: a process just launched through
 * `ip netns exec` briefly reads as something else while it execs the real program.
 */
export async function settledRunState(proc: LabProcess, settleMs = 2000): Promise<RunState> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const state = processRunState(proc);
    if (state !== 'dead' || Date.now() >= deadline) return state;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs `fn` holding the lab directory's lock, waiting up to `timeoutMs` for it while a
 * `lab up`/`lab down` (or another fault) holds it. Calls from this process queue up.
 */
export function withLabLock<T>(dir: string, timeoutMs: number, fn: () => T | Promise<T>): Promise<T> {
  const previous = inProcess.get(dir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => lockedRun(dir, timeoutMs, fn));
  const tail = run.catch(() => undefined);
  inProcess.set(dir, tail);
  void tail.then(() => {
    if (inProcess.get(dir) === tail) inProcess.delete(dir);
  });
  return run;
}

async function lockedRun<T>(dir: string, timeoutMs: number, fn: () => T | Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let release: () => void;
  for (;;) {
    try {
      release = lockLabDir(dir);
      break;
    } catch (error) {
      if (!isLabError(error) || error.code !== 'lab_locked' || Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * The programs and jars lab processes run with: the jars `lab up` fetched into the cache
 * (the ones the running processes use), fetched only if they are missing, so a restart
 * works from a bundle outside the repository too.
 */
export async function labRuntime(log?: LabLog): Promise<LabRuntime> {
  const cachedLibs = join(kafkaDistDir(), 'libs');
  return {
    java: await ensureJava(log),
    redisServer: findProgram('redis-server') ?? 'redis-server',
    prometheus: findProgram('prometheus') ?? undefined,
    libsDir: existsSync(cachedLibs) ? cachedLibs : (await ensureKafkaDist({ log })).libsDir,
    toxiproxy: toxiproxyBinary(),
  };
}

export interface StartedProcess {
  process: LabProcess;
  /** False when it was already running (nothing was started). */
  started: boolean;
  /** When it was launched (or when it was found running), ms since the epoch. */
  atMs: number;
}

/**
 * Starts the lab process `name` if it is not running (idempotent), with the configs
 * regenerated from the state, and records its new pid. Does not wait for it to serve.
 */
export async function startLabProcess(
  dir: string,
  name: string,
  opts: { lockTimeoutMs?: number; runtime?: LabRuntime; log?: LabLog } = {},
): Promise<StartedProcess> {
  const runtime = opts.runtime ?? (await labRuntime(opts.log));
  return withLabLock(dir, opts.lockTimeoutMs ?? 60_000, () => {
    const state = readLabState(dir);
    const proc = labProcess(state, name);
    if (isLabProcessAlive(proc)) return { process: proc, started: false, atMs: Date.now() };
    writeLabConfigs(state);
    opts.log?.(`starting ${proc.name}${proc.netns ? ` in ${proc.netns}` : ''}…`);
    proc.pid = launchDetached(launchSpecFor(state, proc, runtime));
    const atMs = Date.now();
    state.updatedAt = new Date(atMs).toISOString();
    writeLabState(state);
    return { process: proc, started: true, atMs };
  });
}

/** SIGTERM (a broker's controlled shutdown), then SIGKILL after `graceMs`. Leaves lab.json as it is. */
export async function stopLabProcess(state: LabState, name: string, opts: { graceMs: number }): Promise<StopOutcome> {
  const proc = labProcess(state, name);
  if (proc.pid === null) return 'not-running';
  return stopProcess(proc.pid, processMarker(proc), { name, graceMs: opts.graceMs });
}

/**
 * Fails the wait when one of `procs` is no longer running (a crash at start-up): dead on
 * every check for 2 s, so the moment it execs the real program does not count (right after
 * `ip netns exec` hands over to java, /proc/<pid>/cmdline does not show the marker yet: a
 * guard without the grace failed `lab up` on a healthy restarted broker under load).
 */
export function exitedGuard(procs: readonly LabProcess[]): () => void {
  const deadSince = new Map<string, number>();
  return () => {
    for (const proc of procs) {
      if (isLabProcessAlive(proc)) {
        deadSince.delete(proc.name);
        continue;
      }
      const since = deadSince.get(proc.name) ?? Date.now();
      deadSince.set(proc.name, since);
      if (Date.now() - since >= 2000) {
        throw new LabError(
          'process_exited',
          `${proc.name} exited while starting; last lines of ${proc.logFile}:\n${tailLog(proc.logFile, 25)}`,
        );
      }
    }
  };
}

export interface ServeWaitOptions {
  timeoutMs: number;
  /** Processes that must stay up while waiting (the ones just started). */
  watch?: readonly LabProcess[];
  log?: LabLog;
}

/** Waits until every planned broker of `cluster` answers and the cluster metadata shows them and a controller. */
export function waitForClusterServing(state: LabState, cluster: ClusterName, opts: ServeWaitOptions): Promise<ClusterHealth> {
  return waitFor(`${cluster} cluster`, kafkaClusterCheck(state[cluster].brokers), {
    timeoutMs: opts.timeoutMs,
    guard: exitedGuard(opts.watch ?? []),
    context: () => (opts.watch ?? []).map((p) => `--- last lines of ${p.logFile}:\n${tailLog(p.logFile, 12)}`).join('\n'),
    onProgress: (line) => opts.log?.(`waiting for ${line}…`),
  });
}

/** What a MirrorMaker 2 status wait accepts: the lab's readiness rule unless told otherwise. */
export type Mm2StatusCheck = (status: Mm2Status) => { ready: true } | { ready: false; progress: string; failed?: string };

/**
 * Streams MM2's Connect status topic (records older than `notBeforeMs` ignored) until
 * `check` passes: by default all three connectors and the heartbeat task RUNNING.
 */
export async function waitForMm2Status(
  state: LabState,
  opts: ServeWaitOptions & { notBeforeMs?: number; check?: Mm2StatusCheck; what?: string },
): Promise<void> {
  const check = opts.check ?? mm2Readiness;
  const watcher = new Mm2StatusWatcher(state.target.bootstrap, state.mm2.statusTopic, opts.notBeforeMs ?? 0);
  const options = {
    timeoutMs: opts.timeoutMs,
    guard: exitedGuard(opts.watch ?? []),
    context: () => (opts.watch ?? []).map((p) => `--- last lines of ${p.logFile}:\n${tailLog(p.logFile, 12)}`).join('\n'),
    onProgress: (line: string) => opts.log?.(`waiting for ${line}…`),
  };
  const deadline = Date.now() + opts.timeoutMs;
  await waitFor(
    'MirrorMaker 2 status topic',
    async () => {
      const notReady = await watcher.topicNotReady();
      if (notReady !== null) return { progress: notReady };
      await watcher.start();
      return { ready: true };
    },
    options,
  );
  try {
    await waitFor(
      opts.what ?? 'MirrorMaker 2 connectors',
      async () => {
        const verdict = check(watcher.status);
        if (verdict.ready) return { ready: true };
        if (verdict.failed !== undefined) throw new LabError('process_exited', `MirrorMaker 2: ${verdict.failed}`);
        return { progress: verdict.progress };
      },
      { ...options, timeoutMs: Math.max(deadline - Date.now(), 1000), intervalMs: 250 },
    );
  } finally {
    await watcher.stop();
  }
}

export interface Mm2StatusEntry {
  /** Connector name, or `<connector>-<task>`. */
  name: string;
  type: 'connector' | 'task';
  state: string;
  /** Connect's worker id, `<host>:<rest port>/<flow>`. */
  workerId: string | null;
}

/** The latest status of every connector and task, flat. */
export function entriesOfStatus(status: Mm2Status): Mm2StatusEntry[] {
  return [
    ...[...status.connectors].map(([name, s]) => ({ name, type: 'connector' as const, state: s.state, workerId: s.workerId })),
    ...[...status.tasks].map(([name, s]) => ({ name, type: 'task' as const, state: s.state, workerId: s.workerId })),
  ];
}
