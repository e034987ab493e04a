import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { syntheticScenario } from '@mirrorlab/report/testing';
import { createHttpServer, createLogger, type HttpServer } from '@mirrorlab/service-kit';
import { AggregatorMetrics } from './aggregator-metrics';
import { registerCompareRoute } from './compare-route';
import { ReportAggregator } from './report-aggregator';
import { ReportStore } from './report-store';
import { ScenarioBook } from './scenario-book';

const logger = createLogger({ service: 'report-aggregator', instance: 't', write: () => undefined });
let server: HttpServer;
let base: string;

beforeAll(async () => {
  const registry = new Registry();
  const aggregator = new ReportAggregator({
    book: new ScenarioBook(30_000),
    store: new ReportStore(mkdtempSync(path.join(tmpdir(), 'compare-'))),
    publish: async () => undefined,
    nowMs: () => 0,
    instance: 't',
    logger,
    metrics: new AggregatorMetrics(registry),
  });
  const faults = [{ id: 'f1', kind: 'kill-replicator', target: 'replicator', atS: 8, durationS: 4, stall: true }];
  for (const id of ['run-a', 'run-b'])
    for (const e of syntheticScenario({
      scenarioId: id,
      durationS: 20,
      rate: 30,
      partitions: 2,
      faults,
      anomalies: id === 'run-a' ? { duplicate: 2 } : {},
    }))
      await aggregator.onEvent(e);
  for (const e of syntheticScenario({ scenarioId: 'running', durationS: 15, rate: 30, partitions: 2 }).slice(0, 5))
    await aggregator.onEvent(e);
  server = createHttpServer({ logger, registry });
  registerCompareRoute(server.api, aggregator);
  const s = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

describe('GET /compare', () => {
  it("renders one HTML page comparing the runs, with the report pages' policy", async () => {
    const res = await fetch(`${base}/compare?ids=run-a,run-b`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const page = await res.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('Comparison of 2 runs');
  });

  it('serves Markdown and JSON, with the anomaly counts of each run', async () => {
    const md = await (await fetch(`${base}/compare?ids=run-a&ids=run-b&format=md`)).text();
    expect(md).toMatch(/\| Duplicate \| 2 \| 0 \|/);
    const json = (await (await fetch(`${base}/compare?ids=run-b,run-a&format=json`)).json()) as {
      runs: Array<{ id: string; anomalies: { duplicate: number } }>;
    };
    expect(json.runs.map((r) => [r.id, r.anomalies.duplicate])).toEqual([
      ['run-b', 0],
      ['run-a', 2],
    ]);
  });

  it.each([
    ['', 400, 'invalid_request', /ids: expected at least two/],
    ['?ids=run-a', 400, 'invalid_request', /ids: expected at least two/],
    ['?ids=run-a,run-a', 400, 'invalid_request', /ids: run-a is named twice/],
    [`?ids=${Array.from({ length: 11 }, (_, i) => `r${i}`).join(',')}`, 400, 'invalid_request', /ids: at most 10/],
    ['?ids=run-a,run-b&format=pdf', 400, 'invalid_request', /format: expected html, md or json, got pdf/],
    ['?ids=run-a,nope', 404, 'scenario_not_found', /nope/],
    ['?ids=run-a,running', 409, 'report_not_ready', /running/],
  ])('GET /compare%s: %i %s naming the problem', async (query, status, code, message) => {
    const res = await fetch(`${base}/compare${query}`);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });
});
