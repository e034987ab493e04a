/**
 * Bringing MirrorMaker 2 up on the lab's Connect cluster (replicator mode `connect`): once a
 * worker's REST API answers and the cluster has a leader, the three connectors are configured
 * through it (idempotently). The connectors' readiness is then the lab's usual status-topic rule.
 */
import { rmSync } from 'node:fs';
import { sep } from 'node:path';
import { connectWorkerUrl, isConnectMode, mm2ConnectorConfigs, planReplicatorWorkers } from './connect-cluster';
import { connectWorkerVersion, putConnectorConfigs } from './connect-rest';
import { LabError, isLabError } from './errors';
import { isLabProcessAlive, type LabLog } from './launch';
import { tailLog } from './supervisor';
import { waitFor } from './readiness';
import type { LabProcess, LabState } from './state';

/** The lab's Connect workers that run (planned ones first). */
export function liveConnectWorkers(state: LabState): LabProcess[] {
  return state.processes.filter((p) => p.role === 'mirrormaker2' && isLabProcessAlive(p));
}

/**
 * Waits until a live worker's REST API accepts the connectors' configs (PUT only where they
 * differ: a running connector with the same config is not restarted). No-op outside connect mode.
 */
export async function configureConnectCluster(state: LabState, opts: { timeoutMs: number; log: LabLog }): Promise<void> {
  if (!isConnectMode(state)) return;
  const configs = mm2ConnectorConfigs(state);
  const planned = state.processes.filter((p) => p.role === 'mirrormaker2' && p.addedBy === undefined);
  await waitFor(
    'Kafka Connect REST (MirrorMaker 2 connectors configured)',
    async () => {
      const workers = liveConnectWorkers(state);
      if (workers.length === 0) return { progress: 'no Connect worker runs' };
      let last = '';
      for (const worker of workers) {
        const url = connectWorkerUrl(worker);
        try {
          const version = await connectWorkerVersion(url);
          const changed = await putConnectorConfigs(url, configs);
          opts.log(
            changed.length === 0
              ? `Connect ${version} on ${worker.name}: MirrorMaker 2 connectors already configured`
              : `Connect ${version} on ${worker.name}: configured ${changed.join(', ')}`,
          );
          return { ready: true };
        } catch (error) {
          if (isLabError(error) && error.code !== 'connect_rest_failed') throw error;
          last = `${worker.name}: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      return { progress: last };
    },
    {
      timeoutMs: opts.timeoutMs,
      intervalMs: 1000,
      guard: () => {
        const dead = planned.filter((p) => p.pid !== null && !isLabProcessAlive(p));
        if (dead.length === planned.length && planned.length > 0)
          throw new LabError(
            'process_exited',
            `every Connect worker exited; last lines of ${dead[0].logFile}:\n${tailLog(dead[0].logFile, 25)}`,
          );
      },
      onProgress: (line) => opts.log(`waiting for ${line}…`),
    },
  );
}

/**
 * After the mode changed in `state`: adds the second Connect worker (connect) or drops it (the
 * dedicated modes; it must be stopped already) and deletes its directory. Refuses when a worker a
 * fault added holds the second worker's name.
 */
export function applyReplicatorWorkers(state: LabState, log: LabLog): void {
  const clash = state.processes.find((p) => p.name === 'mm2-2' && p.addedBy !== undefined);
  if (clash !== undefined && isConnectMode(state)) {
    throw new LabError(
      'lab_conflict',
      `${clash.name} was added by fault ${clash.addedBy} and still runs; heal that fault (or "mirrorlab lab down") before switching to replicator mode connect`,
    );
  }
  const { added, removed } = planReplicatorWorkers(state);
  if (added !== null) log(`replicator mode connect: a second Connect worker, ${added.name}`);
  if (removed !== null) {
    log(`${removed.name} (the second Connect worker) is not part of this replicator mode: removed`);
    if (removed.dir.startsWith(state.dir + sep)) rmSync(removed.dir, { recursive: true, force: true });
  }
}
