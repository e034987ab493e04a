/** A small client of Prometheus's HTTP API (v1) for the dashboard checks. */

export interface Series {
  metric: Record<string, string>;
  /** Range queries: [unix seconds, value]; instant queries carry one pair. */
  values: Array<[number, string]>;
}

export type Answer = { ok: true; series: Series[] } | { ok: false; error: string };

type ApiBody = { status: 'success' | 'error'; data?: unknown; error?: string; errorType?: string };

export class PrometheusApi {
  constructor(private readonly baseUrl: string) {}

  private async get(
    path: string,
    params: Record<string, string | string[]>,
  ): Promise<{ ok: true; data: unknown } | { ok: false; error: string }> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}?${search}`, { signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      return { ok: false, error: `request failed: ${(err as Error).message}` };
    }
    const body = (await res.json().catch(() => ({ status: 'error', error: `HTTP ${res.status}, not JSON` }))) as ApiBody;
    if (body.status !== 'success')
      return { ok: false, error: `${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? 'no error text'}` };
    return { ok: true, data: body.data };
  }

  async range(query: string, startS: number, endS: number, stepS: number): Promise<Answer> {
    const r = await this.get('/api/v1/query_range', { query, start: String(startS), end: String(endS), step: String(stepS) });
    if (!r.ok) return r;
    const data = r.data as { resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
    return { ok: true, series: data.result.map((s) => ({ metric: s.metric, values: s.values })) };
  }

  async instant(query: string, atS: number): Promise<Answer> {
    const r = await this.get('/api/v1/query', { query, time: String(atS) });
    if (!r.ok) return r;
    const data = r.data as {
      resultType: string;
      result: Array<{ metric: Record<string, string>; value: [number, string] }> | [number, string];
    };
    if (data.resultType === 'scalar' || data.resultType === 'string')
      return { ok: true, series: [{ metric: {}, values: [data.result as [number, string]] }] };
    return {
      ok: true,
      series: (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({
        metric: s.metric,
        values: [s.value],
      })),
    };
  }

  /** Values of `label` on the series matching `match` (all series when null) within the range. */
  async labelValues(
    label: string,
    match: string | null,
    startS: number,
    endS: number,
  ): Promise<{ ok: true; values: string[] } | { ok: false; error: string }> {
    const params: Record<string, string | string[]> = { start: String(startS), end: String(endS) };
    if (match !== null) params['match[]'] = [match];
    const r = await this.get(`/api/v1/label/${encodeURIComponent(label)}/values`, params);
    return r.ok ? { ok: true, values: r.data as string[] } : r;
  }
}
