import type { Mm2Status } from '@mirrorlab/lab';
import { readyAfterWorkerRestart, readyOnLiveWorkers } from './mm2-checks';

const running = (workerId: string) => ({ state: 'RUNNING', trace: null, workerId });

function status(entries: Record<string, { state: string; trace: null; workerId: string }>): Mm2Status {
  const s: Mm2Status = { connectors: new Map(), tasks: new Map() };
  for (const [k, v] of Object.entries(entries)) (k.includes('-') ? s.tasks : s.connectors).set(k, v);
  return s;
}

const A = 'h:1/source->target';
const B = 'h:2/source->target';

test('MM2 is back on its own workers only when nothing names the removed worker any more', () => {
  const check = readyOnLiveWorkers(['h:1'], ['h:2']);
  const base = {
    MirrorSourceConnector: running(A),
    MirrorCheckpointConnector: running(A),
    MirrorHeartbeatConnector: running(A),
    'MirrorHeartbeatConnector-0': running(A),
  };
  expect(check(status(base))).toEqual({ ready: true });
  expect(check(status({ ...base, 'MirrorSourceConnector-0': { state: 'UNASSIGNED', trace: null, workerId: B } }))).toMatchObject({
    ready: false,
    progress: 'still on a removed worker: MirrorSourceConnector-0 UNASSIGNED on h:2/source->target',
  });
  expect(check(status({ ...base, MirrorSourceConnector: { state: 'UNASSIGNED', trace: null, workerId: A } }))).toMatchObject({
    ready: false,
  });
  // A worker that is neither live nor known to be gone also counts as gone.
  expect(check(status({ ...base, 'MirrorSourceConnector-1': running('h:9/source->target') }))).toMatchObject({ ready: false });
});

test('Connect workers (replicator mode connect) are named without the flow: the same rule holds', () => {
  const check = readyOnLiveWorkers(['h:1', 'h:3'], ['h:2']);
  const base = {
    MirrorSourceConnector: running('h:1'),
    MirrorCheckpointConnector: running('h:3'),
    MirrorHeartbeatConnector: running('h:1'),
    'MirrorHeartbeatConnector-0': running('h:3'),
  };
  expect(check(status(base))).toEqual({ ready: true });
  expect(check(status({ ...base, 'MirrorSourceConnector-2': running('h:2') }))).toMatchObject({
    ready: false,
    progress: 'still on a removed worker: MirrorSourceConnector-2 RUNNING on h:2',
  });
  // h:11 is another worker than h:1.
  expect(check(status({ ...base, 'MirrorSourceConnector-0': running('h:11') }))).toMatchObject({ ready: false });
});

test('after a Connect worker restarts, only its own records must be newer than the restart', () => {
  const at = (workerId: string, atMs: number) => ({ state: 'RUNNING', trace: null, workerId, atMs });
  const check = readyAfterWorkerRestart('h:1', 1000);
  const s: Mm2Status = { connectors: new Map(), tasks: new Map() };
  s.connectors.set('MirrorSourceConnector', at('h:2', 10));
  s.connectors.set('MirrorCheckpointConnector', at('h:1', 1500));
  s.connectors.set('MirrorHeartbeatConnector', at('h:2', 10));
  s.tasks.set('MirrorHeartbeatConnector-0', at('h:1', 1200));
  expect(check(s)).toEqual({ ready: true });
  // A RUNNING record of the killed process (written before the restart) is not the restarted worker running it.
  s.tasks.set('MirrorSourceConnector-1', at('h:1', 900));
  expect(check(s)).toEqual({ ready: false, progress: 'not restarted on h:1 yet: MirrorSourceConnector-1 RUNNING' });
  s.tasks.set('MirrorSourceConnector-1', at('h:2', 1100));
  expect(check(s)).toEqual({ ready: true });
  s.tasks.set('MirrorSourceConnector-1', { state: 'FAILED', trace: 'boom', workerId: 'h:2', atMs: 1100 });
  expect(check(s)).toMatchObject({ ready: false, failed: expect.stringContaining('MirrorSourceConnector-1 FAILED') });
});
