import type { ScenarioView } from '@mirrorlab/control';
import { CheckerError } from '@mirrorlab/validation';
import type { SourceConsumerReport } from './report-schema';

/**
 * What the source audit consumer read (`ScenarioView.sourceAccounting`: its own state reconciled
 * with the producers): null when the scenario did not ask for it and none reported (every run
 * before the flag). A state that cannot be read is a warning: the audit is evidence, not the check.
 */
export function sourceConsumerReport(view: ScenarioView, asked: boolean): { report: SourceConsumerReport | null; warnings: string[] } {
  const ids = [...view.sourceAuditValidators.keys()].sort();
  if (!asked && ids.length === 0) return { report: null, warnings: [] };
  const empty = { count: 0, examples: [] };
  const base: SourceConsumerReport = {
    ran: ids.length > 0,
    validators: ids,
    final: false,
    acked: 0,
    ackedRead: 0,
    missing: empty,
    records: 0,
  };
  if (ids.length === 0)
    return {
      report: base,
      warnings: ['audit.sourceConsumer: the source audit consumer sent no report; the lost split used the audit samples only'],
    };
  try {
    const acc = view.sourceAccounting();
    const missing = acc === undefined ? 0 : acc.lost.count + acc.unseen.count;
    const examples = acc === undefined ? [] : [...acc.lost.examples, ...acc.unseen.examples];
    return {
      report: {
        ...base,
        final: ids.every((id) => view.sourceAuditReports.incarnations(id).every((inc) => inc.latest.final)),
        acked: acc?.totals.acked ?? 0,
        ackedRead: (acc?.totals.acked ?? 0) - missing,
        missing: {
          count: missing,
          examples: examples
            .map((e) => ({ producerId: e.producerId, keyEpoch: e.keyEpoch, key: e.key, seq: e.seq }))
            .sort((a, b) => cmp(a.producerId, b.producerId) || a.keyEpoch - b.keyEpoch || cmp(a.key, b.key) || a.seq - b.seq)
            .slice(0, view.sourceCombined().state?.maxExamples ?? 0),
        },
        records: acc?.totals.seenDistinct ?? 0,
      },
      warnings: [],
    };
  } catch (err) {
    return {
      report: base,
      warnings: [`the source audit consumer's state cannot be read: ${err instanceof CheckerError ? err.message : String(err)}`],
    };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
