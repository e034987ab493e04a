import type { LatencySummary, ScenarioReport } from '../report-schema';

export interface LatencyRow {
  label: string;
  what: string;
  summary: LatencySummary;
}

/** The latency measures a report has, in the order a reader compares them. */
export function latencyRows(r: ScenarioReport): LatencyRow[] {
  const rows: Array<[string, string, LatencySummary | null]> = [
    ['end to end', 'producer send to validator read', r.latency.endToEnd],
    ['from the schedule', 'scheduled send to validator read: a producer that fell behind cannot hide it', r.latency.fromSchedule],
    ['replication', 'producer send to append on the target (LogAppendTime topics)', r.latency.replication],
  ];
  return rows
    .filter((row): row is [string, string, LatencySummary] => row[2] !== null)
    .map(([label, what, summary]) => ({ label, what, summary }));
}
