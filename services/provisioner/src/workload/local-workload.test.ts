import { fakeClock, silentLogger } from '../testing/world';
import { LocalWorkload, passthroughEnv, workloadLaunch, type LaunchSettings } from './local-workload';
import type { LaunchPlan, ProcessControl } from './os-processes';
import type { ScrapeTarget, ScrapeTargets } from './scrape-targets';
import { memoryWorkloadRegistry } from './workload-registry';

const LAUNCH: LaunchSettings = {
  bundlesDir: '/repo/services',
  logDir: '/var/log/ml',
  nodePath: '/usr/bin/node24',
  baseEnv: { PATH: '/bin', SOURCE_KAFKA_BROKERS: 's:9092', CONTROL_TOPIC: 'ctl' },
  extraEnv: { REPORT_INTERVAL: '1s', PORT: '9999' },
};

describe('passthroughEnv', () => {
  it('passes the cluster settings and nothing else', () => {
    expect(
      passthroughEnv({
        SOURCE_KAFKA_BROKERS: 's:1',
        SOURCE_KAFKA_SASL_PASSWORD: 'pw',
        TARGET_KAFKA_BROKERS: 't:1',
        CONTROL_KAFKA_TLS: 'true',
        CONTROL_TOPIC: 'c',
        LOG_LEVEL: 'debug',
        REDIS_URL: 'redis://x',
        API_TOKEN: 'secret',
        PORT: '8084',
      }),
    ).toEqual({
      SOURCE_KAFKA_BROKERS: 's:1',
      SOURCE_KAFKA_SASL_PASSWORD: 'pw',
      TARGET_KAFKA_BROKERS: 't:1',
      CONTROL_KAFKA_TLS: 'true',
      CONTROL_TOPIC: 'c',
      LOG_LEVEL: 'debug',
    });
  });
});

describe('workloadLaunch', () => {
  it('runs the producer bundle with this Node, a port of its own and an id per scenario and index', () => {
    const p = workloadLaunch('sc-1', 'producer', 0, LAUNCH);
    expect(p).toMatchObject({
      id: 'sc-1-p0',
      command: '/usr/bin/node24',
      args: ['--enable-source-maps', '/repo/services/producer/dist/main.js'],
      bundle: '/repo/services/producer/dist/main.js',
      logFile: '/var/log/ml/sc-1.producer-0.log',
    });
    expect(p.env).toEqual({
      PATH: '/bin',
      SOURCE_KAFKA_BROKERS: 's:9092',
      CONTROL_TOPIC: 'ctl',
      REPORT_INTERVAL: '1s',
      PORT: '0',
      HOST: '127.0.0.1',
      INSTANCE_ID: 'sc-1-p0',
      PRODUCER_ID: 'sc-1-p0',
      SCENARIO_ID: 'sc-1',
    });
  });

  it('runs source consumer groups from the consumer-groups bundle with a CONSUMER_ID', () => {
    const c = workloadLaunch('sc-1', 'consumer', 0, LAUNCH);
    expect(c.bundle).toBe('/repo/services/consumer-groups/dist/main.js');
    expect(c.logFile).toBe('/var/log/ml/sc-1.consumer-0.log');
    expect(c.env).toMatchObject({ CONSUMER_ID: 'sc-1-c0', INSTANCE_ID: 'sc-1-c0', SCENARIO_ID: 'sc-1' });
  });

  it('runs the source audit consumer from the consumer-validator bundle, reading the source cluster under the TARGET_KAFKA_ names', () => {
    const a = workloadLaunch('sc-1', 'audit', 0, {
      ...LAUNCH,
      baseEnv: { ...LAUNCH.baseEnv, SOURCE_KAFKA_TLS: 'true', TARGET_KAFKA_BROKERS: 't:9092', TARGET_KAFKA_SASL_PASSWORD: 'target-secret' },
    });
    expect(a.bundle).toBe('/repo/services/consumer-validator/dist/main.js');
    expect(a.logFile).toBe('/var/log/ml/sc-1.audit-0.log');
    expect(a.env).toEqual({
      PATH: '/bin',
      SOURCE_KAFKA_BROKERS: 's:9092',
      SOURCE_KAFKA_TLS: 'true',
      CONTROL_TOPIC: 'ctl',
      REPORT_INTERVAL: '1s',
      PORT: '0',
      HOST: '127.0.0.1',
      INSTANCE_ID: 'sc-1-a0',
      VALIDATOR_ID: 'sc-1-a0',
      SCENARIO_ID: 'sc-1',
      SOURCE_AUDIT: 'true',
      TARGET_KAFKA_BROKERS: 's:9092',
      TARGET_KAFKA_TLS: 'true',
    });
  });

  it('runs validators from the consumer-validator bundle with a VALIDATOR_ID', () => {
    const v = workloadLaunch('sc-1', 'validator', 2, LAUNCH);
    expect(v.bundle).toBe('/repo/services/consumer-validator/dist/main.js');
    expect(v.env).toMatchObject({ VALIDATOR_ID: 'sc-1-v2', INSTANCE_ID: 'sc-1-v2' });
    expect(v.env).not.toHaveProperty('PRODUCER_ID');
  });
});

class FakeProcesses implements ProcessControl {
  nextPid = 100;
  readonly running = new Map<number, { bundle: string; log: string }>();
  readonly spawned: LaunchPlan[] = [];
  readonly signals: Array<[number, string]> = [];
  /** Processes ignore SIGTERM when true. */
  stubborn = false;
  catchUp = true;
  bundleExists = () => true;
  async spawn(plan: LaunchPlan) {
    const pid = this.nextPid++;
    this.spawned.push(plan);
    const listening = `{"event":"http_listening","host":"127.0.0.1","port":${4000 + pid}}\n`;
    this.running.set(pid, { bundle: plan.bundle, log: this.catchUp ? `${listening}{"event":"control_topic_caught_up"}\n` : listening });
    return { pid, logOffset: 0 };
  }
  isRunning(pid: number, bundle: string) {
    return this.running.get(pid)?.bundle === bundle;
  }
  signal(pid: number, sig: NodeJS.Signals) {
    this.signals.push([pid, sig]);
    if (sig === 'SIGKILL' || !this.stubborn) this.running.delete(pid);
  }
  async readLog(file: string) {
    // The log of the latest process that logs to this file, if it still runs.
    const pid = 100 + this.spawned.map((p) => p.logFile).lastIndexOf(file);
    return this.running.get(pid)?.log ?? '';
  }
}

function memoryScrapeTargets(): ScrapeTargets & { files: Map<string, ScrapeTarget[]> } {
  const files = new Map<string, ScrapeTarget[]>();
  return { files, write: async (id, t) => void files.set(id, t), remove: async (id) => void files.delete(id) };
}

function setup() {
  const processes = new FakeProcesses();
  const registry = memoryWorkloadRegistry();
  const clock = fakeClock();
  const scrapeTargets = memoryScrapeTargets();
  const workload = new LocalWorkload({
    launch: LAUNCH,
    registry,
    processes,
    clock,
    logger: silentLogger(),
    startTimeoutMs: 10_000,
    stopTimeoutMs: 5000,
    scrapeTargets,
  });
  return { processes, registry, clock, workload, scrapeTargets };
}
const never = new AbortController().signal;

describe('LocalWorkload', () => {
  it('starts validators then producers, records their pids, and waits until each caught up', async () => {
    const { processes, registry, workload } = setup();
    const status = await workload.ensure({ scenarioId: 'sc-1', producers: 2, validators: 1 }, never);
    expect(processes.spawned.map((p) => p.env.INSTANCE_ID)).toEqual(['sc-1-v0', 'sc-1-p0', 'sc-1-p1']);
    expect(status).toEqual({
      kind: 'local',
      processes: [
        { role: 'validator', id: 'sc-1-v0', pid: 100, logFile: '/var/log/ml/sc-1.validator-0.log' },
        { role: 'producer', id: 'sc-1-p0', pid: 101, logFile: '/var/log/ml/sc-1.producer-0.log' },
        { role: 'producer', id: 'sc-1-p1', pid: 102, logFile: '/var/log/ml/sc-1.producer-1.log' },
      ],
    });
    expect((await registry.list('sc-1')).map((e) => e.pid).sort()).toEqual([100, 101, 102]);
  });

  it('starts the source audit consumer after the validators when asked, and not otherwise', async () => {
    const { processes, workload } = setup();
    const status = await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1, sourceAudit: true }, never);
    expect(processes.spawned.map((p) => p.env.INSTANCE_ID)).toEqual(['sc-1-v0', 'sc-1-a0', 'sc-1-p0']);
    expect(status.processes[1]).toMatchObject({ role: 'audit', id: 'sc-1-a0' });
    expect(processes.spawned[1].env.SOURCE_AUDIT).toBe('true');
    const off = setup();
    await off.workload.ensure({ scenarioId: 'sc-2', producers: 1, validators: 1 }, never);
    expect(off.processes.spawned.some((p) => 'SOURCE_AUDIT' in p.env)).toBe(false);
  });

  it('starts the consumer-groups process after the producers when the scenario has consumer groups', async () => {
    const { processes, workload } = setup();
    const status = await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1, consumers: 1 }, never);
    expect(processes.spawned.map((p) => p.env.INSTANCE_ID)).toEqual(['sc-1-v0', 'sc-1-p0', 'sc-1-c0']);
    expect(status.processes[2]).toMatchObject({ role: 'consumer', id: 'sc-1-c0' });
  });

  it('starts the added read_uncommitted validators beside the others, told READ_ISOLATION=read_uncommitted (the others are not)', async () => {
    const { processes, workload, registry } = setup();
    const status = await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 2, readUncommittedValidators: 1 }, never);
    expect(processes.spawned.map((p) => [p.env.VALIDATOR_ID ?? p.env.PRODUCER_ID, p.env.READ_ISOLATION])).toEqual([
      ['sc-1-v0', undefined],
      ['sc-1-v1', undefined],
      ['sc-1-u0', 'read_uncommitted'],
      ['sc-1-p0', undefined],
    ]);
    expect(processes.spawned[2].bundle).toBe('/repo/services/consumer-validator/dist/main.js');
    expect(status.processes[2]).toEqual({
      role: 'validator-read-uncommitted',
      id: 'sc-1-u0',
      pid: 102,
      logFile: '/var/log/ml/sc-1.validator-read-uncommitted-0.log',
    });
    // A resumed run finds it running and starts nothing again.
    await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 2, readUncommittedValidators: 1 }, never);
    expect(processes.spawned).toHaveLength(4);
    expect((await registry.list('sc-1')).map((e) => e.id).sort()).toEqual(['sc-1-p0', 'sc-1-u0', 'sc-1-v0', 'sc-1-v1']);
  });

  it('lists the running processes for Prometheus under their Service and instance, and unlists them on release', async () => {
    const { workload, scrapeTargets } = setup();
    await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1 }, never);
    expect(scrapeTargets.files.get('sc-1')).toEqual([
      { service: 'consumer-validator', instance: 'sc-1-v0', address: '127.0.0.1:4100' },
      { service: 'producer', instance: 'sc-1-p0', address: '127.0.0.1:4101' },
    ]);
    await workload.release('sc-1');
    expect(scrapeTargets.files.has('sc-1')).toBe(false);
  });

  it('a second ensure (a resumed run) keeps running processes and restarts only dead ones', async () => {
    const { processes, workload } = setup();
    await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1 }, never);
    processes.running.delete(101);
    const status = await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1 }, never);
    expect(processes.spawned).toHaveLength(3);
    expect(status.processes.map((p) => p.pid)).toEqual([100, 102]);
  });

  it('a process that never catches up is a workload_start_timeout naming it and its log', async () => {
    const { processes, workload } = setup();
    processes.catchUp = false;
    await expect(workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 0 }, never)).rejects.toMatchObject({
      code: 'workload_start_timeout',
      message: expect.stringContaining('producer sc-1-p0'),
    });
  });

  it('a process that exits before catching up is a workload_start_failed with its last log lines', async () => {
    const { processes, workload } = setup();
    processes.catchUp = false;
    processes.spawn = async function (this: FakeProcesses, plan: LaunchPlan) {
      this.spawned.push(plan);
      return { pid: 555, logOffset: 0 };
    }.bind(processes);
    await expect(workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 0 }, never)).rejects.toMatchObject({
      code: 'workload_start_failed',
      message: expect.stringContaining('pid 555'),
    });
  });

  it('a missing bundle says how to build it', async () => {
    const { processes, workload } = setup();
    processes.bundleExists = () => false;
    await expect(workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 0 }, never)).rejects.toMatchObject({
      code: 'workload_start_failed',
      message: expect.stringContaining('npx nx run producer:build'),
    });
  });

  it('release sends SIGTERM, then SIGKILL to what is still running after the timeout, and forgets the pids', async () => {
    const { processes, registry, workload, clock } = setup();
    await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1 }, never);
    processes.stubborn = true;
    const t0 = clock.nowMs();
    await workload.release('sc-1');
    expect(processes.signals).toEqual([
      [100, 'SIGTERM'],
      [101, 'SIGTERM'],
      [100, 'SIGKILL'],
      [101, 'SIGKILL'],
    ]);
    expect(clock.nowMs() - t0).toBeGreaterThanOrEqual(5000);
    expect(processes.running.size).toBe(0);
    expect(await registry.list('sc-1')).toEqual([]);
  });

  it('release of processes started by another provisioner (found in the registry) stops them too', async () => {
    const { processes, registry, workload } = setup();
    await new LocalWorkload({
      launch: LAUNCH,
      registry,
      processes,
      clock: fakeClock(),
      logger: silentLogger(),
      startTimeoutMs: 10_000,
      stopTimeoutMs: 5000,
    }).ensure({ scenarioId: 'sc-1', producers: 1, validators: 1 }, never);
    await workload.release('sc-1');
    expect(processes.signals.map(([, s]) => s)).toEqual(['SIGTERM', 'SIGTERM']);
    expect(processes.running.size).toBe(0);
  });
});
