import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from './build-report';
import { renderHtml } from './render/render-html';
import { renderJson } from './render/render-json';
import { renderMarkdown } from './render/render-markdown';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario } from './testing';

/**
 * The synthetic run folded as the aggregator folds the control topic: every record with the
 * broker's append time, every producer and validator event with the service's smallest read delay.
 * `validatorAheadMs`: how far the validators' clock runs ahead of the broker's (the producers' agrees).
 */
function reportWithClocks(validatorAheadMs: number, appendTimes = true) {
  const folded = new ScenarioView('fixture-1');
  for (const e of syntheticScenario({})) {
    const ahead = e.type === 'validator.report' ? validatorAheadMs : 0;
    // Published 2 ms before the broker appended it (on true time); reads take at least 3 ms.
    const event = { ...e, controlReadDelayMs: ahead + 3 } as ControlEvent;
    folded.apply(event, appendTimes ? e.atMs - ahead + 2 : undefined);
  }
  return buildReport(folded);
}

describe('clock skew in the report', () => {
  it('estimates validator - producer within its bound, and flags latency figures past the threshold in every format', () => {
    const r = reportWithClocks(300);
    expect(r.clockSkew).toMatchObject({ exceeds: true, thresholdMs: 100, worstPair: { estimateMs: 300, boundMs: 5, worstMs: 305 } });
    expect(r.warnings.filter((w) => w.startsWith('clock skew:'))).toHaveLength(1);
    expect(JSON.parse(renderJson(r)).clockSkew.worstPair.estimateMs).toBe(300);
    expect(renderMarkdown(r)).toContain('**Clock skew (validator ');
    expect(renderMarkdown(r)).toContain('above the 100 ms threshold');
    expect(renderHtml(r)).toMatch(/<p id="clock-skew" class="flagged">Clock skew \(validator [^)]+\): 300 ms \+- 5 ms, up to 305 ms/);
  });

  it('one host: the skew is about 0 within a few ms, and nothing is flagged', () => {
    const r = reportWithClocks(0);
    expect(r.clockSkew).toMatchObject({ exceeds: false, worstPair: { estimateMs: 0, boundMs: 5 } });
    expect(r.warnings.some((w) => w.startsWith('clock skew'))).toBe(false);
    expect(renderHtml(r)).toContain('<p id="clock-skew" class="muted">');
    expect(renderMarkdown(r)).toContain('within the 100 ms threshold.');
  });

  it('a control topic without append times: not estimated, said so, never flagged', () => {
    const r = reportWithClocks(300, false);
    expect(r.clockSkew).toMatchObject({ exceeds: false, worstPair: null });
    expect(r.warnings.some((w) => w.startsWith('clock skew'))).toBe(false);
    expect(renderMarkdown(r)).toContain('Clock skew between producers and validators: not estimated');
  });
});
