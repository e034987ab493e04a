import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs a service bundle as a real child process, the way a container runs it,
 * and reads its JSON log lines, for integration tests.
 */
export interface ServiceProcess {
  child: ChildProcess;
  /** Base URL once the HTTP server listens. */
  baseUrl: string;
  events: Array<Record<string, unknown>>;
  stderr: string[];
  /** Resolves with the first event that matches, or rejects after timeoutMs. */
  waitForEvent(match: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  exited: Promise<number | string>;
  /** Resolves once stdout and stderr are closed: every line the process wrote is in `events` and `stderr`. */
  outputClosed: Promise<void>;
}

export function spawnService(
  bundle: string,
  env: Record<string, string>,
  options: { startTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const waiters: Array<{ match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      event = { event: 'non_json_line', line };
    }
    events.push(event);
    for (const w of [...waiters]) {
      if (w.match(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const outputClosed = Promise.all(
    [child.stdout!, child.stderr!].map((stream) => new Promise<void>((resolve) => stream.once('close', resolve))),
  ).then(() => undefined);

  const waitForEvent: ServiceProcess['waitForEvent'] = (match, timeoutMs = 30_000) => {
    const seen = events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; stderr: ${stderr.join('\n')}; last events: ${JSON.stringify(events.slice(-5))}`,
            ),
          ),
        timeoutMs,
      );
      const done = (e: Record<string, unknown>) => {
        clearTimeout(timer);
        resolve(e);
      };
      waiters.push({ match, resolve: done });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`service exited (${code}) before the event; stderr: ${stderr.join('\n')}`));
      });
    });
  };

  return waitForEvent((e) => e.event === 'http_listening', options.startTimeoutMs ?? 30_000).then((e) => ({
    child,
    baseUrl: `http://127.0.0.1:${String(e.port)}`,
    events,
    stderr,
    waitForEvent,
    exited,
    outputClosed,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  }));
}

/** Runs a bundle to completion (for config errors) and returns its exit code, stderr and stdout. */
export function runServiceToExit(
  bundle: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | string; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bundle} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    // 'close', not 'exit': both pipes are drained by then.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stderr, stdout });
    });
  });
}
