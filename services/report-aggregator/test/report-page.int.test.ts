import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, requireChromium, SHOTS } from './support/headless-chromium';
import { buildReport, renderHtml } from '@mirrorlab/report';
import { ScenarioView } from '@mirrorlab/control';
import { REALISTIC_FAULTS, syntheticScenario } from '@mirrorlab/report/testing';

/**
 * The HTML report in a real browser: a realistic two-fault scenario rendered to
 * a file, then headless Chromium takes a screenshot (kept in
 * reports/screenshots/, git-ignored, for people to look at) and dumps the DOM
 * it built, which must hold the charts and the shaded fault windows.
 */
const WIDTH = 1400;
const HEIGHT = 2400;

let page: string;

beforeAll(() => {
  requireChromium();
  const events = syntheticScenario({
    scenarioId: 'orders-broker-kill-7f3a',
    name: 'orders-broker-kill',
    faults: REALISTIC_FAULTS,
    anomalies: {
      lost: 3,
      unseen: 1,
      duplicate: 2,
      corrupt: 1,
      indeterminateSeen: 2,
      indeterminateMissing: 1,
      failedButSeen: 1,
      redelivery: 3,
      reorder: 2,
    },
  });
  const folded = new ScenarioView('orders-broker-kill-7f3a');
  events.forEach((e) => folded.apply(e));
  mkdirSync(SHOTS, { recursive: true });
  page = path.join(SHOTS, 'report-two-faults.html');
  writeFileSync(page, renderHtml(buildReport(folded)));
});

test('headless Chromium renders the report page to a real screenshot', async () => {
  const png = path.join(SHOTS, 'report-two-faults.png');
  rmSync(png, { force: true });
  await chromium([`--screenshot=${png}`, `--window-size=${WIDTH},${HEIGHT}`, `file://${page}`]);
  const bytes = readFileSync(png);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  // IHDR: width and height, big-endian, at bytes 16..23.
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([WIDTH, HEIGHT]);
  // A blank page of this size compresses to a few kB; charts, tables and text do not.
  expect(statSync(png).size).toBeGreaterThan(150_000);
});

test("the browser's DOM holds the three charts with their lines and every fault window shaded and labelled", async () => {
  const { stdout: dom } = await chromium(['--dump-dom', `file://${page}`]);
  expect(dom.match(/<svg class="chart"/g)).toHaveLength(3);
  expect(dom.match(/<rect class="fault-window" data-fault-id="f1-kill-broker"/g)).toHaveLength(3);
  expect(dom.match(/<rect class="fault-window" data-fault-id="f2-packet-loss"/g)).toHaveLength(3);
  expect(dom.match(/<g class="fault-label"/g)).toHaveLength(6);
  // Throughput, latency, and the replicator's lag: one line per source partition (p0..p5).
  for (const series of ['produced', 'consumed', 'p50', 'p99', 'max', 'p0', 'p5']) expect(dom).toContain(`data-series="${series}"`);
  expect(dom).toContain('<div class="badge" title="verdict">FAIL</div>');
  expect(dom).not.toContain('<script');
});

/**
 * Many partitions (issue 12): the replicator's lag beyond one line per partition is their sum plus a
 * heatmap, a row per partition. Chromium must draw it: a screenshot, and the DOM with every row.
 */
test('a 24-partition report: Chromium draws the replicator lag heatmap, a row per partition, fault windows outlined', async () => {
  const folded = new ScenarioView('orders-many-partitions');
  syntheticScenario({ scenarioId: 'orders-many-partitions', partitions: 24, faults: REALISTIC_FAULTS }).forEach((e) => folded.apply(e));
  const many = path.join(SHOTS, 'report-24-partitions.html');
  writeFileSync(many, renderHtml(buildReport(folded)));
  const png = path.join(SHOTS, 'report-24-partitions.png');
  rmSync(png, { force: true });
  await chromium([`--screenshot=${png}`, `--window-size=${WIDTH},${HEIGHT}`, `file://${many}`]);
  expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
  const { stdout: dom } = await chromium(['--dump-dom', `file://${many}`]);
  const heatmap = dom.match(/<svg class="chart heatmap"[\s\S]*?<\/svg>/)?.[0] ?? '';
  expect([...heatmap.matchAll(/<text class="tick"[^>]*>(p\d+)<\/text>/g)].map((m) => m[1])).toEqual(
    Array.from({ length: 24 }, (_, i) => `p${i}`),
  );
  expect((heatmap.match(/<rect class="heat-cell"/g) ?? []).length).toBeGreaterThanOrEqual(24);
  expect(heatmap.match(/<rect class="fault-window"/g)).toHaveLength(REALISTIC_FAULTS.length);
});
