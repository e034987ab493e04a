import { catalogMetricFor, readPromql, type MetricCatalog } from './promql';
import { problem, type Problem } from './problem';

/** One PromQL expression and where it sits, for messages. */
export interface Query {
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { refId?: string; expr?: string }[];
  panels?: Panel[];
}

interface Dashboard {
  title?: string;
  panels?: Panel[];
  annotations?: { list?: { name?: string; expr?: string }[] };
  templating?: { list?: { name?: string; type?: string; query?: string | { query?: string } }[] };
}

/** Grafana's Prometheus variable functions; only the first two select series. */
function variableExpr(query: string): string | undefined {
  const labelValues = /^\s*label_values\(\s*(.+?)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$/.exec(query);
  if (labelValues) return labelValues[1];
  const queryResult = /^\s*query_result\(\s*(.+)\s*\)\s*$/.exec(query);
  if (queryResult) return queryResult[1];
  return undefined;
}

/** Every query of a dashboard: panel targets (rows included), annotations and variables. */
export function dashboardQueries(file: string, d: Dashboard): Query[] {
  const out: Query[] = [];
  const visit = (panels: Panel[] | undefined) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `${file}, panel "${p.title}" ${t.refId ?? ''}`.trim(), expr: t.expr });
      visit(p.panels);
    }
  };
  visit(d.panels);
  for (const a of d.annotations?.list ?? []) if (a.expr) out.push({ where: `${file}, annotation "${a.name}"`, expr: a.expr });
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const expr = q ? variableExpr(q) : undefined;
    if (expr) out.push({ where: `${file}, variable $${v.name}`, expr });
  }
  return out;
}

interface RuleFile {
  groups?: { name?: string; rules?: { alert?: string; record?: string; expr?: string }[] }[];
}

/** Every rule expression of a Prometheus rule file. */
export function ruleQueries(file: string, rules: RuleFile): Query[] {
  return (rules.groups ?? []).flatMap((g) =>
    (g.rules ?? []).flatMap((r) => (r.expr ? [{ where: `${file}, group ${g.name}, rule ${r.alert ?? r.record}`, expr: r.expr }] : [])),
  );
}

/** Each query parses as PromQL and selects only metrics the services export (metrics.json). */
export function checkQueries(queries: readonly Query[], catalog: MetricCatalog): Problem[] {
  return queries.flatMap((q) => {
    const reading = readPromql(q.expr);
    const out: Problem[] = [];
    if (reading.syntaxErrorAt !== undefined)
      out.push(problem(q.where, `PromQL syntax error at offset ${reading.syntaxErrorAt}: ${q.expr}`));
    for (const m of reading.metrics)
      if (!catalogMetricFor(catalog, m))
        out.push(problem(q.where, `queries ${m}, which is not in grafana/metrics.json (no service exports it)`));
    if (reading.metrics.length === 0) out.push(problem(q.where, `selects no metric: ${q.expr}`));
    return out;
  });
}
