/** The capacity line of a finished ramp run, from its report.json (the report lib's own wording). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { capacityLine, capacitySchema } from '@mirrorlab/report';

/**
 * "capacity: 4000 records/s sustained (replicator fell behind at 5000; tester saturated at —)" for a
 * report with a `capacity` section; null for any other run, and for a report.json that is missing
 * or unreadable (the verdict and the report path are printed anyway: this line is a convenience).
 */
export function capacitySummary(reportJson: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(reportJson);
  } catch {
    return null;
  }
  const c = capacitySchema.safeParse((parsed as { capacity?: unknown } | null)?.capacity);
  return c.success ? capacityLine(c.data) : null;
}

/** The same, from the report.json beside a report.html. */
export function capacitySummaryBeside(reportHtml: string): string | null {
  const file = path.join(path.dirname(reportHtml), 'report.json');
  return existsSync(file) ? capacitySummary(readFileSync(file, 'utf8')) : null;
}
