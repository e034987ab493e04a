import {
  addLabBroker,
  addMm2Worker,
  addedProcesses,
  brokerAnswers,
  entriesOfStatus,
  findLab,
  mm2WorkerId,
  isWorkerId,
  removeAddedProcess,
  settledRunState,
  waitForClusterServing,
  waitForMm2Status,
  type LabProcess,
} from '@mirrorlab/lab';
import { errorMessage } from '../errors';
import type { Injection, Verification } from '../fault-backend';
import type { FaultRequestOf } from '../fault-request';
import type { ClusterName } from '../fault-target';
import { pollUntil } from '../poll';
import { moveReplicasOff } from '../replica-moves';
import { fromLabError } from './lab-errors';
import { heartbeatsAdvance, readyOnLiveWorkers } from './mm2-checks';
import type { LocalContext } from './process-faults';

/** Graceful stop of an added process: a broker's controlled shutdown, an MM2 worker leaving its group. */
const STOP_GRACE_MS = 30_000;

function clusterOf(req: FaultRequestOf<'add-broker'>): ClusterName {
  return req.target.type === 'cluster' ? req.target.cluster : 'source';
}

/** Starts a broker-only node (next node id) in the cluster and waits until the cluster metadata lists it. */
export async function injectAddBroker(ctx: LocalContext, req: FaultRequestOf<'add-broker'>): Promise<Injection> {
  const cluster = clusterOf(req);
  let proc: LabProcess;
  try {
    proc = await addLabBroker(ctx.labDir, cluster, { addedBy: req.faultId, log: ctx.log });
  } catch (error) {
    throw fromLabError(error, 'inject_failed', `adding a broker to the ${cluster} cluster`);
  }
  const address = `${proc.host}:${proc.ports.client}`;
  await pollUntil(
    `${proc.name} (node ${proc.nodeId}) registered in the ${cluster} cluster`,
    async () => {
      if ((await settledRunState(proc)) !== 'running')
        throw fromLabError(new Error(`${proc.name} exited; see ${proc.logFile}`), 'inject_failed', 'add-broker');
      await brokerAnswers(address);
      const ids = await ctx.admins.run(cluster, 'describing the cluster', async (admin, call) =>
        (await call(admin.describeCluster(), 'DescribeCluster')).brokers.map((b) => b.nodeId),
      );
      return ids.includes(proc.nodeId as number) ? { done: undefined } : { notYet: `brokers registered: ${ids.join(', ')}` };
    },
    { timeoutMs: ctx.healTimeoutMs, intervalMs: 1000 },
  );
  return {
    atMs: Date.now(),
    detail: `${proc.name} (node ${proc.nodeId}, broker only, pid ${proc.pid}) joined the ${cluster} cluster at ${address}`,
    effect: { process: proc.name, nodeId: proc.nodeId, pid: proc.pid, cluster },
  };
}

/** Moves anything off the added broker, stops it (controlled shutdown) and removes it from the lab. */
export async function undoAddBroker(ctx: LocalContext, req: FaultRequestOf<'add-broker'>): Promise<string[]> {
  const lab = findLab(ctx.labDir);
  const cluster = clusterOf(req);
  const planned = lab.processes
    .filter((p) => p.role === 'broker' && p.cluster === cluster && p.addedBy === undefined)
    .map((p) => p.nodeId as number);
  const actions: string[] = [];
  for (const proc of addedProcesses(lab, req.faultId).filter((p) => p.role === 'broker')) {
    if ((await settledRunState(proc)) === 'running') {
      const moved = await moveReplicasOff(ctx.admins, cluster, proc.nodeId as number, planned, ctx.healTimeoutMs);
      actions.push(
        moved.length === 0 ? `nothing had moved to ${proc.name}` : `moved ${moved.length} partitions off ${proc.name}: ${moved.join(', ')}`,
      );
    }
    const removed = await removeAddedProcess(ctx.labDir, proc.name, { graceMs: STOP_GRACE_MS });
    actions.push(`${proc.name} ${removed.outcome ?? 'gone'} and removed from the lab`);
  }
  return actions.length > 0 ? actions : ['no broker of this fault in the lab'];
}

/**
 * The cluster is as planned again: no added broker of this fault, no broker beyond the
 * planned ones registered, no replica outside them, and every planned broker serving.
 */
export async function awaitAddBrokerHealed(ctx: LocalContext, req: FaultRequestOf<'add-broker'>, timeoutMs: number): Promise<Verification> {
  const lab = findLab(ctx.labDir);
  const cluster = clusterOf(req);
  const left = addedProcesses(lab, req.faultId);
  if (left.length > 0) return { ok: false, detail: `still in the lab: ${left.map((p) => p.name).join(', ')}` };
  const planned = new Set(
    lab.processes.filter((p) => p.role === 'broker' && p.cluster === cluster && p.addedBy === undefined).map((p) => p.nodeId as number),
  );
  const others = new Set(
    addedProcesses(lab)
      .filter((p) => p.role === 'broker' && p.cluster === cluster)
      .map((p) => p.nodeId as number),
  );
  const allowed = (id: number) => planned.has(id) || others.has(id);
  try {
    await waitForClusterServing(lab, cluster, { timeoutMs, log: ctx.log });
    const detail = await pollUntil<string>(
      `the ${cluster} cluster back to its planned brokers`,
      async () =>
        ctx.admins.run(cluster, 'checking brokers and replicas', async (admin, call) => {
          const ids = (await call(admin.describeCluster(), 'DescribeCluster')).brokers.map((b) => b.nodeId);
          const extra = ids.filter((id) => !allowed(id));
          if (extra.length > 0) return { notYet: `node(s) ${extra.join(', ')} still registered` };
          const { topics } = await call(admin.fetchTopicMetadata(), 'Metadata');
          const stray = topics.flatMap((t) =>
            t.partitions.filter((p) => p.replicas.some((id) => !allowed(id))).map((p) => `${t.name}-${p.partitionId}`),
          );
          if (stray.length > 0) return { notYet: `replicas outside the planned brokers: ${stray.slice(0, 5).join(', ')}` };
          return { done: `${cluster} cluster: brokers ${ids.sort((a, b) => a - b).join(', ')}, every replica on them` };
        }),
      { timeoutMs, intervalMs: 1000, code: 'heal_unverified' },
    );
    return { ok: true, detail };
  } catch (error) {
    return { ok: false, detail: errorMessage(error).split('\n')[0] };
  }
}

/** Starts a second dedicated MM2 worker and waits until it runs some of the connectors or tasks. */
export async function injectAddReplicatorWorker(ctx: LocalContext, req: FaultRequestOf<'add-replicator-worker'>): Promise<Injection> {
  const launchedAfter = Date.now();
  let proc: LabProcess;
  try {
    proc = await addMm2Worker(ctx.labDir, { addedBy: req.faultId, log: ctx.log });
  } catch (error) {
    throw fromLabError(error, 'inject_failed', 'adding a MirrorMaker 2 worker');
  }
  // The worker disturbs replication from the moment it joins the group (the rebalance), long
  // before it runs tasks (20-75 s here): the fault window starts now.
  const joinedAtMs = Date.now();
  const workerId = mm2WorkerId(proc);
  let taken: string[] = [];
  try {
    await waitForMm2Status(findLab(ctx.labDir), {
      timeoutMs: ctx.healTimeoutMs,
      notBeforeMs: launchedAfter,
      watch: [proc],
      log: ctx.log,
      what: `${proc.name} to take work`,
      check: (status) => {
        taken = entriesOfStatus(status)
          .filter((e) => e.state === 'RUNNING' && e.workerId !== null && isWorkerId(e.workerId, workerId))
          .map((e) => e.name);
        return taken.length > 0 ? { ready: true } : { ready: false, progress: `nothing running on ${workerId} yet` };
      },
    });
  } catch (error) {
    throw fromLabError(error, 'inject_failed', `${proc.name} joining MirrorMaker 2`);
  }
  return {
    atMs: joinedAtMs,
    detail: `${proc.name} (pid ${proc.pid}, REST ${proc.host}:${proc.ports.rest}) runs ${taken.join(', ')} ${Math.round((Date.now() - joinedAtMs) / 1000)} s after it started`,
    effect: { process: proc.name, pid: proc.pid, workerId },
  };
}

export async function undoAddReplicatorWorker(
  ctx: LocalContext,
  req: FaultRequestOf<'add-replicator-worker'>,
): Promise<{ actions: string[]; gone: string[] }> {
  const lab = findLab(ctx.labDir);
  const actions: string[] = [];
  const gone: string[] = [];
  for (const proc of addedProcesses(lab, req.faultId).filter((p) => p.role === 'mirrormaker2')) {
    const removed = await removeAddedProcess(ctx.labDir, proc.name, { graceMs: STOP_GRACE_MS });
    actions.push(`${proc.name} ${removed.outcome ?? 'gone'} and removed from the lab`);
    gone.push(mm2WorkerId(proc));
  }
  return { actions: actions.length > 0 ? actions : ['no MM2 worker of this fault in the lab'], gone };
}

/**
 * MM2 is back to its own workers: no added worker of this fault, every connector
 * RUNNING and none on a worker that is gone (MM2 reassigns a departed worker's tasks
 * after `scheduled.rebalance.max.delay.ms`, 10 s in the lab), and heartbeats advance.
 */
export async function awaitAddWorkerHealed(
  ctx: LocalContext,
  req: FaultRequestOf<'add-replicator-worker'>,
  gone: readonly string[],
  timeoutMs: number,
): Promise<Verification> {
  const lab = findLab(ctx.labDir);
  const left = addedProcesses(lab, req.faultId);
  if (left.length > 0) return { ok: false, detail: `still in the lab: ${left.map((p) => p.name).join(', ')}` };
  const live = lab.processes.filter((p) => p.role === 'mirrormaker2').map(mm2WorkerId);
  const deadline = Date.now() + timeoutMs;
  try {
    await waitForMm2Status(lab, {
      timeoutMs,
      log: ctx.log,
      what: 'MirrorMaker 2 back on its own workers',
      check: readyOnLiveWorkers(live, gone),
    });
    const beats = await heartbeatsAdvance(ctx.admins, Math.max(deadline - Date.now(), 5000));
    return { ok: true, detail: `MirrorMaker 2 runs on ${live.join(' ')} only; ${beats} new heartbeats on the target` };
  } catch (error) {
    return { ok: false, detail: errorMessage(error).split('\n')[0] };
  }
}
