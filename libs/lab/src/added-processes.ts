/**
 * Processes a fault adds to a running lab and later removes: a broker-only node in a
 * cluster (add-broker) and a second dedicated MirrorMaker 2 worker (add-replicator-worker).
 * They are recorded in lab.json with `addedBy` (the fault's id), so `lab status` shows
 * them and `lab down` stops them, but they are never KRaft voters nor in a cluster's
 * bootstrap list. Adding is idempotent per `addedBy`; removing deletes their directory.
 */
import { rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { LabError } from './errors';
import { formatBrokerStorage, isBrokerFormatted, processMarker, writeLabConfigs, type LabLog } from './launch';
import { isPortFree } from './ports';
import { labRuntime, startLabProcess, withLabLock } from './process-control';
import { readLabState, writeLabState, type ClusterName, type LabProcess, type LabState } from './state';
import { stopProcess, type StopOutcome } from './supervisor';
import { ADDED_PORT_OFFSET } from './topology';

const LOCK_TIMEOUT_MS = 60_000;

/** Processes of the lab a fault added (all, or those of one fault). */
export function addedProcesses(state: LabState, addedBy?: string): LabProcess[] {
  return state.processes.filter((p) => p.addedBy !== undefined && (addedBy === undefined || p.addedBy === addedBy));
}

/**
 * Connect's worker id of an MM2 worker in the status topic: `<advertised host>:<rest port>`; a
 * dedicated-mode worker's ids carry the flow after a `/` (`<host>:<port>/source->target`), a
 * Connect worker's (replicator mode connect) do not. Compare with `isWorkerId`.
 */
export function mm2WorkerId(proc: LabProcess): string {
  return `${proc.host}:${proc.ports.rest}`;
}

/** The status topic's `worker_id` names this worker (see `mm2WorkerId`), in either mode. */
export function isWorkerId(statusWorkerId: string, workerId: string): boolean {
  return statusWorkerId === workerId || statusWorkerId.startsWith(`${workerId}/`);
}

/**
 * A port for an added process on `host`: the block's two spare ports first, then the
 * ones after the block; never one a lab process uses on that host, and (on loopback,
 * where other programs share the addresses) only one nothing listens on.
 */
export async function pickAddedPort(state: LabState, host: string, taken: readonly number[] = []): Promise<number> {
  const used = new Set([...taken, ...state.processes.filter((p) => p.host === host).flatMap((p) => Object.values(p.ports))]);
  const first = state.basePort + ADDED_PORT_OFFSET;
  for (let port = first; port < first + 200 && port <= 65535; port++) {
    if (used.has(port)) continue;
    if (state.mode === 'loopback' && !(await isPortFree(port, host))) continue;
    return port;
  }
  throw new LabError(
    'allocation_failed',
    `no free port for an added process on ${host} from ${first}; remove added processes (mirrorlab lab down) first`,
  );
}

function entry(
  state: LabState,
  fields: Pick<LabProcess, 'name' | 'role' | 'cluster' | 'nodeId' | 'host' | 'ports' | 'netns' | 'addedBy'>,
  configFileName: string,
): LabProcess {
  const dir = join(state.dir, fields.name);
  return {
    ...fields,
    pid: null,
    dir,
    dataDir: join(dir, 'data'),
    logFile: join(dir, `${fields.name}.log`),
    pidFile: join(dir, `${fields.name}.pid`),
    configFile: join(dir, configFileName),
  };
}

/** Records the process in lab.json (with its config written) unless the fault already added one like it. */
async function recordAdded(
  dir: string,
  find: (state: LabState) => LabProcess | undefined,
  create: (state: LabState) => Promise<LabProcess>,
): Promise<LabProcess> {
  return withLabLock(dir, LOCK_TIMEOUT_MS, async () => {
    const state = readLabState(dir);
    const existing = find(state);
    if (existing !== undefined) return existing;
    const proc = await create(state);
    state.processes.push(proc);
    writeLabConfigs(state);
    state.updatedAt = new Date().toISOString();
    writeLabState(state);
    return proc;
  });
}

/**
 * Adds a broker-only node (next node id) to `cluster`, in the cluster's namespace, and
 * starts it. Does not wait for it to register: see `waitForClusterServing` and the caller.
 */
export async function addLabBroker(dir: string, cluster: ClusterName, opts: { addedBy: string; log?: LabLog }): Promise<LabProcess> {
  const runtime = await labRuntime(opts.log);
  const proc = await recordAdded(
    dir,
    (state) => addedProcesses(state, opts.addedBy).find((p) => p.role === 'broker' && p.cluster === cluster),
    async (state) => {
      const peers = state.processes.filter((p) => p.role === 'broker' && p.cluster === cluster);
      const planned = peers.find((p) => p.addedBy === undefined);
      if (planned === undefined) throw new LabError('unknown_process', `the lab has no ${cluster} cluster`);
      const nodeId = Math.max(...peers.map((p) => p.nodeId ?? 0)) + 1;
      const port = await pickAddedPort(state, planned.host);
      // A source broker needs a cross-DC listener too, or MM2 (which bootstraps through the
      // proxy) would not see it at all. It has no proxy of its own: it is advertised directly.
      const ports: Record<string, number> = { client: port };
      if (planned.ports.crossDc !== undefined) ports.crossDc = await pickAddedPort(state, planned.host, [port]);
      return entry(
        state,
        {
          name: `${cluster}-${nodeId}`,
          role: 'broker',
          cluster,
          nodeId,
          host: planned.host,
          ports,
          netns: planned.netns,
          addedBy: opts.addedBy,
        },
        'server.properties',
      );
    },
  );
  if (!isBrokerFormatted(proc)) {
    opts.log?.(`formatting ${proc.name}…`);
    await formatBrokerStorage(readLabState(dir), proc, runtime);
  }
  return (await startLabProcess(dir, proc.name, { runtime, log: opts.log })).process;
}

/** Adds a second dedicated MirrorMaker 2 worker (same config, its own REST port) next to the first, and starts it. */
export async function addMm2Worker(dir: string, opts: { addedBy: string; log?: LabLog }): Promise<LabProcess> {
  const proc = await recordAdded(
    dir,
    (state) => addedProcesses(state, opts.addedBy).find((p) => p.role === 'mirrormaker2'),
    async (state) => {
      const workers = state.processes.filter((p) => p.role === 'mirrormaker2');
      const first = workers.find((p) => p.addedBy === undefined);
      if (first === undefined) throw new LabError('unknown_process', 'the lab has no MirrorMaker 2');
      let n = 2;
      while (workers.some((p) => p.name === `mm2-${n}`)) n++;
      const port = await pickAddedPort(state, first.host);
      return entry(
        state,
        {
          name: `mm2-${n}`,
          role: 'mirrormaker2',
          cluster: first.cluster,
          nodeId: null,
          host: first.host,
          ports: { rest: port },
          netns: first.netns,
          addedBy: opts.addedBy,
        },
        'mm2.properties',
      );
    },
  );
  return (await startLabProcess(dir, proc.name, { log: opts.log })).process;
}

export interface RemovedProcess {
  /** False when no such process was recorded (already removed). */
  removed: boolean;
  outcome: StopOutcome | null;
}

/**
 * Stops a process a fault added (SIGTERM: a broker's controlled shutdown, an MM2 worker
 * leaving its group; SIGKILL after `graceMs`), drops it from lab.json and deletes its
 * directory. Idempotent. Refuses the lab's planned processes.
 */
export async function removeAddedProcess(dir: string, name: string, opts: { graceMs: number }): Promise<RemovedProcess> {
  const proc = readLabState(dir).processes.find((p) => p.name === name);
  if (proc === undefined) return { removed: false, outcome: null };
  if (proc.addedBy === undefined)
    throw new LabError('invalid_option', `${name} is part of the planned lab; only processes a fault added can be removed`);
  const outcome = proc.pid === null ? 'not-running' : await stopProcess(proc.pid, processMarker(proc), { name, graceMs: opts.graceMs });
  await withLabLock(dir, LOCK_TIMEOUT_MS, () => {
    const state = readLabState(dir);
    state.processes = state.processes.filter((p) => p.name !== name);
    state.updatedAt = new Date().toISOString();
    writeLabState(state);
    if (proc.dir.startsWith(state.dir + sep)) rmSync(proc.dir, { recursive: true, force: true });
  });
  return { removed: true, outcome };
}
