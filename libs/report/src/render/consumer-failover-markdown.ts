import type { ConsumerFailoverReport } from '../report-schema';
import * as f from './format';
import { md } from './render-markdown';

/** The "Consumer failover" section: each drill, per partition, and how far checkpoints trailed each group. */
export function consumerFailoverMarkdown(c: ConsumerFailoverReport, origin: number | null): string[] {
  const out = ['## Consumer failover', ''];
  out.push(
    `${f.count(c.drills.length)} drill${c.drills.length === 1 ? '' : 's'}: ${f.count(c.totals.skipped)} record${c.totals.skipped === 1 ? '' : 's'} skipped, at most ${f.count(c.totals.maxReread)} re-read; ` +
      `${f.count(c.checkpoints)} checkpoints seen, the oldest ${f.duration(c.totals.maxCheckpointAgeSeconds)} behind its group; ${f.count(c.totals.unsafeTranslations)} unsafe translation${c.totals.unsafeTranslations === 1 ? '' : 's'}, ${f.count(c.totals.regressions)} regression${c.totals.regressions === 1 ? '' : 's'}.`,
    '',
  );
  if (c.missingDrills.length > 0)
    out.push(`> No outcome from ${c.missingDrills.map(md).join(', ')}: the consumer-groups service did not report the drill.`, '');
  if (c.drills.length > 0) {
    out.push(
      '| drill | group | at | waited | partition | started at | via | final commit | skipped | re-read |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
    );
    for (const d of c.drills) {
      for (const p of d.partitions) {
        const skipped =
          p.skipped > 0
            ? `**${f.count(p.skipped)}**${p.firstSkipped ? ` (first: offset ${p.firstSkipped.offset}, ${md(p.firstSkipped.producerId)}/${md(p.firstSkipped.key)}#${p.firstSkipped.seq})` : ''}`
            : '0';
        const at = origin === null ? '' : f.offset(d.atMs, origin);
        out.push(
          `| ${md(d.faultId)} | ${md(d.group)} | ${at} | ${f.duration(d.waitedMs / 1000)}${d.current ? '' : ' (stale)'} | ${p.partition} | ${p.startOffset ?? 'earliest'} | ${p.via} | ${p.committedOffset ?? '—'} | ${skipped} | ${f.count(p.reread)} |`,
        );
      }
    }
    out.push('');
  }
  if (c.groups.length > 0) {
    out.push('| group | commits | checkpoint age, max |', '| --- | ---: | ---: |');
    for (const g of c.groups) out.push(`| ${md(g.group)} | ${f.count(g.commits)} | ${f.duration(g.checkpointAge.maxSeconds)} |`);
    out.push('');
  }
  return out;
}
