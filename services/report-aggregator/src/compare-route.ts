import type { Request, Response, Router } from 'express';
import {
  compareReports,
  parseReportForComparison,
  renderCompareHtml,
  renderCompareJson,
  renderCompareMarkdown,
  type ScenarioReport,
} from '@mirrorlab/report';
import { HttpError } from '@mirrorlab/service-kit';
import type { ReportAggregator } from './report-aggregator';

/** Runs one comparison may hold: enough for every mode of a scenario and then some. */
export const MAX_COMPARED = 10;

const FORMATS = {
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;
type CompareFormat = keyof typeof FORMATS;

/** The same policy as the report pages: no script, nothing loaded. */
const HTML_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `ids=a,b,c` (or `ids=a&ids=b`): 2 to MAX_COMPARED distinct scenario ids, or a 400 naming the parameter. */
export function compareIdsFrom(query: Request['query']): string[] {
  const raw = query.ids;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String).flatMap((v) => v.split(','));
  const ids = values.map((v) => v.trim()).filter((v) => v !== '');
  if (ids.length < 2)
    throw new HttpError(400, 'invalid_request', 'ids: expected at least two scenario ids, comma-separated (e.g. /compare?ids=a,b)', {
      field: 'ids',
    });
  if (ids.length > MAX_COMPARED)
    throw new HttpError(400, 'invalid_request', `ids: at most ${MAX_COMPARED} scenario ids, got ${ids.length}`, { field: 'ids' });
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new HttpError(400, 'invalid_request', `ids: ${dup} is named twice`, { field: 'ids' });
  return ids;
}

function formatFrom(query: Request['query']): CompareFormat {
  const f = query.format === undefined ? 'html' : String(query.format);
  if (!(f in FORMATS)) throw new HttpError(400, 'invalid_request', `format: expected html, md or json, got ${f}`, { field: 'format' });
  return f as CompareFormat;
}

/**
 * `GET /compare?ids=A,B[,...]&format=html|md|json`: one report comparing finished scenarios
 * (verdicts, anomalies by class, latency and throughput before/during/after each fault,
 * recovery, charts overlaid). 404 for an unknown id, 409 for a report not built yet.
 */
export function registerCompareRoute(api: Router, aggregator: ReportAggregator): void {
  api.get('/compare', async (req: Request, res: Response) => {
    const ids = compareIdsFrom(req.query);
    const format = formatFrom(req.query);
    const reports: ScenarioReport[] = [];
    for (const id of ids) {
      const found = await aggregator.report(id, 'json');
      if (!found.ok && found.reason === 'unknown_scenario')
        throw new HttpError(404, 'scenario_not_found', `no scenario "${id}" has been seen on the control topic`, { scenarioId: id });
      if (!found.ok)
        throw new HttpError(409, 'report_not_ready', `the report of scenario "${id}" is not built yet (phase: ${found.phase})`, {
          scenarioId: id,
          phase: found.phase,
        });
      try {
        reports.push(parseReportForComparison(found.body.toString('utf8'), id));
      } catch (err) {
        throw new HttpError(500, 'report_unreadable', (err as Error).message, { scenarioId: id });
      }
    }
    const comparison = compareReports(reports);
    res.type(FORMATS[format]);
    res.set('X-Content-Type-Options', 'nosniff');
    if (format === 'html') res.set('Content-Security-Policy', HTML_POLICY);
    res.send(
      format === 'html'
        ? renderCompareHtml(comparison)
        : format === 'md'
          ? renderCompareMarkdown(comparison)
          : renderCompareJson(comparison),
    );
  });
}
