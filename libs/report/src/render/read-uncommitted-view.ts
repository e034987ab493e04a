import type { ReaderCounts, ReadUncommittedReport } from '../report-schema';
import * as f from './format';
import { html, type SafeHtml } from './html-template';
import { md } from './render-markdown';

/** The rows of the read_uncommitted section, aborted reads first: the difference it is there to show. */
const ROWS: ReadonlyArray<{ key: keyof ReaderCounts; label: string }> = [
  { key: 'abortedReads', label: 'aborted reads' },
  { key: 'duplicates', label: 'duplicates' },
  { key: 'lost', label: 'lost' },
  { key: 'unexpected', label: 'unexpected' },
  { key: 'consumed', label: 'records read (distinct)' },
];

const cell = (c: ReaderCounts | null, key: keyof ReaderCounts) => (c === null ? '—' : f.count(c[key]));

function note(r: ReadUncommittedReport): string {
  const who = r.validators.length === 0 ? 'none reported' : r.validators.join(', ');
  return `Validators reading at read_uncommitted beside the own ones (${who}), in a consumer group of their own: what a reader of uncommitted data sees. The verdict is the read_committed validators'.${r.problem === null ? '' : ` ${r.problem}.`}`;
}

export function readUncommittedMarkdown(r: ReadUncommittedReport | null): string[] {
  if (r === null) return [];
  const out = ['## read_uncommitted validators', '', '| | read_committed (verdict) | read_uncommitted |', '| --- | ---: | ---: |'];
  for (const row of ROWS) out.push(`| ${row.label} | ${cell(r.readCommitted, row.key)} | ${cell(r.readUncommitted, row.key)} |`);
  out.push('', md(note(r)), '');
  return out;
}

export function readUncommittedHtml(r: ReadUncommittedReport | null): SafeHtml | '' {
  if (r === null) return '';
  return html`<section id="read-uncommitted"><h2>read_uncommitted validators <small>what a reader of uncommitted data sees, next to the validators that decide the verdict</small></h2><table>
<thead><tr><th></th><th class="num">read_committed (verdict)</th><th class="num">read_uncommitted</th></tr></thead>
<tbody>${ROWS.map((row) => html`<tr><td>${row.label}</td><td class="num">${cell(r.readCommitted, row.key)}</td><td class="num">${cell(r.readUncommitted, row.key)}</td></tr>`)}</tbody></table><p class="fineprint">${note(r)}</p></section>`;
}
