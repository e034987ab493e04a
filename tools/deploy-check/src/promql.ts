import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's macros ($__rate_interval, ${__interval}...) and variables used as ranges, made parseable. */
export function withoutGrafanaMacros(expr: string): string {
  return expr.replace(/\$\{?__[a-zA-Z_]+\}?/g, '1m').replace(/\[\$\{?[a-zA-Z_]\w*\}?\]/g, '[1m]');
}

export interface PromqlReading {
  /** Metric names the expression selects, from `name{...}` and `{__name__="name"}`. */
  metrics: string[];
  /** Offset of the first syntax error, if the expression does not parse. */
  syntaxErrorAt?: number;
}

const unquote = (s: string) => s.slice(1, -1);

/**
 * Reads a PromQL expression with the Prometheus project's own grammar (the one its web UI
 * uses), so that a metric name is told from a function, label or keyword exactly, and a
 * typo in an expression is a syntax error rather than a silently empty panel.
 */
export function readPromql(source: string): PromqlReading {
  const expr = withoutGrafanaMacros(source);
  const tree = parser.parse(expr);
  const metrics = new Set<string>();
  let syntaxErrorAt: number | undefined;
  tree.iterate({
    enter(n) {
      if (n.type.isError && syntaxErrorAt === undefined) syntaxErrorAt = n.from;
      if (n.name !== 'VectorSelector') return;
      const id = n.node.getChild('Identifier');
      if (id) metrics.add(expr.slice(id.from, id.to));
      for (const m of n.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = m.getChild('LabelName');
        const value = m.getChild('StringLiteral');
        const exact = m.getChild('MatchOp')?.getChild('EqlSingle');
        if (label && value && exact && expr.slice(label.from, label.to) === '__name__')
          metrics.add(unquote(expr.slice(value.from, value.to)));
      }
    },
  });
  return { metrics: [...metrics].sort(), ...(syntaxErrorAt !== undefined ? { syntaxErrorAt } : {}) };
}

export interface MetricCatalog {
  metrics: Record<string, { type: string; labels: string[]; services: string[] }>;
}

const SERIES_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * The catalog entry a selected series belongs to: the metric itself, or the histogram
 * (or summary) whose `_bucket` / `_sum` / `_count` series it is. Undefined if not exported.
 */
export function catalogMetricFor(catalog: MetricCatalog, series: string): string | undefined {
  if (catalog.metrics[series]) return series;
  for (const suffix of SERIES_SUFFIXES) {
    if (!series.endsWith(suffix)) continue;
    const base = series.slice(0, -suffix.length);
    const type = catalog.metrics[base]?.type;
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return undefined;
}
