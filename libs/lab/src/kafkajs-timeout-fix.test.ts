import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { clampRequestQueueTimeout, kafkajsTimeoutFixSource, requestQueueModule } from './kafkajs-timeout-fix';
import './readiness';

/**
 * kafkajs 2.2.4 schedules a negative timeout and Node >= 23 prints TimeoutNegativeWarning for it
 * (issue 9: nothing printed to a user's terminal by a client library's warnings). Each case runs
 * in a fresh Node 24 process, since Node warns only once per process.
 */
const node24 =
  Number(process.versions.node.split('.')[0]) >= 24
    ? process.execPath
    : path.join(path.dirname(require.resolve('node/package.json')), 'bin', 'node');
const kafkajsMain = require.resolve('kafkajs');

/** An idle, unthrottled queue asks for its pending check, as kafkajs's checkPendingRequests does after draining. */
const SCHEDULE_ON_IDLE_QUEUE = `
const RequestQueue = require(${JSON.stringify(requestQueueModule(kafkajsMain))});
const queue = { throttledUntil: -1, throttleCheckTimeoutId: null, pending: [], checkPendingRequests() { process.stdout.write('checked'); } };
RequestQueue.prototype.scheduleCheckPendingRequests.call(queue);
`;

function runNode(script: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(node24, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test('kafkajs as shipped makes Node print TimeoutNegativeWarning (the control: the fix below has something to fix)', () => {
  const r = runNode(SCHEDULE_ON_IDLE_QUEUE);
  expect(r.stderr).toContain('TimeoutNegativeWarning');
  expect(r.stdout).toBe('checked');
});

test('with the fix applied, nothing is printed and the queue still checks its pending requests', () => {
  const r = runNode(kafkajsTimeoutFixSource(kafkajsMain) + SCHEDULE_ON_IDLE_QUEUE);
  expect(r).toEqual({ stdout: 'checked', stderr: '', status: 0 });
});

test('in a worker thread, as the lab health check runs its MirrorMaker 2 status watcher, nothing is printed', () => {
  const worker = kafkajsTimeoutFixSource(kafkajsMain) + SCHEDULE_ON_IDLE_QUEUE;
  const r = runNode(`
const { Worker } = require('node:worker_threads');
new Worker(${JSON.stringify(worker)}, { eval: true }).on('exit', (code) => process.exit(code));
`);
  expect(r).toEqual({ stdout: 'checked', stderr: '', status: 0 });
});

test("importing the lab's kafkajs users applies the fix to the process's kafkajs", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { mirrorlabNoNegativeTimeout?: true } };
  expect(RequestQueue.prototype.mirrorlabNoNegativeTimeout).toBe(true);
});

describe('the replacement keeps kafkajs timing', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  function scheduledCheckAfter(state: { throttledUntil: number; pending: unknown[] }): number {
    class FakeQueue {
      throttleCheckTimeoutId: NodeJS.Timeout | null = null;
      checks = 0;
      throttledUntil = state.throttledUntil;
      pending = state.pending;
      checkPendingRequests(): void {
        this.checks++;
      }
      scheduleCheckPendingRequests(): void {
        throw new Error('replaced by the fix');
      }
    }
    clampRequestQueueTimeout(FakeQueue);
    const queue = new FakeQueue();
    queue.scheduleCheckPendingRequests();
    queue.scheduleCheckPendingRequests(); // already scheduled: no second timer
    for (let ms = 1; ms <= 1000; ms++) {
      jest.advanceTimersByTime(1);
      if (queue.checks > 0) {
        expect(queue.checks).toBe(1);
        expect(queue.throttleCheckTimeoutId).toBeNull();
        return ms;
      }
    }
    return -1;
  }

  test('throttled: at the end of the throttle', () => expect(scheduledCheckAfter({ throttledUntil: 1_000_250, pending: [1] })).toBe(250));
  test('requests pending: after 10 ms', () => expect(scheduledCheckAfter({ throttledUntil: -1, pending: [1] })).toBe(10));
  test('nothing pending: after 1 ms (what Node made of the negative delay)', () =>
    expect(scheduledCheckAfter({ throttledUntil: -1, pending: [] })).toBe(1));
});
