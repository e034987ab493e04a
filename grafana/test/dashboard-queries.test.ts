import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dashboardQueries, expandQuery, hasFiniteValue, parseVariableQuery, rateInterval, type Dashboard } from './dashboard-queries';

const expansion = { variables: { scenario: 'sc\\\\.1', service: '.*' }, stepSeconds: 5, scrapeIntervalSeconds: 5, rangeSeconds: 60 };

test('finds panel targets (also inside collapsed rows), query variables and enabled annotations, never the built-in one', () => {
  const d: Dashboard = {
    title: 'T',
    templating: {
      list: [
        { name: 'datasource', type: 'datasource' },
        { name: 'scenario', type: 'query', query: { query: 'label_values(m, scenario)' } },
      ],
    },
    annotations: {
      list: [
        { builtIn: 1, name: 'Annotations & Alerts' },
        { name: 'Faults', expr: 'up' },
        { name: 'Off', expr: 'x', enable: false },
      ],
    },
    panels: [
      {
        id: 1,
        type: 'row',
        title: 'R',
        panels: [{ id: 2, type: 'stat', title: 'Lost', targets: [{ refId: 'A', expr: 'sum(x)', instant: true }] }],
      },
      {
        id: 3,
        type: 'timeseries',
        title: 'Rates',
        targets: [
          { refId: 'A', expr: 'rate(y[1m])' },
          { refId: 'B', expr: 'z', hide: true },
        ],
      },
      { id: 4, type: 'text', title: 'Empty' },
    ],
  };
  expect(dashboardQueries('t.json', d).map((q) => [q.kind, q.where, q.expr, q.instant])).toEqual([
    ['variable', 'variable scenario', 'label_values(m, scenario)', false],
    ['annotation', 'annotation "Faults"', 'up', false],
    ['panel', 'panel "Lost" (id 2) target A', 'sum(x)', true],
    ['panel', 'panel "Rates" (id 3) target A', 'rate(y[1m])', false],
    ['panel', 'panel "Empty" (id 4)', '', false],
  ]);
  expect(() => dashboardQueries('t.json', { templating: { list: [{ name: 'q', type: 'mystery' }] } })).toThrow(
    /variable q has type mystery/,
  );
});

test('expands variables and interval macros as Grafana does, and refuses a variable nobody defines', () => {
  expect(rateInterval(5, 5)).toBe(20);
  expect(rateInterval(60, 15)).toBe(75);
  expect(expandQuery('rate(m{scenario=~"$scenario", service=~"${service}"}[$__rate_interval])', expansion)).toBe(
    'rate(m{scenario=~"sc\\\\.1", service=~".*"}[20s])',
  );
  expect(expandQuery('increase(m[$__range]) / [[scenario]]', expansion)).toBe('increase(m[60s]) / sc\\\\.1');
  expect(() => expandQuery('m{x=~"$region"}', expansion)).toThrow(/unknown variable \$region/);
});

test('reads label_values and query_result variable queries', () => {
  expect(parseVariableQuery('label_values(mirrorlab_producer_target_rate, scenario)')).toEqual({
    kind: 'label_values',
    match: 'mirrorlab_producer_target_rate',
    label: 'scenario',
  });
  expect(parseVariableQuery('label_values(job)')).toEqual({ kind: 'label_values', match: null, label: 'job' });
  expect(parseVariableQuery('query_result(sum by (x) (up))')).toEqual({ kind: 'query_result', expr: 'sum by (x) (up)' });
  expect(() => parseVariableQuery('metrics(.*)')).toThrow(/not label_values/);
});

test('a series of NaN draws nothing', () => {
  expect(
    hasFiniteValue([
      [1, 'NaN'],
      [2, '+Inf'],
    ]),
  ).toBe(false);
  expect(
    hasFiniteValue([
      [1, 'NaN'],
      [2, '0'],
    ]),
  ).toBe(true);
});

test("the repository's dashboards give the check something to evaluate", () => {
  const dir = path.resolve(__dirname, '..', 'dashboards');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => dashboardQueries(f, JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Dashboard));
  expect(all.filter((q) => q.kind === 'panel').length).toBeGreaterThan(30);
  expect(all.filter((q) => q.kind === 'variable').map((q) => q.where)).toEqual(['variable scenario', 'variable service']);
  expect(all.filter((q) => q.expr === '')).toEqual([]);
  // Stat and bar gauge panels plot the last value in the range: an instant query at its end finds nothing once a run is over.
  expect(all.filter((q) => q.instant)).toEqual([]);
});
