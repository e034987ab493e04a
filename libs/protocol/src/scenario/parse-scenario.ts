import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ProtocolSchemaError, formatIssues } from '../schema-error';
import { scenarioSpecSchema, type ScenarioSpec } from './scenario-spec';

/** Validates an already-parsed scenario object; every problem is listed by path. */
export function validateScenario(input: unknown): { ok: true; spec: ScenarioSpec } | { ok: false; error: ProtocolSchemaError } {
  const r = scenarioSpecSchema.safeParse(input);
  if (r.success) return { ok: true, spec: r.data };
  return { ok: false, error: new ProtocolSchemaError('scenario_invalid', 'scenario', formatIssues(r.error.issues as z.core.$ZodIssue[])) };
}

/** Parses a scenario file's YAML text; YAML syntax errors carry their line. */
export function parseScenarioYaml(text: string): { ok: true; spec: ScenarioSpec } | { ok: false; error: ProtocolSchemaError } {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    return { ok: false, error: new ProtocolSchemaError('scenario_invalid', 'scenario', problems) };
  }
  return validateScenario(doc.toJS());
}
