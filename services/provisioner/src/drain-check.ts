import type { ScenarioView } from '@mirrorlab/control';
import type { Accounting } from '@mirrorlab/validation';

export interface DrainStatus {
  drained: boolean;
  /** Producers that reported but whose final report is not in yet. */
  producersPending: string[];
  /** Live validators without a `drained` report since the stop. */
  validatorsPending: string[];
  /** Consumer-failover faults whose drill has published no outcome yet (it reads the target after the group stopped). */
  drillsPending: string[];
  /** Sequences the source acknowledged that no validator has seen yet (undefined while others are pending). */
  ackedUnseen: number | undefined;
  acked: number;
}

/**
 * Whether every record that can still arrive has arrived: every producer that
 * reported has sent its final report, every live validator has said `drained`
 * after the stop (the added read_uncommitted ones and the source audit consumer too),
 * and the own validators' combined state (the latest state of each partition) has
 * seen every sequence the source acknowledged; and every consumer-failover drill has
 * published its outcome (a drill waits for MirrorMaker 2's translation, then reads the
 * target: it may end after the workload, and a report built before it would miss it).
 * A validator that
 * has been silent for `staleMs` is gone; the others took its partitions over.
 */
export function drainStatus(obs: ScenarioView | undefined, stopAtMs: number, nowMs: number, staleMs: number): DrainStatus {
  const producers = [...(obs?.producers.values() ?? [])];
  // Every set of validators drains alike (same staleness rule): the read_uncommitted ones a scenario adds and
  // the source audit consumer too, so their final reports read everything. The acknowledged-but-unseen count
  // stays the own validators': a source that lost records must not hang the drain.
  const validators = obs?.latestReportsOfEverySet() ?? [];
  const producersPending = producers
    .filter((p) => !p.final)
    .map((p) => p.producerId)
    .sort();
  const validatorsPending = validators
    .filter((v) => v.atMs >= nowMs - staleMs && !(v.drained && v.atMs >= stopAtMs))
    .map((v) => v.validatorId)
    .sort();
  const drillsPending = obs?.pendingFailoverDrills() ?? [];
  const acked = producers.filter((p) => p.final).reduce((sum, p) => sum + p.counts.acked, 0);
  if (producersPending.length > 0 || validatorsPending.length > 0)
    return { drained: false, producersPending, validatorsPending, drillsPending, ackedUnseen: undefined, acked };
  const acc = accountingOf(obs);
  const ackedUnseen = acc === undefined ? acked : acc.lost.count + acc.unseen.count;
  return {
    drained: ackedUnseen === 0 && drillsPending.length === 0,
    producersPending,
    validatorsPending,
    drillsPending,
    ackedUnseen,
    acked,
  };
}

/** What is still missing, in words, for logs and the drain record. */
export function describePending(s: DrainStatus): string[] {
  return [
    ...s.producersPending.map((p) => `producer ${p}: no final report`),
    ...s.validatorsPending.map((v) => `validator ${v}: not drained`),
    ...s.drillsPending.map((f) => `consumer-failover drill ${f}: no outcome yet`),
    ...(s.ackedUnseen ? [`${s.ackedUnseen} acknowledged records not seen on the target`] : []),
  ];
}

/**
 * The view's accounting (`ScenarioView.accounting`: the validators' combined state from the reports
 * that count, reconciled with the producers' standing key reports; `progress` until every
 * producer's final report is in). Undefined when nothing has been read yet or a report cannot be
 * read (the report-aggregator names such problems; the provisioner only waits).
 */
export function accountingOf(obs: ScenarioView | undefined): Accounting | undefined {
  try {
    return obs?.accounting();
  } catch {
    return undefined;
  }
}

export interface LiveCounts {
  produced: { sent: number; acked: number; failed: number; indeterminate: number };
  producers: number;
  validators: number;
  consumed: { records: number; distinct: number } | null;
  /**
   * Until `scenario.drained`, lost is provisional: records may be in flight. Until every producer's
   * final report is in, records no producer reported yet are `pending`, never `unexpected`.
   */
  anomalies: {
    provisional: boolean;
    lost: number;
    unseen: number;
    pending: number;
    unexpected: number;
    duplicate: number;
    corrupt: number;
    foreign: number;
    gaps: number;
    late: number;
  } | null;
}

/** Counts so far, for the status API. */
export function liveCounts(obs: ScenarioView | undefined): LiveCounts {
  const produced = { sent: 0, acked: 0, failed: 0, indeterminate: 0 };
  for (const p of obs?.producers.values() ?? []) {
    produced.sent += p.counts.sent;
    produced.acked += p.counts.acked;
    produced.failed += p.counts.failed;
    produced.indeterminate += p.counts.indeterminate;
  }
  const acc = accountingOf(obs);
  return {
    produced,
    producers: obs?.producers.size ?? 0,
    validators: obs?.validators.size ?? 0,
    consumed: acc ? { records: acc.totals.seenRecords, distinct: acc.totals.seenDistinct } : null,
    anomalies: acc
      ? {
          provisional: obs?.drained === undefined,
          lost: acc.lost.count,
          unseen: acc.unseen.count,
          pending: acc.pending.count,
          unexpected: acc.unexpected.count,
          duplicate: acc.duplicate.count,
          corrupt: acc.corrupt.count,
          foreign: acc.foreign.count,
          gaps: acc.order.gaps.count,
          late: acc.order.late.count,
        }
      : null,
  };
}
