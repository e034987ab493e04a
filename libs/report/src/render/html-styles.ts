/** The report page's only stylesheet, inlined: the page loads nothing else. */
export const REPORT_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --soft:#f6f8fa; --pass:#1a7f37; --fail:#cf222e; --error:#9a6700; --inconclusive:#6e40c9; --info:#0969da; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: var(--fg); font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.wrap { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header.top { background: #0d1117; color: #e6edf3; padding: 22px 0 20px; border-bottom: 5px solid var(--verdict); }
header.top .brand { font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: #9198a1; }
header.top .head { display: flex; align-items: center; justify-content: space-between; gap: 24px; margin-top: 6px; }
header.top h1 { margin: 0; font-size: 28px; font-weight: 650; letter-spacing: -.01em; word-break: break-word; }
header.top .sub { color: #9198a1; margin-top: 4px; }
header.top .sub b { color: #e6edf3; font-weight: 600; }
.badge { flex: none; font-weight: 800; font-size: 22px; letter-spacing: .12em; padding: 10px 26px; border-radius: 10px; color: #fff; background: var(--verdict); box-shadow: 0 0 0 4px rgba(255,255,255,.08); }
.verdict-pass { --verdict: var(--pass); } .verdict-fail { --verdict: var(--fail); } .verdict-error { --verdict: var(--error); } .verdict-inconclusive { --verdict: var(--inconclusive); }
.reasons { margin: 16px 0 0; padding: 12px 16px 12px 36px; border-radius: 8px; background: rgba(255,255,255,.06); border-left: 4px solid var(--verdict); }
.reasons li { margin: 2px 0; }
.reasons.ok { list-style: none; padding-left: 16px; }
main { padding: 20px 0 8px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 16px; }
section > h2 { margin: 0 0 12px; font-size: 16px; font-weight: 650; display: flex; align-items: baseline; gap: 10px; }
section > h2 small { font-weight: 400; color: var(--muted); font-size: 12.5px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; background: none; border: 0; padding: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
.card .value { font-size: 26px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .hint { color: var(--muted); font-size: 12.5px; }
.card.bad { border-color: #ffcecb; background: #fff8f7; } .card.bad .value { color: var(--fail); }
.card.good .value { color: var(--pass); }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; border-bottom: 1px solid var(--line); padding: 6px 10px; }
td { border-bottom: 1px solid #eaeef2; padding: 7px 10px; vertical-align: top; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; white-space: nowrap; }
.status { font-weight: 700; white-space: nowrap; }
.status.met { color: var(--pass); } .status.failed { color: var(--fail); } .status.unknown { color: var(--error); }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.pill.correctness { background: #ffebe9; color: #a40e26; } .pill.producer-outcome { background: #fff8c5; color: #7d4e00; } .pill.informational { background: #ddf4ff; color: #0550ae; }
.pill.fault { background: #ffebe9; color: #a40e26; font-weight: 500; } .pill.fault.recovery { background: #fdf3e1; color: #7d4e00; }
.pill.ok { background: #dafbe1; color: #116329; } .pill.no { background: #ffebe9; color: #a40e26; }
.desc { color: var(--muted); font-size: 12.5px; max-width: 360px; }
.examples { margin: 0; padding: 0; list-style: none; }
.examples li { padding: 2px 0; }
.examples .when { color: var(--muted); font-size: 12px; margin-left: 8px; white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; font-size: 12.5px; color: var(--muted); margin: -4px 0 6px; }
.legend .key { display: inline-flex; align-items: center; gap: 6px; color: var(--fg); }
.legend .key i { display: inline-block; width: 18px; height: 0; }
.legend .fault-key i { height: 12px; width: 16px; background: rgba(207,34,46,.15); border: 1px dashed rgba(207,34,46,.6); }
.legend .recovery-key i { height: 12px; width: 16px; background: repeating-linear-gradient(45deg, #fdf3e1 0 3px, #f0c987 3px 5px); }
.legend .note { margin-left: auto; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart .tick { font: 11px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #59636e; }
svg.chart .fault-text { font: 600 11px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #fff; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.warnings li { margin: 3px 0; }
.muted { color: var(--muted); }
.flagged { color: var(--error); font-weight: 600; }
.nowrap { white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; margin: 8px 0; }
.fineprint { color: var(--muted); font-size: 12.5px; margin: 10px 0 0; }
pre.spec { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; overflow: auto; max-height: 520px; margin: 8px 0 0; }
dl.about { display: grid; grid-template-columns: 180px 1fr; gap: 4px 16px; margin: 0; }
dl.about dt { color: var(--muted); } dl.about dd { margin: 0; }
footer { color: var(--muted); font-size: 12.5px; padding: 4px 0 28px; }
@media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } .grid2 { grid-template-columns: 1fr; } }
`;
