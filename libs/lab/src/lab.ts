/**
 * Lab orchestration: `labUp` plans a new lab (or reuses the one in the directory), sets up
 * its network, formats storage, starts what is not running and waits until every part is
 * ready. `labStatus` and `labDown` live in lab-status.ts and lab-down.ts.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { LabError } from './errors';
import { KAFKA_VERSION, ensureKafkaDist } from './kafka-dist';
import {
  formatBrokerStorage,
  isBrokerFormatted,
  isLabProcessAlive,
  launchSpecFor,
  processMarker,
  writeLabConfigs,
  type LabLog,
  type LabRuntime,
} from './launch';
import { lockLabDir } from './lock';
import { hostPrefixesInUse, isLabNetworkUp, probeNetnsSupport, setupLabNetwork, teardownLabNetwork } from './netns';
import { arePortsFree, allocateBasePort } from './ports';
import { ensureJava, ensureProgram } from './prerequisites';
import { Mm2StatusWatcher, mm2Readiness } from './mm2-status';
import { pickPrometheusPort, planPrometheus, prometheusProcess, prometheusReadyCheck } from './prometheus';
import { kafkaClusterCheck, redisPingCheck, waitFor } from './readiness';
import { LINK_PROFILES, applyLinkProfile } from './link-latency';
import {
  defaultLabDir,
  tryReadLabState,
  writeLabState,
  type LabProcess,
  type LabState,
  type LinkProfileName,
  type ReplicationPolicyName,
} from './state';
import { ensureToxiproxy, interDcProxy, toxiproxyReadiness } from './toxiproxy';
import { exitedGuard } from './process-control';
import { launchDetached, stopProcess, tailLog } from './supervisor';
import { replicatorModeOf, type ReplicatorModeName } from './replicator-mode';
import { describeMm2Checkpoints, mm2CheckpointsChange, type Mm2CheckpointSettings } from './mm2-checkpoints';
import { applyReplicatorWorkers, configureConnectCluster } from './connect-setup';
import {
  BROKERS_PER_CLUSTER,
  DEFAULT_MM2_TOPICS,
  cidrsOverlap,
  clusterIdFromBytes,
  labIdForDir,
  pickSubnetIndex,
  planLab,
} from './topology';

export type { LabLog } from './launch';

export interface LabUpOptions {
  /** Lab directory; default `defaultLabDir()` ($MIRRORLAB_LAB_DIR or <repo>/.lab). */
  dir?: string;
  /** MM2 topics regex; default `.*` (MM2 excludes internal topics itself). */
  topics?: string;
  replicationPolicy?: ReplicationPolicyName;
  /** false forces loopback; default true (namespaces when available). */
  netns?: boolean;
  /**
   * Standing latency on the inter-DC path (`transatlantic`: ~80 ms RTT). Unlike the options
   * above it may change on a running lab: `up` sets it on the proxies. Default: keep the
   * lab's (none for a new lab).
   */
  link?: LinkProfileName;
  /** Deadline of each readiness stage; default 240 s (two cores, six JVMs starting at once). */
  stageTimeoutMs?: number;
  /** Also run a Prometheus that scrapes the mirrorlab services (see prometheus.ts); an existing lab gains one. */
  monitoring?: boolean;
  /**
   * How MirrorMaker 2 runs (replicator-mode.ts). Like `link` it may change on a running lab:
   * `up` then rewrites MM2's config and restarts its workers. Default: keep the lab's (dedicated for a new lab).
   */
  replicatorMode?: ReplicatorModeName;
  /**
   * MM2's checkpoint connector settings (mm2-checkpoints.ts). Like `replicatorMode` they may change
   * on a running lab, which reconfigures MM2 only when they differ. Default: keep the lab's (the defaults for a new lab).
   */
  mm2Checkpoints?: Mm2CheckpointSettings;
  log?: LabLog;
}

export interface LabUpResult {
  state: LabState;
  /** True when everything was already running and healthy: nothing was started. */
  alreadyUp: boolean;
  /** Processes started by this call. */
  started: string[];
  /** Why the lab runs on loopback although namespaces were asked for. */
  loopbackReason?: string;
}

const noop: LabLog = () => undefined;

function newClusterId(): string {
  for (;;) {
    const id = clusterIdFromBytes(randomBytes(16));
    if (!id.startsWith('-')) return id; // a leading '-' would read as an option on the storage tool's command line
  }
}

function checkCompatible(existing: LabState, opts: LabUpOptions): void {
  const conflicts: string[] = [];
  if (opts.replicationPolicy !== undefined && opts.replicationPolicy !== existing.mm2.replicationPolicy) {
    conflicts.push(`replication policy ${existing.mm2.replicationPolicy} (asked: ${opts.replicationPolicy})`);
  }
  if (opts.topics !== undefined && opts.topics !== existing.mm2.topics)
    conflicts.push(`topics ${existing.mm2.topics} (asked: ${opts.topics})`);
  if (opts.netns === false && existing.mode === 'netns') conflicts.push('netns mode (asked: --no-netns)');
  if (existing.kafkaVersion !== KAFKA_VERSION) conflicts.push(`Kafka ${existing.kafkaVersion} (this mirrorlab runs ${KAFKA_VERSION})`);
  if (existing.interDcProxy === undefined) conflicts.push('no inter-DC proxy (an older mirrorlab)');
  if (conflicts.length > 0) {
    throw new LabError(
      'lab_conflict',
      `the lab in ${existing.dir} was created with ${conflicts.join('; ')}; run "mirrorlab lab down --purge --dir ${existing.dir}" first`,
    );
  }
}

async function planNewLab(dir: string, opts: LabUpOptions, log: LabLog): Promise<{ state: LabState; loopbackReason?: string }> {
  const id = labIdForDir(dir);
  let mode: LabState['mode'] = 'loopback';
  let subnetIndex: number | null = null;
  let loopbackReason: string | undefined;
  if (opts.netns === false) {
    loopbackReason = '--no-netns';
  } else {
    const support = probeNetnsSupport();
    if (support.available) {
      subnetIndex = pickSubnetIndex(id, hostPrefixesInUse());
      if (subnetIndex === null) loopbackReason = 'no free 10.213.x.0/24 subnet on this host';
      else mode = 'netns';
    } else {
      loopbackReason = support.reason;
    }
  }
  if (loopbackReason !== undefined) log(`network namespaces unavailable (${loopbackReason}): running on loopback; network faults are off`);
  const basePort = await allocateBasePort(id);
  const state = planLab({
    dir,
    id,
    mode,
    basePort,
    subnetIndex,
    clusterIds: { source: newClusterId(), target: newClusterId() },
    replicationPolicy: opts.replicationPolicy ?? 'default',
    topics: opts.topics ?? DEFAULT_MM2_TOPICS,
    kafkaVersion: KAFKA_VERSION,
    now: new Date(),
    link: opts.link ?? 'none',
  });
  return { state, loopbackReason };
}

function logContext(procs: LabProcess[]): () => string {
  return () => procs.map((p) => `--- last lines of ${p.logFile}:\n${tailLog(p.logFile, 12)}`).join('\n');
}

/** Runs `tasks` with at most `limit` at a time (JVM start-up is CPU-bound on two cores). */
async function inBatches(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** Brings the lab up (or finishes bringing it up); idempotent. */
export async function labUp(opts: LabUpOptions = {}): Promise<LabUpResult> {
  const log = opts.log ?? noop;
  const dir = resolve(opts.dir ?? defaultLabDir());
  const timeoutMs = opts.stageTimeoutMs ?? 240_000;
  const release = lockLabDir(dir);
  try {
    const existing = tryReadLabState(dir);
    let state: LabState;
    let loopbackReason: string | undefined;
    if (existing !== null) {
      checkCompatible(existing, opts);
      state = existing;
      if (opts.monitoring && prometheusProcess(state) === undefined)
        state.processes.push(planPrometheus(state, await pickPrometheusPort(state)));
      if (existing.mode === 'loopback' && opts.netns !== false) loopbackReason = 'the lab was created in loopback mode';
      if (opts.link !== undefined) state.interDcProxy = { ...interDcProxy(state), link: opts.link };
      if (opts.replicatorMode !== undefined && opts.replicatorMode !== replicatorModeOf(state))
        await switchReplicatorMode(state, opts.replicatorMode, log);
      await applyMm2Checkpoints(state, opts.mm2Checkpoints, log);
      if (state.processes.every(isLabProcessAlive) && (state.network === null || isLabNetworkUp(state.network))) {
        log('lab processes are running; checking health…');
        await configureConnectCluster(state, { timeoutMs: 30_000, log });
        await waitUntilReady(state, { timeoutMs: 30_000, log });
        await setLinkProfile(state, log);
        return { state, alreadyUp: true, started: [], loopbackReason };
      }
    } else {
      ({ state, loopbackReason } = await planNewLab(dir, opts, log));
      if (opts.replicatorMode !== undefined && opts.replicatorMode !== 'dedicated') state.mm2.mode = opts.replicatorMode;
      if (opts.mm2Checkpoints !== undefined) state.mm2.checkpoints = { ...opts.mm2Checkpoints };
      applyReplicatorWorkers(state, log);
      if (opts.monitoring) state.processes.push(planPrometheus(state, await pickPrometheusPort(state)));
    }

    const runtime: LabRuntime = {
      java: await ensureJava(log),
      redisServer: await ensureProgram('redis-server', 'redis-server', log),
      libsDir: (await ensureKafkaDist({ log })).libsDir,
      prometheus: prometheusProcess(state) === undefined ? undefined : await ensureProgram('prometheus', 'prometheus', log),
      toxiproxy: ensureToxiproxy(),
    };
    if (state.network !== null) {
      const network = state.network;
      if (!isLabNetworkUp(network)) {
        teardownLabNetwork(network); // our own leftovers, so they do not count as a clash below
        const clash = hostPrefixesInUse().find((p) => !p.endsWith('/0') && cidrsOverlap(p, network.subnet));
        if (clash !== undefined) {
          throw new LabError(
            'lab_conflict',
            `${network.subnet} overlaps ${clash} on this host; run "mirrorlab lab down --purge --dir ${dir}" and up again`,
          );
        }
        log(`creating network namespaces ${network.namespaces.source}, ${network.namespaces.target} (${network.subnet})…`);
        setupLabNetwork(network);
      }
    }
    const stopped = state.processes.filter((p) => !isLabProcessAlive(p));
    if (state.mode === 'loopback' && existing !== null) {
      const ports = stopped.flatMap((p) => Object.values(p.ports));
      if (!(await arePortsFree(ports))) {
        throw new LabError(
          'lab_conflict',
          `some of the lab's ports (${ports.join(', ')}) are taken; run "mirrorlab lab down --purge --dir ${dir}" and up again`,
        );
      }
    }
    writeLabConfigs(state);
    writeLabState(state);

    const unformatted = state.processes.filter((p) => p.role === 'broker' && !isBrokerFormatted(p));
    await inBatches(
      unformatted.map((b) => async () => {
        log(`formatting ${b.name}…`);
        await formatBrokerStorage(state, b, runtime);
      }),
      2,
    );

    const started: string[] = [];
    const start = (proc: LabProcess): void => {
      log(`starting ${proc.name}${proc.netns ? ` in ${proc.netns}` : ''}…`);
      proc.pid = launchDetached(launchSpecFor(state, proc, runtime));
      started.push(proc.name);
      writeLabState(state);
    };
    for (const proc of stopped.filter((p) => p.role !== 'mirrormaker2')) start(proc);
    await Promise.all(
      (['source', 'target'] as const).map((cluster) => {
        const brokers = state.processes.filter((p) => p.role === 'broker' && p.cluster === cluster);
        return waitFor(`${cluster} cluster`, kafkaClusterCheck(state[cluster].brokers), {
          timeoutMs,
          guard: exitedGuard(brokers),
          context: logContext(brokers),
          onProgress: (line) => log(`waiting for ${line}…`),
        });
      }),
    );
    log(`source and target clusters are up (${BROKERS_PER_CLUSTER}/${BROKERS_PER_CLUSTER} brokers each)`);
    // The link profile goes on before MM2 starts: a run across a long link never sees a short one.
    await waitForToxiproxy(state, timeoutMs, log);
    await setLinkProfile(state, log);
    const mm2 = state.processes.filter((p) => p.role === 'mirrormaker2');
    const mm2StartedAt = Date.now();
    const mm2Restarted = mm2.filter((p) => !isLabProcessAlive(p));
    for (const proc of mm2Restarted) start(proc);
    await configureConnectCluster(state, { timeoutMs, log });
    await waitUntilReady(state, { timeoutMs, log, mm2NotBeforeMs: mm2Restarted.length > 0 ? mm2StartedAt : 0 });
    state.updatedAt = new Date().toISOString();
    writeLabState(state);
    return { state, alreadyUp: false, started, loopbackReason };
  } finally {
    release();
  }
}

/**
 * A new replicator mode: MM2's workers stop (gracefully: their last offsets are committed) and the
 * rest of `up` writes the new config and starts them again. Connect's offsets and configs live on
 * the target cluster, so the workers resume where they stopped, in the new mode.
 */
async function switchReplicatorMode(state: LabState, mode: ReplicatorModeName, log: LabLog): Promise<void> {
  log(`replicator mode ${replicatorModeOf(state)} -> ${mode}: restarting MirrorMaker 2…`);
  for (const proc of state.processes.filter((p) => p.role === 'mirrormaker2' && p.pid !== null)) {
    await stopProcess(proc.pid!, processMarker(proc), { name: proc.name, graceMs: 20_000 });
    proc.pid = null;
  }
  state.mm2.mode = mode;
  applyReplicatorWorkers(state, log);
  writeLabState(state);
}

/**
 * New checkpoint settings (mm2-checkpoints.ts): in the dedicated modes MM2's workers stop
 * gracefully and the rest of `up` writes mm2.properties and starts them again; in connect mode
 * `up` re-PUTs the connectors' configs (configureConnectCluster), which restarts the connectors.
 */
async function applyMm2Checkpoints(state: LabState, asked: Mm2CheckpointSettings | undefined, log: LabLog): Promise<void> {
  const change = mm2CheckpointsChange(state, asked);
  if (change.action === 'none') return;
  log(
    `MirrorMaker 2 ${describeMm2Checkpoints(change.from)} -> ${describeMm2Checkpoints(change.to)}: ` +
      (change.action === 'restart-workers' ? 'restarting MirrorMaker 2…' : 'reconfiguring its connectors…'),
  );
  if (change.action === 'restart-workers') {
    for (const proc of state.processes.filter((p) => p.role === 'mirrormaker2' && p.pid !== null)) {
      await stopProcess(proc.pid!, processMarker(proc), { name: proc.name, graceMs: 20_000 });
      proc.pid = null;
    }
  }
  state.mm2.checkpoints = change.to;
  writeLabState(state);
}

async function waitForToxiproxy(state: LabState, timeoutMs: number, log: LabLog): Promise<void> {
  const procs = state.processes.filter((p) => p.role === 'toxiproxy');
  await waitFor('toxiproxy', () => toxiproxyReadiness(interDcProxy(state)), {
    timeoutMs,
    guard: exitedGuard(procs),
    context: logContext(procs),
    onProgress: (line) => log(`waiting for ${line}…`),
  });
}

/** Puts the lab's standing link profile on the proxies (replacing any other) and records it. */
async function setLinkProfile(state: LabState, log: LabLog): Promise<void> {
  const proxy = interDcProxy(state);
  const toxics = await applyLinkProfile(proxy, proxy.link);
  log(
    proxy.link === 'none'
      ? 'inter-DC link: no added latency'
      : `inter-DC link: ${proxy.link} (${LINK_PROFILES[proxy.link].description}); ${toxics.length} latency toxics`,
  );
  writeLabState(state);
}

/** Waits for both clusters, the inter-DC proxy, MM2's connectors and Redis. */
async function waitUntilReady(state: LabState, opts: { timeoutMs: number; log: LabLog; mm2NotBeforeMs?: number }): Promise<void> {
  const byRole = (role: LabProcess['role']): LabProcess[] => state.processes.filter((p) => p.role === role);
  const progress = (line: string): void => opts.log(`waiting for ${line}…`);
  for (const cluster of ['source', 'target'] as const) {
    const brokers = byRole('broker').filter((p) => p.cluster === cluster);
    await waitFor(`${cluster} cluster`, kafkaClusterCheck(state[cluster].brokers), {
      timeoutMs: opts.timeoutMs,
      guard: exitedGuard(brokers),
      context: logContext(brokers),
      onProgress: progress,
    });
  }
  await waitForToxiproxy(state, opts.timeoutMs, opts.log);
  const mm2 = byRole('mirrormaker2');
  const watcher = new Mm2StatusWatcher(state.target.bootstrap, state.mm2.statusTopic, opts.mm2NotBeforeMs ?? 0);
  const mm2Options = { timeoutMs: opts.timeoutMs, guard: exitedGuard(mm2), context: logContext(mm2), onProgress: progress };
  await waitFor(
    'MirrorMaker 2 status topic',
    async () => {
      const notReady = await watcher.topicNotReady();
      if (notReady !== null) return { progress: notReady };
      await watcher.start(); // throws (and is retried) while the topic's leaders settle
      return { ready: true };
    },
    mm2Options,
  );
  try {
    await waitFor(
      'MirrorMaker 2 connectors',
      async () => {
        const verdict = mm2Readiness(watcher.status);
        if (verdict.ready) return { ready: true };
        if (verdict.failed !== undefined) {
          throw new LabError('process_exited', `MirrorMaker 2 connector failed: ${verdict.failed}\nlog: ${mm2[0]?.logFile}`);
        }
        return { progress: verdict.progress };
      },
      { ...mm2Options, intervalMs: 250 },
    );
  } finally {
    await watcher.stop();
  }
  const redis = byRole('redis');
  await waitFor('redis', redisPingCheck(state.redis.url), {
    timeoutMs: opts.timeoutMs,
    guard: exitedGuard(redis),
    context: logContext(redis),
    onProgress: progress,
  });
  const prometheus = prometheusProcess(state);
  if (prometheus !== undefined) {
    await waitFor('prometheus', prometheusReadyCheck(prometheus), {
      timeoutMs: opts.timeoutMs,
      guard: exitedGuard([prometheus]),
      context: logContext([prometheus]),
      onProgress: progress,
    });
  }
}

/** Only fetches the Kafka jars into the cache (what `lab up` does first on a new machine). */
export async function labFetch(log: LabLog = noop): Promise<{ libsDir: string; fetched: boolean }> {
  const dist = await ensureKafkaDist({ log });
  return { libsDir: dist.libsDir, fetched: dist.fetched };
}
