import type { z } from 'zod';
import { controlEventSchema, type ControlEvent, type ControlEventInput } from './control-events';
import { formatIssues } from '@mirrorlab/protocol';

export type ControlDecodeResult =
  | { ok: true; event: ControlEvent }
  | { ok: false; reason: 'not_json' | 'unknown_type' | 'unsupported_version' | 'invalid'; problems: string[] };

/** The Kafka record for an event: keyed by scenario id so one scenario's events stay in order. */
export function encodeControlEvent(event: ControlEventInput): { key: string; value: string } {
  const checked = controlEventSchema.parse(event);
  return { key: checked.scenarioId, value: JSON.stringify(checked) };
}

/** Decodes a control-topic record value; never throws. */
export function decodeControlEvent(value: Buffer | string | null): ControlDecodeResult {
  if (value === null) return { ok: false, reason: 'not_json', problems: ['(root): empty record'] };
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'not_json', problems: [`(root): not JSON (${(err as Error).message})`] };
  }
  const r = controlEventSchema.safeParse(json);
  if (r.success) return { ok: true, event: r.data };
  const obj = (json ?? {}) as { v?: unknown; type?: unknown };
  const problems = formatIssues(r.error.issues as z.core.$ZodIssue[]);
  if (typeof obj === 'object' && obj.v !== undefined && obj.v !== 1) return { ok: false, reason: 'unsupported_version', problems };
  const known = controlEventSchema.options.some((o) => o.shape.type.value === obj.type);
  return { ok: false, reason: known ? 'invalid' : 'unknown_type', problems };
}
