import { scenarioReportSchema, type ScenarioReport } from '../report-schema';

/**
 * The report as JSON (schema: REPORT_SCHEMA.md, `scenarioReportSchema`). The
 * report goes through the schema first, so what is written always validates and
 * keys come in the schema's order: equal reports give byte-identical text.
 */
export function renderJson(report: ScenarioReport): string {
  return `${JSON.stringify(scenarioReportSchema.parse(report), null, 2)}\n`;
}
