import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from '../build-report';
import { ScenarioView } from '@mirrorlab/control';
import { REALISTIC_FAULTS, syntheticScenario } from '../testing';
import { colour, renderHeatmap } from './heatmap';
import { renderHtml } from './render-html';

function reportWith(partitions: number) {
  const events: ControlEvent[] = syntheticScenario({ partitions, faults: REALISTIC_FAULTS });
  const folded = new ScenarioView('fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

describe('replicator lag heatmap', () => {
  it('with more partitions than lines, the HTML report has one heatmap row per partition beside the sum, fault windows outlined', () => {
    const r = reportWith(20);
    expect(r.replicatorLag).toHaveLength(20);
    const page = renderHtml(r);
    const heatmap = page.match(/<svg class="chart heatmap"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(heatmap).toContain('aria-label="Replicator lag per partition"');
    // One label per partition, p0 to p19, in order.
    const labels = [...heatmap.matchAll(/<text class="tick"[^>]*>(p\d+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`));
    // Every partition's samples are cells; each cell names its partition, time and value.
    const cells = heatmap.match(/<rect class="heat-cell"/g) ?? [];
    expect(cells.length).toBeGreaterThanOrEqual(20);
    expect(heatmap).toMatch(/<title>p7 at \+[^:]+: \d[\d.,k]* records<\/title>/);
    // Each fault of the run outlined on it.
    expect((heatmap.match(/<rect class="fault-window"/g) ?? []).length).toBe(r.faults.length);
    // The worst partition's worst moment is the reddest cell.
    expect(heatmap).toContain(`fill="${colour(1, 1)}"`);
    expect(page).toContain('all 20 partitions');
  });

  it('with few partitions there is no heatmap: one line per partition says it all', () => {
    const page = renderHtml(reportWith(6));
    expect(page).not.toContain('class="chart heatmap"');
    expect(page).toContain('Replicator lag');
  });

  it('colours 0 near-white and grow monotonically to red at the maximum', () => {
    expect(colour(0, 100)).toBe('rgb(246,248,250)');
    expect(colour(100, 100)).toBe('rgb(207,34,46)');
    expect(colour(5, 0)).toBe('rgb(246,248,250)');
    const greens = [0, 1, 10, 50, 100].map((v) => Number(/rgb\(\d+,(\d+),/.exec(colour(v, 100))![1]));
    expect([...greens].sort((a, b) => b - a)).toEqual(greens);
  });

  it('holds each value until the next sample, clipped to the axis', () => {
    const svg = renderHeatmap({
      title: 't',
      xFromMs: 0,
      xToMs: 10_000,
      originMs: 0,
      bands: [],
      format: String,
      width: 1000 + 58 + 16,
      rows: [
        {
          label: 'p0',
          points: [
            [-5000, 3],
            [2000, 0],
            [7000, 9],
          ],
        },
      ],
    });
    const widths = [...svg.matchAll(/<rect class="heat-cell" x="([\d.]+)" y="\d+" width="([\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(widths).toEqual([
      [58, 200],
      [258, 500],
      [758, 300],
    ]);
  });

  it('cuts long row labels from the left to fit the shared margin, and names the row in full in each cell', () => {
    const svg = renderHeatmap({
      title: 't',
      xFromMs: 0,
      xToMs: 1000,
      originMs: 0,
      bands: [],
      format: String,
      rows: [{ label: 'ml.orders/17', points: [[0, 4]] }],
    });
    expect(svg).toContain('>…ders/17</text>');
    expect(svg).toContain('<title>ml.orders/17 at +0 s: 4</title>');
  });
});
