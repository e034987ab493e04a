import { CheckerError, type Accounting } from '@mirrorlab/validation';
import type { ScenarioView } from '@mirrorlab/control';
import type { ReaderCounts, ReadUncommittedReport } from './report-schema';
import type { SpecView } from './spec-view';

/**
 * The read_uncommitted section: the validators a scenario added at read_uncommitted
 * (`validators.readUncommitted`), reconciled by the view's second accounting (the same rule as the
 * own validators', never mixed with theirs), next to the own validators' counts. It shows what a
 * reader of uncommitted data sees (records of aborted transactions above all); it never decides
 * the verdict. null when the scenario added none and none reported.
 */
export function readUncommittedReport(events: ScenarioView, spec: SpecView, own: Accounting | undefined): ReadUncommittedReport | null {
  const validators = [...events.readUncommitted.validators.keys()].sort();
  const asked = spec.validators.readUncommitted ?? 0;
  if (validators.length === 0 && asked === 0) return null;
  let theirs: ReaderCounts | null = null;
  let problem: string | null = null;
  if (validators.length === 0)
    problem = `the scenario added ${asked} read_uncommitted validator${asked === 1 ? '' : 's'}, and none reported`;
  else {
    try {
      const acc = events.accounting({ phase: 'final', isolation: 'read_uncommitted' });
      if (acc === undefined) problem = 'the read_uncommitted validators reported no state';
      else theirs = readerCounts(acc);
    } catch (err) {
      problem = `the read_uncommitted validators' state cannot be reconciled: ${err instanceof CheckerError || err instanceof Error ? err.message : String(err)}`;
    }
  }
  return { validators, readCommitted: own === undefined ? null : readerCounts(own), readUncommitted: theirs, problem };
}

function readerCounts(acc: Accounting): ReaderCounts {
  return {
    consumed: acc.totals.seenDistinct,
    abortedReads: acc.abortedRead.count,
    duplicates: acc.duplicate.count,
    lost: acc.lost.count,
    unexpected: acc.unexpected.count,
  };
}
