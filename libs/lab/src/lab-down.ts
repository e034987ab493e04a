/** `labDown`: stop the lab's own processes by pid, remove its network, optionally its directory. */
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';
import { LabError } from './errors';
import { cacheRoot } from './kafka-dist';
import { processMarker, type LabLog } from './launch';
import { lockLabDir } from './lock';
import { teardownLabNetwork } from './netns';
import { defaultLabDir, findRepoRoot, tryReadLabState, writeLabState, type LabProcess } from './state';
import { stopProcess, type StopOutcome } from './supervisor';

const noop: LabLog = () => undefined;

export interface LabDownOptions {
  dir?: string;
  /** Also delete the lab directory (never the jar cache). */
  purge?: boolean;
  log?: LabLog;
}

export interface LabDownResult {
  dir: string;
  /** False when there was no lab state in the directory. */
  found: boolean;
  stopped: Array<{ name: string; pid: number; outcome: StopOutcome }>;
  networkRemoved: boolean;
  purged: boolean;
}

function assertSafeToPurge(dir: string): void {
  const cache = cacheRoot();
  const forbidden = ['/', homedir(), findRepoRoot() ?? '/'].map((p) => resolve(p));
  if (forbidden.includes(dir) || cache === dir || cache.startsWith(dir + sep)) {
    throw new LabError(
      'invalid_option',
      `refusing to delete ${dir}: it is not a lab-only directory (it holds the jar cache, the repo or home)`,
    );
  }
}

/** Stops the lab's own processes (MM2 first), removes its network, optionally its directory. */
export async function labDown(opts: LabDownOptions = {}): Promise<LabDownResult> {
  const log = opts.log ?? noop;
  const dir = resolve(opts.dir ?? defaultLabDir());
  const state = tryReadLabState(dir);
  if (state === null) return { dir, found: false, stopped: [], networkRemoved: false, purged: false };
  if (opts.purge) assertSafeToPurge(dir);
  const release = lockLabDir(dir);
  const result: LabDownResult = { dir, found: true, stopped: [], networkRemoved: false, purged: false };
  try {
    const stop = async (proc: LabProcess, graceMs: number): Promise<void> => {
      if (proc.pid === null) return;
      const outcome = await stopProcess(proc.pid, processMarker(proc), { name: proc.name, graceMs });
      if (outcome !== 'not-running') log(`${proc.name} (pid ${proc.pid}): ${outcome}`);
      result.stopped.push({ name: proc.name, pid: proc.pid, outcome });
      proc.pid = null;
    };
    const groups: Array<[LabProcess['role'], number]> = [
      ['prometheus', 10_000],
      ['mirrormaker2', 20_000],
      ['toxiproxy', 5_000],
      ['broker', 30_000],
      ['redis', 5_000],
    ];
    for (const [role, graceMs] of groups) {
      const procs = state.processes.filter((p) => p.role === role && p.pid !== null);
      if (procs.length > 0) log(`stopping ${procs.map((p) => p.name).join(', ')}…`);
      await Promise.all(procs.map((p) => stop(p, graceMs)));
    }
    if (state.network !== null) {
      log(`removing network namespaces ${state.network.namespaces.source}, ${state.network.namespaces.target}…`);
      teardownLabNetwork(state.network);
      result.networkRemoved = true;
    }
    state.updatedAt = new Date().toISOString();
    writeLabState(state);
  } finally {
    release();
  }
  if (opts.purge && existsSync(dir)) {
    log(`deleting ${dir}…`);
    rmSync(dir, { recursive: true, force: true });
    result.purged = true;
  }
  return result;
}
