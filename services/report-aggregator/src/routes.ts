import type { Request, Response, Router } from 'express';
import { HttpError } from '@mirrorlab/service-kit';
import type { ReportAggregator } from './report-aggregator';
import type { ReportFormat } from './report-store';

const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

/** The page has no script and loads nothing: the policy says so, as a second line of defence. */
const HTML_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `GET /scenarios`: every scenario seen on the control topic with its phase.
 * `GET /scenarios/:id/report.json|html|md`: the report files, byte for byte.
 * Unknown scenario: 404 `scenario_not_found`; known but not built: 409 `report_not_ready`.
 */
export function registerRoutes(api: Router, aggregator: ReportAggregator): void {
  api.get('/scenarios', (_req: Request, res: Response) => {
    res.json({
      scenarios: aggregator.scenarios().map((s) => ({
        ...s,
        reports:
          s.phase === 'reported'
            ? Object.fromEntries((Object.keys(CONTENT_TYPES) as ReportFormat[]).map((f) => [f, reportPath(s.scenarioId, f)]))
            : null,
      })),
    });
  });

  api.get('/scenarios/:id/:file', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const match = /^report\.(json|html|md)$/.exec(String(req.params.file));
    if (match === null)
      throw new HttpError(404, 'not_found', `no such file: ${String(req.params.file)}; use report.json, report.html or report.md`);
    const format = match[1] as ReportFormat;
    const found = await aggregator.report(id, format);
    if (!found.ok && found.reason === 'unknown_scenario') {
      throw new HttpError(404, 'scenario_not_found', `no scenario "${id}" has been seen on the control topic`, { scenarioId: id });
    }
    if (!found.ok) {
      throw new HttpError(
        409,
        'report_not_ready',
        `the report of scenario "${id}" is not built yet (phase: ${found.phase}); it is built once the scenario is drained and validators have sent their final reports`,
        {
          scenarioId: id,
          phase: found.phase,
        },
      );
    }
    res.type(CONTENT_TYPES[format]);
    if (format === 'html') res.set('Content-Security-Policy', HTML_POLICY);
    res.set('X-Content-Type-Options', 'nosniff');
    res.send(found.body);
  });
}

export function reportPath(scenarioId: string, format: ReportFormat): string {
  return `/scenarios/${encodeURIComponent(scenarioId)}/report.${format}`;
}
