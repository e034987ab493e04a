/**
 * Every Prometheus query a Grafana dashboard runs (panel targets, also inside collapsed
 * rows; template variables; annotations), and how Grafana would expand it for one time
 * range and one choice of variable values. Pure: no I/O.
 */

export type QueryKind = 'panel' | 'variable' | 'annotation';

export interface DashboardQuery {
  dashboard: string;
  kind: QueryKind;
  /** `panel "Lost" (id 8) target A`, `variable scenario`, `annotation "Faults active"`. */
  where: string;
  /** The PromQL (panels, annotations) or the variable query (`label_values(...)`). */
  expr: string;
  /** Panel targets Grafana runs as an instant query at the end of the range. */
  instant: boolean;
}

interface Target {
  refId?: string;
  expr?: string;
  instant?: boolean;
  range?: boolean;
  hide?: boolean;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
}
interface Annotation {
  name?: string;
  expr?: string;
  enable?: boolean;
  builtIn?: number;
}
export interface Dashboard {
  title?: string;
  panels?: Panel[];
  templating?: { list?: Variable[] };
  annotations?: { list?: Annotation[] };
}

/** Variable types that hold no query Prometheus answers. */
const QUERYLESS_VARIABLES = new Set(['datasource', 'constant', 'custom', 'interval', 'textbox', 'adhoc']);

function panelsOf(panels: Panel[] = []): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels)]);
}

/** Every query of the dashboard, in the order Grafana shows them. Throws on a variable type this check does not know. */
export function dashboardQueries(file: string, d: Dashboard): DashboardQuery[] {
  const name = `${file} (${d.title ?? 'untitled'})`;
  const out: DashboardQuery[] = [];
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') {
      if (!QUERYLESS_VARIABLES.has(v.type))
        throw new Error(`${name}: variable ${v.name} has type ${v.type}, which this check cannot evaluate`);
      continue;
    }
    const expr = typeof v.query === 'string' ? v.query : v.query?.query;
    out.push({ dashboard: name, kind: 'variable', where: `variable ${v.name}`, expr: expr ?? '', instant: false });
  }
  for (const a of d.annotations?.list ?? []) {
    if (a.builtIn === 1 || a.enable === false) continue;
    out.push({ dashboard: name, kind: 'annotation', where: `annotation "${a.name}"`, expr: a.expr ?? '', instant: false });
  }
  for (const p of panelsOf(d.panels)) {
    if (p.type === 'row') continue;
    const targets = (p.targets ?? []).filter((t) => !t.hide);
    if (targets.length === 0) {
      out.push({ dashboard: name, kind: 'panel', where: `panel "${p.title}" (id ${p.id})`, expr: '', instant: false });
      continue;
    }
    for (const t of targets) {
      out.push({
        dashboard: name,
        kind: 'panel',
        where: `panel "${p.title}" (id ${p.id}) target ${t.refId}`,
        expr: t.expr ?? '',
        instant: t.instant === true && t.range !== true,
      });
    }
  }
  return out;
}

export interface Expansion {
  /** Variable name -> the regex Grafana puts in (a value, or the All value). */
  variables: Record<string, string>;
  /** Query step, seconds: Grafana's $__interval for the panel. */
  stepSeconds: number;
  /** The datasource's scrape interval (Grafana's `timeInterval`), seconds. */
  scrapeIntervalSeconds: number;
  rangeSeconds: number;
}

/** Grafana's $__rate_interval: max($__interval + scrape interval, 4 * scrape interval). */
export function rateInterval(stepSeconds: number, scrapeIntervalSeconds: number): number {
  return Math.max(stepSeconds + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds);
}

/**
 * The query as Grafana sends it: `$var`, `${var}`, `[[var]]` and the interval macros
 * replaced. Throws naming what is left when a `$` remains (a variable nobody defines).
 */
export function expandQuery(expr: string, e: Expansion): string {
  const macros: Record<string, string> = {
    __rate_interval: `${rateInterval(e.stepSeconds, e.scrapeIntervalSeconds)}s`,
    __interval: `${e.stepSeconds}s`,
    __interval_ms: String(e.stepSeconds * 1000),
    __range: `${e.rangeSeconds}s`,
    __range_s: String(e.rangeSeconds),
    __range_ms: String(e.rangeSeconds * 1000),
  };
  const values = { ...macros, ...e.variables };
  const out = expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const key = a ?? b ?? c ?? '';
    return key in values ? values[key] : whole;
  });
  const left = /\$\{?\w+|\[\[\w+\]\]/.exec(out);
  if (left !== null) throw new Error(`unknown variable ${left[0]} in: ${expr}`);
  return out;
}

/** `label_values(metric_or_selector, label)` or `label_values(label)`: what a variable asks Prometheus for. */
export type VariableQuery = { kind: 'label_values'; label: string; match: string | null } | { kind: 'query_result'; expr: string };

export function parseVariableQuery(query: string): VariableQuery {
  const q = query.trim();
  let m = /^label_values\(\s*(.+)\s*,\s*(\w+)\s*\)$/s.exec(q);
  if (m) return { kind: 'label_values', match: m[1].trim(), label: m[2] };
  m = /^label_values\(\s*(\w+)\s*\)$/.exec(q);
  if (m) return { kind: 'label_values', match: null, label: m[1] };
  m = /^query_result\(\s*(.+)\s*\)$/s.exec(q);
  if (m) return { kind: 'query_result', expr: m[1] };
  throw new Error(`variable query ${JSON.stringify(query)} is not label_values(...) or query_result(...)`);
}

/** Series values as Prometheus returns them: a series with no finite value draws nothing. */
export function hasFiniteValue(values: Array<[number, string]>): boolean {
  return values.some(([, v]) => Number.isFinite(Number(v)));
}
