import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchDetached, processLiveness, readPidFile, stopProcess, tailLog } from './supervisor';

const dir = mkdtempSync(join(tmpdir(), 'lab-sup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a detached process: pid file, log, liveness by marker, stop with SIGTERM', async () => {
  const marker = `${dir}/sleeper/`;
  const pid = launchDetached({
    name: 'sleeper',
    command: process.execPath,
    args: ['-e', 'console.log("hello from sleeper"); setInterval(() => {}, 1000)', marker],
    logFile: join(dir, 'sleeper.log'),
    pidFile: join(dir, 'sleeper.pid'),
    cwd: dir,
    marker,
  });
  expect(readPidFile(join(dir, 'sleeper.pid'))).toBe(pid);
  expect(processLiveness(pid, marker)).toBe('alive');
  expect(processLiveness(pid, '/some/other/lab/')).toBe('foreign');
  for (let i = 0; i < 200 && !tailLog(join(dir, 'sleeper.log')).includes('hello'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(tailLog(join(dir, 'sleeper.log'))).toContain('hello from sleeper');
  expect(await stopProcess(pid, '/some/other/lab/', { name: 'sleeper', graceMs: 1000 })).toBe('foreign');
  expect(await stopProcess(pid, marker, { name: 'sleeper', graceMs: 5000 })).toBe('terminated');
  expect(processLiveness(pid, marker)).toBe('dead');
  expect(await stopProcess(pid, marker, { name: 'sleeper', graceMs: 100 })).toBe('not-running');
});

test('SIGKILL after the grace period when SIGTERM is ignored', async () => {
  const marker = `${dir}/stubborn/`;
  const pid = launchDetached({
    name: 'stubborn',
    command: process.execPath,
    args: ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)', marker],
    logFile: join(dir, 'stubborn.log'),
    pidFile: join(dir, 'stubborn.pid'),
    cwd: dir,
    marker,
  });
  for (let i = 0; i < 200 && !readFileSync(join(dir, 'stubborn.log'), 'utf8').includes('ready'); i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(await stopProcess(pid, marker, { name: 'stubborn', graceMs: 300 })).toBe('killed');
});

test('tailLog returns the last lines, empty for a missing file', () => {
  const file = join(dir, 'tail.log');
  writeFileSync(file, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n');
  expect(tailLog(file, 2)).toBe('line 98\nline 99');
  expect(tailLog(join(dir, 'missing.log'))).toBe('');
});
