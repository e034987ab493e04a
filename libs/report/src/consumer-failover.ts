import type { ControlEventOf } from '@mirrorlab/control';
import type { ConsumerFailoverReport } from './report-schema';
import type { ScenarioView } from '@mirrorlab/control';

type Commit = ControlEventOf<'consumer.commit'>;

function latestPerGroup<T extends { group: string }>(drills: T[]): T[] {
  return [...new Map(drills.map((d) => [d.group, d])).values()];
}

/**
 * The "Consumer failover" section: each consumer-failover drill's outcome (what the failed-over
 * consumer skipped and re-read, the checker's verdict on the group's translations until then), and
 * per group how far MirrorMaker 2's checkpoints trailed the group's commits over time. Age at each
 * whole second t, with U the source offset the latest checkpoint (by then) translates: t minus
 * the first commit (by then) past U on that partition; 0 while the group has committed nothing past
 * U. The largest over the group's partitions, every second from its first checkpoint to the last
 * translations event, so a replicator that stops checkpointing shows a growing age. Pure; null when
 * the scenario has no consumer groups.
 */
export function consumerFailoverReport(events: ScenarioView, hasConsumers: boolean): ConsumerFailoverReport | null {
  if (!hasConsumers && events.consumerCommits.length === 0 && events.failovers.length === 0) return null;
  const commitsBy = new Map<string, Array<{ atMs: number; offset: number }>>();
  const groupName = new Map<string, string>();
  for (const e of [...events.consumerCommits].sort((a, b) => a.atMs - b.atMs)) {
    groupName.set(e.groupId, e.group);
    for (const c of e.commits) {
      const k = `${e.groupId}\u0000${c.partition}`;
      commitsBy.set(k, [...(commitsBy.get(k) ?? []), { atMs: e.atMs, offset: c.offset }]);
    }
  }
  // Per group and partition, the checkpoints in time order; age is sampled every second from the first
  // checkpoint to the last translations event, with the latest checkpoint known then (so an outage shows).
  const cps = new Map<string, Map<number, Array<{ atMs: number; upstreamOffset: number }>>>();
  let checkpoints = 0;
  let lastMs = 0;
  for (const e of events.translations) {
    lastMs = Math.max(lastMs, e.atMs);
    for (const t of e.translations) {
      if (t.via !== 'checkpoint' || t.upstreamOffset === undefined || !groupName.has(t.group)) continue;
      checkpoints++;
      const byPartition = cps.get(t.group) ?? new Map<number, Array<{ atMs: number; upstreamOffset: number }>>();
      byPartition.set(t.partition, [...(byPartition.get(t.partition) ?? []), { atMs: t.atMs, upstreamOffset: t.upstreamOffset }]);
      cps.set(t.group, byPartition);
    }
  }
  const ages = new Map<string, Map<number, number>>();
  for (const [group, byPartition] of cps) {
    const lists = [...byPartition].map(([partition, list]) => ({ partition, list: [...list].sort((a, b) => a.atMs - b.atMs) }));
    const first = Math.min(...lists.map((l) => l.list[0].atMs));
    const series = new Map<number, number>();
    for (let second = Math.floor(first / 1000) * 1000; second <= Math.max(first, lastMs); second += 1000) {
      const at = second;
      let worst = 0;
      for (const { partition, list } of lists) {
        const latest = [...list].reverse().find((c) => c.atMs <= at);
        if (latest === undefined) continue;
        const passed = (commitsBy.get(`${group}\u0000${partition}`) ?? []).find((c) => c.offset > latest.upstreamOffset && c.atMs <= at);
        if (passed !== undefined) worst = Math.max(worst, at - passed.atMs);
      }
      series.set(second, worst);
    }
    ages.set(group, series);
  }
  const groups = [...groupName]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([groupId, group]) => {
      const series = [...(ages.get(groupId) ?? new Map<number, number>())]
        .sort(([a], [b]) => a - b)
        .map(([atMs, ageMs]) => [atMs, ageMs / 1000] as [number, number]);
      const commits: Commit[] = events.consumerCommits.filter((e) => e.groupId === groupId);
      return {
        group,
        groupId,
        commits: commits.length,
        stopped: commits.some((e) => e.final),
        checkpointAge: { maxSeconds: Math.max(0, ...series.map(([, s]) => s)), series },
      };
    });
  const drills = [...events.failovers]
    .sort((a, b) => a.atMs - b.atMs)
    .map((f) => ({
      faultId: f.faultId,
      group: f.group,
      atMs: f.atMs,
      waitedMs: f.waitedMs,
      current: f.current,
      skipped: f.skipped,
      reread: f.reread,
      partitions: f.partitions,
      translations: f.translations,
    }));
  const planned = [...events.faults.values()].filter((f) => f.injected?.kind === 'consumer-failover').map((f) => f.injected!.faultId);
  const missing = planned.filter((id) => !drills.some((d) => d.faultId === id)).sort();
  return {
    groups,
    drills,
    missingDrills: missing,
    checkpoints,
    totals: {
      skipped: drills.reduce((n, d) => n + d.skipped, 0),
      maxReread: Math.max(0, ...drills.map((d) => d.reread)),
      maxCheckpointAgeSeconds: Math.max(0, ...groups.map((g) => g.checkpointAge.maxSeconds)),
      // Each drill judges every translation of its group so far: the latest drill per group covers the others.
      unsafeTranslations: latestPerGroup(drills).reduce((n, d) => n + d.translations.unsafeTranslations, 0),
      regressions: latestPerGroup(drills).reduce((n, d) => n + d.translations.regressions, 0),
    },
  };
}
