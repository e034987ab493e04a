import type { ScenarioReport } from '../report-schema';

/**
 * One sentence on the clock skew between producers and validators, as Markdown and HTML show it
 * under the latency figures; null when no producer or validator reported.
 */
export function clockSkewLine(r: ScenarioReport): { text: string; flagged: boolean } | null {
  const s = r.clockSkew;
  if (s === null) return null;
  const w = s.worstPair;
  if (w === null)
    return {
      text: 'Clock skew between producers and validators: not estimated (the control topic does not stamp append times, or a service reported no read of it); latency figures assume their clocks agree.',
      flagged: false,
    };
  const ms = (x: number) => `${Math.round(x * 10) / 10} ms`;
  const pair = `validator ${w.validator} - producer ${w.producer}`;
  return s.exceeds
    ? {
        text: `Clock skew (${pair}, against the control topic's append time): ${ms(w.estimateMs)} +- ${ms(w.boundMs)}, up to ${ms(w.worstMs)}: above the ${s.thresholdMs} ms threshold, end-to-end latency figures may be off by that much.`,
        flagged: true,
      }
    : {
        text: `Clock skew (${pair}, against the control topic's append time): ${ms(w.estimateMs)} +- ${ms(w.boundMs)}, within the ${s.thresholdMs} ms threshold.`,
        flagged: false,
      };
}
