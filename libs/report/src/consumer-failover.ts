import type { ControlEventOf } from '@mirrorlab/control';
import type { ConsumerFailoverReport } from './report-schema';
import type { ScenarioEvents } from './scenario-events';

type Commit = ControlEventOf<'consumer.commit'>;

function latestPerGroup<T extends { group: string }>(drills: T[]): T[] {
  return [...new Map(drills.map((d) => [d.group, d])).values()];
}

/**
 * The "Consumer failover" section: each consumer-failover drill's outcome (what the failed-over
 * consumer skipped and re-read, the checker's verdict on the group's translations until then), and
 * per group how far MirrorMaker 2's checkpoints trailed the group's commits over time. Age at a
 * checkpoint observed at t translating source offset U: t minus the first commit (at or before t)
 * past U on that partition; 0 while the group has committed nothing past U. Per second, the
 * largest age over the group's partitions. Pure; null when the scenario has no consumer groups.
 */
export function consumerFailoverReport(events: ScenarioEvents, hasConsumers: boolean): ConsumerFailoverReport | null {
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
  const ages = new Map<string, Map<number, number>>();
  let checkpoints = 0;
  for (const e of events.translations) {
    for (const t of e.translations) {
      if (t.via !== 'checkpoint' || t.upstreamOffset === undefined || !groupName.has(t.group)) continue;
      checkpoints++;
      const passed = (commitsBy.get(`${t.group}\u0000${t.partition}`) ?? []).find((c) => c.offset > (t.upstreamOffset as number) && c.atMs <= t.atMs);
      const ageMs = passed === undefined ? 0 : t.atMs - passed.atMs;
      const second = Math.floor(t.atMs / 1000) * 1000;
      const series = ages.get(t.group) ?? new Map<number, number>();
      series.set(second, Math.max(series.get(second) ?? 0, ageMs));
      ages.set(t.group, series);
    }
  }
  const groups = [...groupName]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([groupId, group]) => {
      const series = [...(ages.get(groupId) ?? new Map<number, number>())].sort(([a], [b]) => a - b).map(([atMs, ageMs]) => [atMs, ageMs / 1000] as [number, number]);
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
