import {
  findLab,
  labProcess,
  mm2WorkerId,
  processRunState,
  settledRunState,
  signalLabProcess,
  startLabProcess,
  stopLabProcess,
  waitForClusterServing,
  waitForMm2Status,
  type LabProcess,
  type LabState,
  type RunState,
} from '@mirrorlab/lab';
import { FaultRunnerError, errorMessage } from '../errors';
import type { Injection, Verification } from '../fault-backend';
import type { FaultRequestOf } from '../fault-request';
import type { FaultTarget } from '../fault-target';
import type { KafkaAdmins } from '../kafka-admin';
import { pollUntil } from '../poll';
import { fromLabError } from './lab-errors';
import { heartbeatsAdvance, readyAfterWorkerRestart } from './mm2-checks';

export type ProcessFaultKind = 'kill-broker' | 'pause-broker' | 'remove-broker' | 'kill-replicator' | 'pause-replicator';
export type ProcessFault = FaultRequestOf<ProcessFaultKind>;

export interface LocalContext {
  labDir: string;
  admins: KafkaAdmins;
  healTimeoutMs: number;
  log: (line: string) => void;
}

/** The lab process a broker or replicator target names: `source-2`, or the lab's own MM2 (not one a fault added). */
export function processNameFor(lab: LabState, target: FaultTarget): string {
  if (target.type === 'broker') return `${target.cluster}-${target.broker}`;
  if (target.type === 'replicator') {
    const mm2 = lab.processes.find((p) => p.role === 'mirrormaker2' && p.addedBy === undefined);
    if (mm2 === undefined) throw new FaultRunnerError('inject_failed', 'the lab has no MirrorMaker 2 process');
    return mm2.name;
  }
  throw new FaultRunnerError('target_invalid', `target: a process fault needs a broker or the replicator, not ${target.type}`, {
    field: 'target',
  });
}

async function waitRunState(lab: LabState, name: string, want: RunState, timeoutMs: number): Promise<void> {
  await pollUntil(
    `${name} ${want}`,
    async () => {
      const state = processRunState(labProcess(findLab(lab.dir), name));
      return state === want ? { done: undefined } : { notYet: `${name} is ${state}` };
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/**
 * SIGKILL (kill-*), SIGSTOP (pause-*) or SIGTERM, a controlled shutdown (remove-broker),
 * then waits until /proc shows the effect. `atMs` is the moment the signal was sent.
 */
export async function injectProcessFault(ctx: LocalContext, req: ProcessFault): Promise<Injection> {
  const lab = findLab(ctx.labDir);
  const name = processNameFor(lab, req.target);
  const proc = labProcess(lab, name);
  const before = await settledRunState(proc);
  if (before !== 'running') {
    throw new FaultRunnerError(
      'inject_failed',
      `${name} is ${before === 'stopped' ? 'paused (SIGSTOP)' : 'not running'}: another fault holds it; ${req.kind} needs it running`,
      { retriable: false },
    );
  }
  try {
    if (req.kind === 'remove-broker') {
      const atMs = Date.now();
      const outcome = await stopLabProcess(lab, name, { graceMs: ctx.healTimeoutMs });
      const detail =
        outcome === 'terminated'
          ? `${name} (pid ${proc.pid}) shut down cleanly in ${Date.now() - atMs} ms`
          : `${name} (pid ${proc.pid}) did not finish its controlled shutdown in ${ctx.healTimeoutMs / 1000} s and was killed`;
      return { atMs, detail, effect: { process: name, pid: proc.pid, outcome } };
    }
    const signal = req.kind.startsWith('kill-') ? 'SIGKILL' : 'SIGSTOP';
    const pid = signalLabProcess(lab, name, signal);
    const atMs = Date.now();
    await waitRunState(lab, name, signal === 'SIGKILL' ? 'dead' : 'stopped', 10_000);
    return {
      atMs,
      detail: `${signal} to ${name} (pid ${pid}): ${signal === 'SIGKILL' ? 'gone' : 'state T'} in ${Date.now() - atMs} ms`,
      effect: { process: name, pid, signal },
    };
  } catch (error) {
    throw fromLabError(error, 'inject_failed', `${req.kind} of ${name}`);
  }
}

export function verifyProcessFaultInjected(ctx: LocalContext, req: ProcessFault): Verification {
  const lab = findLab(ctx.labDir);
  const name = processNameFor(lab, req.target);
  const state = processRunState(labProcess(lab, name));
  const want: RunState = req.kind.startsWith('pause-') ? 'stopped' : 'dead';
  return { ok: state === want, detail: `${name} is ${state}` };
}

/**
 * Brings the process back: SIGCONT if it is stopped, a fresh start if it is dead,
 * nothing if it runs. Returns what it did and, after a restart, from when the process
 * must be seen serving.
 */
export async function restoreProcess(ctx: LocalContext, req: ProcessFault): Promise<{ actions: string[]; restartedAtMs: number | null }> {
  const lab = findLab(ctx.labDir);
  const name = processNameFor(lab, req.target);
  const proc = labProcess(lab, name);
  const state = await settledRunState(proc);
  if (state === 'stopped') {
    process.kill(proc.pid as number, 'SIGCONT');
    await waitRunState(lab, name, 'running', 10_000);
    return { actions: [`SIGCONT to ${name} (pid ${proc.pid})`], restartedAtMs: null };
  }
  if (state === 'dead') {
    const started = await startLabProcess(ctx.labDir, name, { log: ctx.log });
    return {
      actions: [started.started ? `restarted ${name} (pid ${started.process.pid})` : `${name} was already running again`],
      restartedAtMs: started.atMs,
    };
  }
  return { actions: [`${name} was running`], restartedAtMs: null };
}

/**
 * The process serves again: a broker answers and its cluster shows every broker and a
 * controller; MM2's connectors are RUNNING (in status records newer than its restart) and
 * its heartbeats advance.
 */
export async function awaitProcessServing(
  ctx: LocalContext,
  req: ProcessFault,
  opts: { timeoutMs: number; notBeforeMs: number | null },
): Promise<Verification> {
  const lab = findLab(ctx.labDir);
  const name = processNameFor(lab, req.target);
  const proc: LabProcess = labProcess(lab, name);
  const state = await settledRunState(proc);
  if (state !== 'running') return { ok: false, detail: `${name} is ${state}` };
  const deadline = Date.now() + opts.timeoutMs;
  try {
    if (req.target.type === 'broker') {
      const health = await waitForClusterServing(lab, req.target.cluster, { timeoutMs: opts.timeoutMs, watch: [proc], log: ctx.log });
      return {
        ok: true,
        detail: `${name} (pid ${proc.pid}) serves; ${req.target.cluster} cluster: ${health.brokers} brokers, controller ${health.controller}`,
      };
    }
    if (lab.mm2.mode === 'connect' && opts.notBeforeMs !== null) {
      // A Connect cluster: the other worker's records stay true across this one's restart (mm2-checks.ts).
      const check = readyAfterWorkerRestart(mm2WorkerId(proc), opts.notBeforeMs);
      await waitForMm2Status(lab, { timeoutMs: opts.timeoutMs, watch: [proc], log: ctx.log, check });
    } else {
      await waitForMm2Status(lab, { timeoutMs: opts.timeoutMs, notBeforeMs: opts.notBeforeMs ?? 0, watch: [proc], log: ctx.log });
    }
    const beats = await heartbeatsAdvance(ctx.admins, Math.max(deadline - Date.now(), 5000));
    return { ok: true, detail: `${name} (pid ${proc.pid}) runs its connectors; ${beats} new heartbeats on the target` };
  } catch (error) {
    return { ok: false, detail: `${name} (pid ${proc.pid}) runs but does not serve: ${errorMessage(error).split('\n')[0]}` };
  }
}
