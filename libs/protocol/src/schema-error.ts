import type { z } from 'zod';

/** `faults[2].duration` from a zod path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(root)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `${formatPath(i.path)}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
    if (i.code === 'invalid_type' && /received undefined/.test(i.message))
      return `${formatPath(i.path)}: required (${i.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`;
    return `${formatPath(i.path)}: ${i.message.replace(/^Invalid input: /, '')}`;
  });
}

/** A document (scenario file, control event, API body) that does not fit its schema; `problems` lists each by path. */
export class ProtocolSchemaError extends Error {
  readonly code: 'scenario_invalid' | 'control_event_invalid';
  readonly problems: readonly string[];
  constructor(code: ProtocolSchemaError['code'], what: string, problems: readonly string[]) {
    super(`invalid ${what}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ProtocolSchemaError';
    this.code = code;
    this.problems = problems;
  }
}
