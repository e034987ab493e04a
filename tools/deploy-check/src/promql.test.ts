import { catalogMetricFor, readPromql, withoutGrafanaMacros, type MetricCatalog } from './promql';

describe('readPromql', () => {
  it('finds metric names, not functions, labels or keywords', () => {
    const q =
      'histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket{scenario=~"$scenario"}[1m]))) / on (scenario) group_left sum by (scenario) (b_total) unless c offset 5m';
    expect(readPromql(q)).toEqual({ metrics: ['a_seconds_bucket', 'b_total', 'c'] });
  });

  it('finds a name given as a __name__ matcher', () => {
    expect(readPromql('sum(rate({__name__="x_total", job="j"}[5m]))').metrics).toEqual(['x_total']);
  });

  it('reads through subqueries and aggregations over time', () => {
    expect(readPromql('max_over_time(deriv(g[5m])[30m:1m]) and count_over_time(h[5m])').metrics).toEqual(['g', 'h']);
  });

  it('reports a syntax error where it starts', () => {
    expect(readPromql('sum(rate(x_total[1m])').syntaxErrorAt).toBeDefined();
    expect(readPromql('sum(rate(x_total[1m]))').syntaxErrorAt).toBeUndefined();
  });

  it("parses Grafana's interval macros and variables in ranges", () => {
    expect(withoutGrafanaMacros('rate(x[$__rate_interval]) + rate(y[${__interval}]) + rate(z[$window])')).toBe(
      'rate(x[1m]) + rate(y[1m]) + rate(z[1m])',
    );
    expect(readPromql('sum(rate(x_total{a="$var"}[$__rate_interval]))')).toEqual({ metrics: ['x_total'] });
  });
});

describe('catalogMetricFor', () => {
  const catalog: MetricCatalog = {
    metrics: {
      lat_seconds: { type: 'histogram', labels: [], services: [] },
      requests_total: { type: 'counter', labels: [], services: [] },
      sizes: { type: 'summary', labels: [], services: [] },
    },
  };

  it("maps a histogram's _bucket, _sum and _count series to the histogram", () => {
    expect(['lat_seconds_bucket', 'lat_seconds_sum', 'lat_seconds_count', 'lat_seconds'].map((s) => catalogMetricFor(catalog, s))).toEqual([
      'lat_seconds',
      'lat_seconds',
      'lat_seconds',
      'lat_seconds',
    ]);
  });

  it('does not invent series: a counter has no _count, a summary no _bucket', () => {
    expect(catalogMetricFor(catalog, 'requests_total_count')).toBeUndefined();
    expect(catalogMetricFor(catalog, 'sizes_bucket')).toBeUndefined();
    expect(catalogMetricFor(catalog, 'sizes_sum')).toBe('sizes');
    expect(catalogMetricFor(catalog, 'nope')).toBeUndefined();
  });
});
