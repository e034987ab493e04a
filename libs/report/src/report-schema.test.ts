import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { scenarioReportSchema } from './report-schema';

/** Field names of an object schema, one level down into objects, arrays of objects and nullable objects. */
function fields(schema: z.ZodType, prefix = '', depth = 0): string[] {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodNullable || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodArray) s = s.element as z.ZodType;
  while (s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  if (!(s instanceof z.ZodObject) || depth > 1) return [];
  return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => [
    `${prefix}${k}`,
    ...fields(v, `${prefix}${k}.`, depth + 1),
  ]);
}

describe('REPORT_SCHEMA.md', () => {
  const doc = readFileSync(path.join(__dirname, '../REPORT_SCHEMA.md'), 'utf8');

  it('documents every field of the schema (top level and one level down)', () => {
    const missing = fields(scenarioReportSchema).filter((f) => !doc.includes(`\`${f.split('.').pop()}`));
    expect(missing).toEqual([]);
  });
});
