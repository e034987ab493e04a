import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { syntheticScenario } from '@mirrorlab/report/testing';
import { createHttpServer, createLogger, type HttpServer } from '@mirrorlab/service-kit';
import { AggregatorMetrics } from './aggregator-metrics';
import { ReportAggregator } from './report-aggregator';
import { ReportStore } from './report-store';
import { registerRoutes } from './routes';
import { ScenarioBook } from './scenario-book';

const logger = createLogger({ service: 'report-aggregator', instance: 't', write: () => undefined });
let server: HttpServer;
let base: string;
let aggregator: ReportAggregator;

beforeAll(async () => {
  const registry = new Registry();
  aggregator = new ReportAggregator({
    book: new ScenarioBook(30_000),
    store: new ReportStore(mkdtempSync(path.join(tmpdir(), 'routes-'))),
    publish: async () => undefined,
    nowMs: () => 0,
    instance: 't',
    logger,
    metrics: new AggregatorMetrics(registry),
  });
  for (const e of syntheticScenario({ durationS: 15, rate: 30, partitions: 2 })) await aggregator.onEvent(e);
  for (const e of syntheticScenario({ scenarioId: 'still running', durationS: 15, rate: 30, partitions: 2 }).slice(0, 5))
    await aggregator.onEvent(e);
  server = createHttpServer({ logger, registry });
  registerRoutes(server.api, aggregator);
  const s = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

describe('report-aggregator HTTP', () => {
  it('lists known scenarios with their phase and report links', async () => {
    const res = await fetch(`${base}/scenarios`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scenarios: Array<Record<string, unknown>> };
    expect(body.scenarios.map((s) => [s.scenarioId, s.phase])).toEqual([
      ['fixture-1', 'reported'],
      ['still running', 'running'],
    ]);
    expect(body.scenarios[0].reports).toEqual({
      json: '/scenarios/fixture-1/report.json',
      html: '/scenarios/fixture-1/report.html',
      md: '/scenarios/fixture-1/report.md',
    });
    expect(body.scenarios[1].reports).toBeNull();
  });

  it('serves the three formats with their content types', async () => {
    const json = await fetch(`${base}/scenarios/fixture-1/report.json`);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await json.json()) as { verdict: string }).verdict).toBe('pass');
    const html = await fetch(`${base}/scenarios/fixture-1/report.html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(await html.text()).toMatch(/^<!doctype html>/);
    const md = await fetch(`${base}/scenarios/fixture-1/report.md`);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await md.text()).toMatch(/^# fixture-1: PASS/);
  });

  it('answers 404 naming an unknown scenario and 409 for a report not built yet', async () => {
    const unknown = await fetch(`${base}/scenarios/${encodeURIComponent('no/such <id>')}/report.html`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: {
        code: 'scenario_not_found',
        message: 'no scenario "no/such <id>" has been seen on the control topic',
        details: { scenarioId: 'no/such <id>' },
      },
    });
    const pending = await fetch(`${base}/scenarios/still%20running/report.json`);
    expect(pending.status).toBe(409);
    expect(((await pending.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
      code: 'report_not_ready',
      details: { scenarioId: 'still running', phase: 'running' },
    });
    expect((await fetch(`${base}/scenarios/fixture-1/report.pdf`)).status).toBe(404);
  });
});
