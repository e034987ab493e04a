import { Registry } from 'prom-client';
import type { FaultJob } from '@mirrorlab/protocol';
import { FaultMetrics } from './fault-metrics';
import { FaultRunner } from './fault-runner';
import { FakeBackend, InMemoryLedger, RecordingEvents, RecordingSafetyHeals, memoryLogger } from './testing/fakes';

function setup() {
  const backend = new FakeBackend();
  const ledger = new InMemoryLedger();
  const events = new RecordingEvents();
  const safetyHeals = new RecordingSafetyHeals();
  const registry = new Registry();
  const metrics = new FaultMetrics(registry);
  const { logger, lines } = memoryLogger();
  let t = 0;
  const make = () =>
    new FaultRunner({ backend, ledger, events, safetyHeals, metrics, logger, safetyHealMarginMs: 30_000, nowMs: () => ++t });
  return { backend, ledger, events, safetyHeals, registry, lines, runner: make(), restart: make };
}

const inject = (faultId: string, kind: string, target?: string, extra: Partial<FaultJob> = {}): FaultJob =>
  ({ action: 'inject', scenarioId: faultId.split('/')[0], faultId, kind, ...(target ? { target } : {}), params: {}, ...extra }) as FaultJob;
const heal = (job: FaultJob): FaultJob => ({ ...job, action: 'heal' }) as FaultJob;

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values as Array<{ labels: Record<string, string>; value: number }> | undefined)?.find((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  )?.value;
}

test('a fault is recorded before it is injected, announced at the moment it took effect, and forgotten after a verified heal', async () => {
  const { runner, backend, ledger, events, registry } = setup();
  let seenDuringInject: string | undefined;
  backend.onInject = async (f) => {
    seenDuringInject = (await ledger.get(f.faultId))?.phase;
  };
  const job = inject('s1/f0', 'kill-broker', 'source:2', { durationMs: 10_000 } as Partial<FaultJob>);
  const injected = await runner.handle(job);
  expect(seenDuringInject).toBe('injecting');
  expect(injected).toMatchObject({ outcome: 'injected', target: 'source:2' });
  expect((await ledger.get('s1/f0'))?.phase).toBe('active');
  expect(backend.applied.get('source:2')).toBe('kill-broker');
  expect(await metricValue(registry, 'mirrorlab_fault_active', { scenario: 's1', kind: 'kill-broker', target: 'source:2' })).toBe(1);

  const healed = await runner.handle(heal(job));
  expect(healed).toMatchObject({ outcome: 'healed', verified: true });
  expect(backend.applied.size).toBe(0);
  expect(await ledger.get('s1/f0')).toBeUndefined();
  expect(events.events).toEqual([
    { type: 'fault.injected', faultId: 's1/f0', scenarioId: 's1', atMs: 1_001_000, target: 'source:2' },
    // healStartedAtMs: the runner's clock when it began the heal (its 4th reading here).
    {
      type: 'fault.healed',
      faultId: 's1/f0',
      scenarioId: 's1',
      atMs: 1_002_000,
      verified: true,
      detail: 'source:2 clean',
      healStartedAtMs: 4,
    },
  ]);
  expect(await metricValue(registry, 'mirrorlab_fault_active', { scenario: 's1', kind: 'kill-broker', target: 'source:2' })).toBe(0);
  expect(await metricValue(registry, 'mirrorlab_faults_injected_total', { kind: 'kill-broker' })).toBe(1);
  expect(await metricValue(registry, 'mirrorlab_faults_healed_total', { kind: 'kill-broker', verified: 'true' })).toBe(1);
});

test("a fault with a duration gets the runner's own safety heal, with the resolved target", async () => {
  const { runner, safetyHeals } = setup();
  await runner.handle(inject('s1/f1', 'pause-broker', 'target:random', { durationMs: 20_000 } as Partial<FaultJob>));
  expect(safetyHeals.scheduled).toHaveLength(1);
  expect(safetyHeals.scheduled[0].delayMs).toBe(50_000);
  expect(safetyHeals.scheduled[0].fault.target).toMatch(/^target:[123]$/);
  await runner.handle(inject('s1/f2', 'add-topic', undefined, { params: { name: 't' } } as Partial<FaultJob>));
  expect(safetyHeals.scheduled).toHaveLength(1);
});

test('healing a healed fault is a no-op that still verifies, publishes nothing and keeps a late inject away', async () => {
  const { runner, backend, events, lines } = setup();
  const job = inject('s1/f0', 'packet-loss', 'inter-dc', { params: { probability: 0.1 } } as Partial<FaultJob>);
  await runner.handle(job);
  await runner.handle(heal(job));
  const again = await runner.handle(heal(job));
  expect(again).toMatchObject({ outcome: 'already_healed', verified: true });
  expect(events.events.filter((e) => e.type === 'fault.healed')).toHaveLength(1);
  expect(lines.some((l) => l.event === 'fault_heal_noop')).toBe(true);
  // The inject job running again (a stalled job re-run) does not re-inject.
  expect(await runner.handle(job)).toMatchObject({ outcome: 'skipped', reason: 'already_finished' });
  expect(backend.applied.size).toBe(0);
});

test('a heal that does not verify is published as such, logged as an error, fails its job and keeps the fault recorded', async () => {
  const { runner, backend, ledger, events, lines, registry } = setup();
  const job = inject('s1/f0', 'kill-replicator', 'replicator');
  await runner.handle(job);
  backend.failHealOf.add('replicator');
  await expect(runner.handle(heal(job))).rejects.toMatchObject({
    code: 'heal_unverified',
    message: expect.stringContaining('replicator still has kill-replicator'),
  });
  expect(events.events.at(-1)).toMatchObject({ type: 'fault.healed', verified: false, detail: 'replicator still has kill-replicator' });
  expect(lines.find((l) => l.event === 'fault_heal_unverified')).toMatchObject({ level: 'error', faultId: 's1/f0' });
  expect(await ledger.get('s1/f0')).toMatchObject({ phase: 'active', lastHeal: { verified: false } });
  expect(await metricValue(registry, 'mirrorlab_faults_healed_total', { kind: 'kill-replicator', verified: 'false' })).toBe(1);
  expect(await metricValue(registry, 'mirrorlab_fault_active', { kind: 'kill-replicator' })).toBe(1);

  // The next attempt (the safety heal) verifies: published, and the fault is forgotten.
  backend.failHealOf.clear();
  await expect(runner.handle(heal(job))).resolves.toMatchObject({ outcome: 'healed' });
  expect(events.events.at(-1)).toMatchObject({ type: 'fault.healed', verified: true });
  expect(await ledger.get('s1/f0')).toBeUndefined();
});

test('heal-all heals every active fault of the scenario, newest first, leaves other scenarios alone and closes it to later injects', async () => {
  const { runner, backend, ledger, events } = setup();
  await runner.handle(inject('s1/f0', 'kill-broker', 'source:1'));
  await runner.handle(inject('s1/f1', 'network-partition', 'inter-dc'));
  await runner.handle(inject('s2/f0', 'pause-broker', 'target:3'));
  const result = await runner.handle({ action: 'heal-all', scenarioId: 's1', reason: 'aborted' });
  expect(result).toEqual({ outcome: 'healed_all', scenarioId: 's1', healed: ['s1/f1', 's1/f0'] });
  expect([...backend.applied.keys()]).toEqual(['target:3']);
  expect((await ledger.list()).faults.map((f) => f.faultId)).toEqual(['s2/f0']);
  expect(events.events.filter((e) => e.type === 'fault.healed').map((e) => e.faultId)).toEqual(['s1/f1', 's1/f0']);
  // The heal of the partition knew the other faults still active, not itself.
  expect(backend.calls.find((c) => c.startsWith('heal s1/f1'))).toBe('heal s1/f1 network-partition inter-dc others=s1/f0,s2/f0');
  expect(await runner.handle(inject('s1/f2', 'kill-broker', 'source:3'))).toMatchObject({ outcome: 'skipped', reason: 'scenario_closed' });
  expect(backend.applied.has('source:3')).toBe(false);
});

test('heal-all reports the faults whose heal did not verify and still heals the others', async () => {
  const { runner, backend, ledger } = setup();
  await runner.handle(inject('s1/f0', 'kill-broker', 'source:1'));
  await runner.handle(inject('s1/f1', 'kill-broker', 'source:2'));
  backend.failHealOf.add('source:1');
  await expect(runner.handle({ action: 'heal-all', scenarioId: 's1', reason: 'end' })).rejects.toMatchObject({
    code: 'heal_unverified',
    message: expect.stringContaining('s1/f0'),
  });
  expect(backend.applied.has('source:2')).toBe(false);
  expect((await ledger.list()).faults.map((f) => f.faultId)).toEqual(['s1/f0']);
});

test('a new runner heals what a dead one left recorded, including a fault that died mid-injection, before taking jobs', async () => {
  const { runner, backend, ledger, events, restart } = setup();
  await runner.handle(inject('s1/f0', 'kill-broker', 'source:2'));
  // The runner dies inside the next injection: recorded, effect applied, nothing announced.
  backend.onInject = () => new Promise(() => undefined);
  void runner.handle(inject('s1/f1', 'bandwidth-cap', 'inter-dc', { params: { rate: '1mbit' } } as Partial<FaultJob>));
  await new Promise((r) => setImmediate(r));
  backend.applied.set('inter-dc', 'bandwidth-cap');
  backend.onInject = undefined;
  expect((await ledger.list()).faults.map((f) => [f.faultId, f.phase])).toEqual([
    ['s1/f0', 'active'],
    ['s1/f1', 'injecting'],
  ]);

  const next = restart();
  const result = await next.healLeftovers();
  expect(result).toEqual({ healed: ['s1/f1', 's1/f0'], unverified: [], corrupt: [] });
  expect(backend.applied.size).toBe(0);
  expect((await ledger.list()).faults).toEqual([]);
  // Only the announced fault gets a fault.healed.
  expect(events.events.filter((e) => e.type === 'fault.healed').map((e) => e.faultId)).toEqual(['s1/f0']);
});

test('a runner killed the moment it announced an injection leaves the fault recorded active, so the next runner announces its heal', async () => {
  const { runner, ledger, events, restart } = setup();
  let phaseWhenAnnounced: string | undefined;
  const announce = events.injected.bind(events);
  events.injected = async (fault, injection) => {
    phaseWhenAnnounced = (await ledger.get(fault.faultId))?.phase;
    await announce(fault, injection);
  };
  await runner.handle(inject('s1/f0', 'kill-broker', 'source:3', { durationMs: 10_000 } as Partial<FaultJob>));
  // What a SIGKILL right after the announcement leaves behind is the ledger as it was then.
  expect(phaseWhenAnnounced).toBe('active');
  expect(await restart().healLeftovers()).toEqual({ healed: ['s1/f0'], unverified: [], corrupt: [] });
  expect(events.events.map((e) => [e.type, e.faultId])).toEqual([
    ['fault.injected', 's1/f0'],
    ['fault.healed', 's1/f0'],
  ]);
});

test('start-up reports corrupt ledger entries and unverified heals without failing', async () => {
  const { runner, backend, ledger, lines, restart } = setup();
  await runner.handle(inject('s1/f0', 'pause-replicator', 'replicator'));
  backend.failHealOf.add('replicator');
  ledger.corrupt = [{ faultId: 's0/f9', problem: 'not JSON' }];
  const result = await restart().healLeftovers();
  expect(result.unverified).toEqual([{ faultId: 's1/f0', detail: expect.stringContaining('replicator still has pause-replicator') }]);
  expect(result.corrupt).toEqual([{ faultId: 's0/f9', problem: 'not JSON' }]);
  expect(lines.find((l) => l.event === 'fault_ledger_entry_corrupt')).toMatchObject({ level: 'error', faultId: 's0/f9' });
  expect(await ledger.get('s1/f0')).toBeDefined();
});

test('a failed injection is rolled back, forgotten, announced nowhere, and fails its job', async () => {
  const { runner, backend, ledger, events, lines } = setup();
  backend.failInjectOf.add('source:3');
  await expect(runner.handle(inject('s1/f0', 'remove-broker', 'source:3'))).rejects.toThrow('cannot remove-broker source:3');
  expect(backend.applied.size).toBe(0);
  expect(await ledger.get('s1/f0')).toBeUndefined();
  expect(events.events).toEqual([]);
  expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['fault_inject_failed', 'fault_rolled_back']));
});

test('an inject of an already active fault does nothing; bad targets and params fail before anything is recorded', async () => {
  const { runner, backend, ledger } = setup();
  const job = inject('s1/f0', 'kill-broker', 'source:1');
  await runner.handle(job);
  expect(await runner.handle(job)).toMatchObject({ outcome: 'skipped', reason: 'already_active' });
  expect(backend.calls.filter((c) => c.startsWith('inject'))).toHaveLength(1);
  await expect(runner.handle(inject('s1/f1', 'kill-broker', 'source:9'))).rejects.toMatchObject({
    code: 'target_invalid',
    field: 'target',
  });
  await expect(
    runner.handle(inject('s1/f2', 'packet-loss', undefined, { params: { probability: 1.5 } } as Partial<FaultJob>)),
  ).rejects.toMatchObject({
    code: 'params_invalid',
    field: 'params.probability',
  });
  expect((await ledger.list()).faults.map((f) => f.faultId)).toEqual(['s1/f0']);
});

test('a one-shot fault without a duration is over once announced; with a duration it lasts until its heal', async () => {
  const { runner, ledger, events } = setup();
  await runner.handle(inject('s1/f0', 'add-partitions', 'orders', { params: { count: 6 } } as Partial<FaultJob>));
  expect(await ledger.get('s1/f0')).toBeUndefined();
  expect(await ledger.isFinished('s1/f0')).toBe(true);
  const timed = inject('s1/f1', 'add-topic', undefined, { params: { name: 'late' }, durationMs: 5000 } as Partial<FaultJob>);
  await runner.handle(timed);
  expect((await ledger.get('s1/f1'))?.phase).toBe('active');
  await runner.handle(heal(timed));
  expect(events.events.map((e) => `${e.type} ${e.faultId}`)).toEqual([
    'fault.injected s1/f0',
    'fault.injected s1/f1',
    'fault.healed s1/f1',
  ]);
});

test('the inject and the heal of one fault never overlap', async () => {
  const { runner, backend } = setup();
  let release!: () => void;
  backend.onInject = () => new Promise<void>((r) => (release = r));
  const job = inject('s1/f0', 'kill-broker', 'source:1');
  const injecting = runner.handle(job);
  const healing = runner.handle(heal(job));
  await new Promise((r) => setTimeout(r, 20));
  expect(backend.calls).toEqual(['inject s1/f0 kill-broker source:1']);
  release();
  await injecting;
  await expect(healing).resolves.toMatchObject({ outcome: 'healed' });
});

test('a fault whose announcement cannot be published is undone: no fault without its window', async () => {
  const { backend, ledger } = setup();
  const failing = new FaultRunner({
    backend,
    ledger,
    events: { injected: () => Promise.reject(new Error('control topic down')), healed: async () => undefined },
    safetyHeals: new RecordingSafetyHeals(),
    metrics: new FaultMetrics(new Registry()),
    logger: memoryLogger().logger,
    safetyHealMarginMs: 0,
  });
  await expect(failing.handle(inject('s1/f0', 'kill-broker', 'source:1'))).rejects.toThrow('control topic down');
  expect(backend.applied.size).toBe(0);
  expect(await ledger.get('s1/f0')).toBeUndefined();
});

test('an inject that races heal-all (closed after its first check) is dropped before anything is applied', async () => {
  const { runner, backend, ledger } = setup();
  const answers = [false, true];
  ledger.isClosed = async () => answers.shift() ?? true;
  expect(await runner.handle(inject('s1/f0', 'kill-broker', 'source:1'))).toMatchObject({ outcome: 'skipped', reason: 'scenario_closed' });
  expect(backend.calls).toEqual([]);
  expect(await ledger.get('s1/f0')).toBeUndefined();
});
