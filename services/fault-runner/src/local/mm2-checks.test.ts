import type { Mm2Status } from '@mirrorlab/lab';
import { readyOnLiveWorkers } from './mm2-checks';

const running = (workerId: string) => ({ state: 'RUNNING', trace: null, workerId });

function status(entries: Record<string, { state: string; trace: null; workerId: string }>): Mm2Status {
  const s: Mm2Status = { connectors: new Map(), tasks: new Map() };
  for (const [k, v] of Object.entries(entries)) (k.includes('-') ? s.tasks : s.connectors).set(k, v);
  return s;
}

const A = 'h:1/source->target';
const B = 'h:2/source->target';

test('MM2 is back on its own workers only when nothing names the removed worker any more', () => {
  const check = readyOnLiveWorkers(['h:1/'], ['h:2/']);
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
