import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/** How a local workload process is started: a service bundle run by this Node, logging to a file. */
export interface LaunchPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
  bundle: string;
  logFile: string;
}

/** The operating-system side of the local orchestrator, behind an interface so its logic is tested without processes. */
export interface ProcessControl {
  bundleExists(bundle: string): boolean;
  /** Starts the process detached (it outlives this provisioner), output appended to its log file. */
  spawn(plan: LaunchPlan): Promise<{ pid: number; logOffset: number }>;
  /** Whether `pid` is alive, not a zombie, and still runs `bundle` (pids are reused). */
  isRunning(pid: number, bundle: string): boolean;
  signal(pid: number, signal: NodeJS.Signals): void;
  readLog(file: string, fromOffset: number): Promise<string>;
}

export const osProcesses: ProcessControl = {
  bundleExists: (bundle) => existsSync(bundle),

  async spawn(plan) {
    await mkdir(path.dirname(plan.logFile), { recursive: true });
    const fd = openSync(plan.logFile, 'a');
    try {
      const logOffset = fstatSync(fd).size;
      const child = spawn(plan.command, plan.args, { detached: true, stdio: ['ignore', fd, fd], env: plan.env });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      return { pid: child.pid!, logOffset };
    } finally {
      closeSync(fd);
    }
  },

  isRunning(pid, bundle) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!existsSync('/proc/self')) return true;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return false;
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(bundle);
    } catch {
      return false;
    }
  },

  signal(pid, signal) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  },

  async readLog(file, fromOffset) {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch {
      return '';
    }
    try {
      const { size } = await handle.stat();
      if (size <= fromOffset) return '';
      const buf = Buffer.alloc(size - fromOffset);
      await handle.read(buf, 0, buf.length, fromOffset);
      return buf.toString('utf8');
    } finally {
      await handle.close();
    }
  },
};
