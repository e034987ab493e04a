import type { ConsumerFailoverReport } from '../report-schema';
import * as f from './format';
import { html, trusted, type SafeHtml } from './html-template';

/** The "Consumer failover" section of the HTML report: checkpoint age chart (with fault windows) and each drill per partition. */
export function consumerFailoverHtml(c: ConsumerFailoverReport | null, ageChart: string, origin: number | null): SafeHtml | string {
  if (c === null) return '';
  const rows = c.drills.flatMap((d) =>
    d.partitions.map(
      (p) =>
        html`<tr><td class="mono">${d.faultId}</td><td>${d.group}</td><td class="num">${origin === null ? '' : f.offset(d.atMs, origin)}</td><td class="num">${f.duration(d.waitedMs / 1000)}${d.current ? '' : ' (stale)'}</td><td class="num">${p.partition}</td><td class="num">${p.startOffset === null ? 'earliest' : String(p.startOffset)}</td><td>${p.via}</td><td class="num">${p.committedOffset === undefined ? '—' : String(p.committedOffset)}</td><td class="num">${p.skipped > 0 ? html`<strong>${f.count(p.skipped)}</strong>` : '0'}</td><td class="num">${f.count(p.reread)}</td></tr>`,
    ),
  );
  const t = c.totals;
  return html`<section id="consumer-failover"><h2>Consumer failover <small>source consumer groups, MirrorMaker 2's translated offsets, failover drills</small></h2>
<p>${f.count(c.drills.length)} drill(s): ${f.count(t.skipped)} record(s) skipped, at most ${f.count(t.maxReread)} re-read; ${f.count(c.checkpoints)} checkpoints seen, the oldest ${f.duration(t.maxCheckpointAgeSeconds)} behind its group; ${f.count(t.unsafeTranslations)} unsafe translation(s), ${f.count(t.regressions)} regression(s).</p>
${c.missingDrills.length > 0 ? html`<p class="empty">No outcome from ${c.missingDrills.join(', ')}: the consumer-groups service did not report the drill.</p>` : ''}
${trusted(ageChart)}
${rows.length > 0 ? html`<table><thead><tr><th>drill</th><th>group</th><th>at</th><th>waited</th><th>partition</th><th>started at</th><th>via</th><th>final commit</th><th>skipped</th><th>re-read</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
<p class="fineprint">A failed-over consumer starts at the target group's synced offset, else the latest checkpoint, else the earliest offset. Skipped: records before that start the group had not processed (and not written again after it). Re-read: records from the start on the group had already processed.</p></section>`;
}
