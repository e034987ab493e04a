import { CheckerError } from './errors';
import { IntervalSet } from './interval-set';
import { FieldReader } from './parse';

type RangeList = ReadonlyArray<readonly [number, number]>;

/** What the source cluster told a producer about one key: sequence ranges by outcome. */
export interface ProducerKeyReport {
  keyEpoch: number;
  key: string;
  acked: RangeList;
  failed: RangeList;
  /** Sends that timed out or whose outcome is unknown. */
  indeterminate: RangeList;
  /**
   * Sends written in a transaction the producer aborted (transactional workloads): never
   * committed, so a `read_committed` reader must never see them. Absent: none.
   */
  aborted?: RangeList;
}

export interface ProducerReport {
  producerId: string;
  scenarioId?: string;
  keys: readonly ProducerKeyReport[];
}

/** One key's report as sets, after merging every report entry for it. */
export interface KeyOutcomes {
  acked: IntervalSet;
  failed: IntervalSet;
  indeterminate: IntervalSet;
  aborted: IntervalSet;
}

/** producerId -> keyEpoch -> key -> outcomes. */
export type ReportIndex = Map<string, Map<number, Map<string, KeyOutcomes>>>;

const read = new FieldReader('invalid_producer_report');

/**
 * Checks the reports and indexes them by key. Several reports (or entries) for
 * one key are united. A sequence reported under two outcomes is a producer bug
 * that would make any verdict wrong, so it stops reconciliation.
 */
export function indexReports(reports: readonly ProducerReport[]): ReportIndex {
  const index: ReportIndex = new Map();
  let scenarioId: string | undefined;
  read.array(reports, 'reports').forEach((value, i) => {
    const f = `reports[${i}]`;
    const r = read.object(value, f);
    const producerId = read.string(r.producerId, `${f}.producerId`);
    if (r.scenarioId !== undefined) {
      const s = read.string(r.scenarioId, `${f}.scenarioId`);
      if (scenarioId !== undefined && s !== scenarioId) read.fail(`${f}.scenarioId`, `one scenario (${scenarioId})`, s);
      scenarioId = s;
    }
    let epochs = index.get(producerId);
    if (epochs === undefined) index.set(producerId, (epochs = new Map()));
    read.array(r.keys, `${f}.keys`).forEach((kv, j) => {
      const kf = `${f}.keys[${j}]`;
      const k = read.object(kv, kf);
      const keyEpoch = read.int(k.keyEpoch, `${kf}.keyEpoch`);
      const key = read.string(k.key, `${kf}.key`);
      const entry: KeyOutcomes = {
        acked: read.ranges(k.acked, `${kf}.acked`, false),
        failed: read.ranges(k.failed, `${kf}.failed`, false),
        indeterminate: read.ranges(k.indeterminate, `${kf}.indeterminate`, false),
        aborted: k.aborted === undefined ? new IntervalSet() : read.ranges(k.aborted, `${kf}.aborted`, false),
      };
      let keys = epochs.get(keyEpoch);
      if (keys === undefined) epochs.set(keyEpoch, (keys = new Map()));
      const prev = keys.get(key);
      const merged = prev === undefined ? entry : unite(prev, entry);
      checkDisjoint(merged, kf, producerId);
      keys.set(key, merged);
    });
  });
  return index;
}

function unite(a: KeyOutcomes, b: KeyOutcomes): KeyOutcomes {
  return {
    acked: a.acked.union(b.acked),
    failed: a.failed.union(b.failed),
    indeterminate: a.indeterminate.union(b.indeterminate),
    aborted: a.aborted.union(b.aborted),
  };
}

function checkDisjoint(o: KeyOutcomes, field: string, producerId: string): void {
  const pairs: Array<[string, IntervalSet, string, IntervalSet]> = [
    ['acked', o.acked, 'failed', o.failed],
    ['acked', o.acked, 'indeterminate', o.indeterminate],
    ['failed', o.failed, 'indeterminate', o.indeterminate],
    ['acked', o.acked, 'aborted', o.aborted],
    ['failed', o.failed, 'aborted', o.aborted],
    ['indeterminate', o.indeterminate, 'aborted', o.aborted],
  ];
  for (const [an, a, bn, b] of pairs) {
    const both = a.intersect(b);
    if (!both.isEmpty()) {
      throw new CheckerError(
        'invalid_producer_report',
        `producer ${producerId} reports seq ${both.min()} as both ${an} and ${bn}; each send has one final outcome, fix the producer's report`,
        field,
      );
    }
  }
}
