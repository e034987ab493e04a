/**
 * Process supervision without a supervisor: lab processes run detached (own session and
 * process group, output appended to their log file), are tracked by pid, and are only
 * signalled after /proc/<pid>/cmdline proves the pid is still ours (it must contain the
 * process's own lab directory), so a reused pid is never killed.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { LabError } from './errors';

export interface LaunchSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  pidFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Run inside this network namespace (`ip netns exec`, which execs: the pid stays the program's). */
  netns?: string | null;
  /** Text /proc/<pid>/cmdline must contain for the pid to count as this process. */
  marker: string;
}

export type Liveness = 'alive' | 'dead' | 'foreign';

/** Starts the process detached and returns its pid (also written to the pid file). */
export function launchDetached(spec: LaunchSpec): number {
  const fd = openSync(spec.logFile, 'a');
  try {
    writeSync(
      fd,
      `\n=== mirrorlab: starting ${spec.name} at ${new Date().toISOString()}${spec.netns ? ` in netns ${spec.netns}` : ''} ===\n`,
    );
    const [command, args] = spec.netns ? ['ip', ['netns', 'exec', spec.netns, spec.command, ...spec.args]] : [spec.command, spec.args];
    const child = spawn(command, args, { cwd: spec.cwd, env: spec.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => undefined); // reported below through the missing pid / liveness check
    child.unref();
    if (child.pid === undefined) {
      throw new LabError('start_failed', `could not start ${spec.name}: ${command} did not spawn (is it installed?)`);
    }
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** `alive` only if the pid runs, is not a zombie, and its cmdline contains `marker`. */
export function processLiveness(pid: number, marker: string): Liveness {
  let stat: string;
  let cmdline: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return 'dead';
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return 'dead';
  return cmdline.includes(marker) ? 'alive' : 'foreign';
}

export function readPidFile(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // the whole process group: the program and anything it forked
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

async function waitGone(pid: number, marker: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (processLiveness(pid, marker) !== 'alive') return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type StopOutcome = 'not-running' | 'foreign' | 'terminated' | 'killed';

/**
 * SIGTERM, wait up to `graceMs`, then SIGKILL. A pid that is not ours (`foreign`) is
 * left alone. Throws `stop_failed` if the process survives SIGKILL.
 */
export async function stopProcess(pid: number, marker: string, opts: { name: string; graceMs: number }): Promise<StopOutcome> {
  const liveness = processLiveness(pid, marker);
  if (liveness !== 'alive') return liveness === 'dead' ? 'not-running' : 'foreign';
  signal(pid, 'SIGTERM');
  if (await waitGone(pid, marker, opts.graceMs)) return 'terminated';
  signal(pid, 'SIGKILL');
  if (await waitGone(pid, marker, 10_000)) return 'killed';
  throw new LabError('stop_failed', `${opts.name} (pid ${pid}) survived SIGKILL; check it with: ps -o pid,stat,cmd -p ${pid}`);
}

/** Last `lines` lines of a log file ('' if it does not exist); reads at most the last 64 KiB. */
export function tailLog(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const length = Math.min(size, 64 * 1024);
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    return buffer
      .subarray(0, read)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '')
      .slice(-lines)
      .join('\n');
  } finally {
    closeSync(fd);
  }
}
