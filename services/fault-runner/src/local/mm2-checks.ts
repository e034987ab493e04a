import { entriesOfStatus, isWorkerId, mm2Readiness, type Mm2Status } from '@mirrorlab/lab';
import type { KafkaAdmins } from '../kafka-admin';
import { pollUntil } from '../poll';

/** MM2's heartbeat topic on the target: its heartbeat task writes there every second (the lab's setting). */
export const HEARTBEATS_TOPIC = 'heartbeats';

/**
 * MirrorMaker 2 is working, not just alive: the heartbeats it writes to the target
 * cluster advance. Resolves with how many arrived; throws `heal_unverified` otherwise.
 */
export async function heartbeatsAdvance(admins: KafkaAdmins, timeoutMs: number): Promise<number> {
  return admins.run('target', 'watching MM2 heartbeats', async (admin, call) => {
    const total = async () =>
      (await call(admin.fetchTopicOffsets(HEARTBEATS_TOPIC), 'ListOffsets')).reduce((sum, p) => sum + Number(p.high), 0);
    const start = await total();
    return pollUntil<number>(
      'new MirrorMaker 2 heartbeats on the target',
      async () => {
        const now = await total();
        return now > start ? { done: now - start } : { notYet: `heartbeats end offset still ${start}` };
      },
      { timeoutMs, intervalMs: 500, code: 'heal_unverified' },
    );
  });
}

/**
 * The lab's readiness rule, and no connector or task whose latest status names a worker
 * that is gone (departed workers' tasks are reassigned only after a delay) or none of
 * the live ones.
 */
export function readyOnLiveWorkers(live: readonly string[], gone: readonly string[]) {
  return (status: Mm2Status) => {
    const foreign = entriesOfStatus(status)
      .filter((e) => e.workerId !== null && (gone.some((g) => isWorkerId(e.workerId!, g)) || !live.some((l) => isWorkerId(e.workerId!, l))))
      .map((e) => `${e.name} ${e.state} on ${e.workerId}`);
    if (foreign.length > 0) return { ready: false as const, progress: `still on a removed worker: ${foreign.join(', ')}` };
    return mm2Readiness(status);
  };
}

/**
 * Replicator mode connect, after one Connect worker (`workerId`) was restarted at `restartedAtMs`:
 * the other worker kept its connectors and tasks (their RUNNING records are older, and true), but
 * a record naming the restarted worker from before its restart is a stale one of the killed
 * process. Ready: no such record, and the lab's readiness rule.
 */
export function readyAfterWorkerRestart(workerId: string, restartedAtMs: number) {
  return (status: Mm2Status) => {
    const stale = entriesOfStatus(status)
      .filter((e) => e.workerId !== null && isWorkerId(e.workerId, workerId))
      .filter((e) => {
        const record = e.type === 'connector' ? status.connectors.get(e.name) : status.tasks.get(e.name);
        return (record?.atMs ?? 0) < restartedAtMs;
      })
      .map((e) => `${e.name} ${e.state}`);
    if (stale.length > 0) return { ready: false as const, progress: `not restarted on ${workerId} yet: ${stale.join(', ')}` };
    return mm2Readiness(status);
  };
}
