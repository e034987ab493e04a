import type { ControlEvent } from '@mirrorlab/control';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, requireChromium, SHOTS } from './support/headless-chromium';
import { buildReport, compareReports, renderCompareHtml } from '@mirrorlab/report';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario } from '@mirrorlab/report/testing';

/**
 * The comparison page (`mirrorlab compare`, `GET /compare`) in a real browser, as the report
 * page is tested: two runs of a kill-replicator scenario (at-least-once with duplicates, and
 * exactly-once) rendered to a file; headless Chromium screenshots it and dumps the DOM, which
 * must hold both charts with one line per run and the fault window shaded.
 */

let page: string;

beforeAll(() => {
  requireChromium();
  const faults = [{ id: 'f1-kill-replicator', kind: 'kill-replicator', target: 'replicator', atS: 30, durationS: 20, stall: true }];
  const reports = (['dedicated', 'dedicated-eos'] as const).map((mode) => {
    const id = `kill-replicator-${mode}`;
    const folded = new ScenarioView(id);
    syntheticScenario({ scenarioId: id, durationS: 90, warmupS: 8, faults, anomalies: mode === 'dedicated' ? { duplicate: 5 } : {} })
      .map((e): ControlEvent =>
        e.type === 'scenario.started' ? ({ ...e, spec: { ...e.spec, replicator: { ...e.spec.replicator, mode } } } as ControlEvent) : e,
      )
      .forEach((e) => folded.apply(e));
    return buildReport(folded);
  });
  mkdirSync(SHOTS, { recursive: true });
  page = path.join(SHOTS, 'compare-kill-replicator.html');
  writeFileSync(page, renderCompareHtml(compareReports(reports)));
});

test('headless Chromium renders the comparison page to a real screenshot', async () => {
  const png = path.join(SHOTS, 'compare-kill-replicator.png');
  rmSync(png, { force: true });
  await chromium([`--screenshot=${png}`, '--window-size=1400,1800', `file://${page}`]);
  const bytes = readFileSync(png);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1400, 1800]);
  expect(statSync(png).size).toBeGreaterThan(100_000);
});

test("the browser's DOM holds both charts, one line per run on each, and the fault window shaded", async () => {
  const { stdout: dom } = await chromium(['--dump-dom', `file://${page}`]);
  expect(dom.match(/<svg class="chart"/g)).toHaveLength(2);
  expect(dom.match(/<rect class="fault-window" data-fault-id="f1-kill-replicator"/g)).toHaveLength(2);
  for (const mode of ['dedicated', 'dedicated-eos'])
    expect(dom.match(new RegExp(`data-series="kill-replicator-${mode} · ${mode} · kill-replicator-${mode}"`, 'g'))).toHaveLength(2);
  expect(dom).toContain('Comparison of 2 runs');
  expect(dom).not.toContain('<script');
});
