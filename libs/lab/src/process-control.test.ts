import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRunState, settledRunState, withLabLock } from './process-control';
import type { LabProcess } from './state';

let dir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlpc-'));
});
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function proc(pid: number | null): LabProcess {
  return {
    name: 'p',
    role: 'broker',
    cluster: 'source',
    nodeId: 1,
    pid,
    host: '127.0.0.1',
    ports: {},
    netns: null,
    dir,
    dataDir: dir,
    logFile: '',
    pidFile: '',
    configFile: '',
  };
}

async function waitState(p: LabProcess, want: string): Promise<void> {
  for (let i = 0; i < 500 && processRunState(p) !== want; i++) await new Promise((r) => setTimeout(r, 20));
}

test('run state follows SIGSTOP, SIGCONT and SIGKILL of the real process', async () => {
  // The directory in its command line is what marks the pid as this lab process.
  child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', `${dir}/`], { stdio: 'ignore' });
  const p = proc(child.pid!);
  expect(processRunState(p)).toBe('running');
  child.kill('SIGSTOP');
  await waitState(p, 'stopped');
  expect(processRunState(p)).toBe('stopped');
  child.kill('SIGCONT');
  await waitState(p, 'running');
  expect(processRunState(p)).toBe('running');
  child.kill('SIGKILL');
  await new Promise((r) => child!.once('exit', r));
  expect(processRunState(p)).toBe('dead');
  expect(processRunState(proc(null))).toBe('dead');
});

test('a pid that is not this process counts as dead', () => {
  expect(processRunState(proc(process.pid))).toBe('dead');
});

test('callers of one process take the lab lock one at a time', async () => {
  const order: string[] = [];
  const hold = (name: string, ms: number) =>
    withLabLock(dir, 5000, async () => {
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name} out`);
    });
  await Promise.all([hold('a', 100), hold('b', 10), hold('c', 10)]);
  expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
});

test('a failed holder releases the lock for the next', async () => {
  await expect(withLabLock(dir, 1000, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await expect(withLabLock(dir, 1000, () => 'next')).resolves.toBe('next');
});

test('a settled run state waits out a moment of looking dead, but not a real death', async () => {
  expect(await settledRunState(proc(null), 200)).toBe('dead');
  child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', `${dir}/`], { stdio: 'ignore' });
  expect(await settledRunState(proc(child.pid!), 200)).toBe('running');
});
