import { Buffer } from 'node:buffer';
import { PayloadError } from './errors';

/**
 * Replay payloads from one field of a JSON Lines file (one JSON value per line).
 * `field` is a dotted path ("order.customer.id"; array elements by index,
 * "items.0"); a field name that itself contains '.' cannot be addressed.
 * Strings are used as their UTF-8 text; any other value (number, object, null...)
 * as its JSON text. Blank lines are skipped.
 */
export function parseJsonLinesField(text: string, field: string): Buffer[] {
  const path = typeof field === 'string' ? field.split('.') : [];
  if (path.length === 0 || path.some((segment) => segment === '')) {
    throw new PayloadError('invalid_field', `field must be a dotted path like "a.b.c", got ${JSON.stringify(field)}`);
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const values: Buffer[] = [];
  body.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const source = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (source.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch (error) {
      throw new PayloadError('malformed_json', `not valid JSON (${(error as Error).message})`, { line, cause: error });
    }
    const found = lookup(parsed, path);
    if (!found.present) {
      throw new PayloadError('missing_field', `no field ${JSON.stringify(field)} (stopped at "${found.missing}")`, { line });
    }
    values.push(Buffer.from(typeof found.value === 'string' ? found.value : JSON.stringify(found.value), 'utf8'));
  });
  if (values.length === 0) throw new PayloadError('empty_input', 'JSON Lines input has no non-blank lines');
  return values;
}

type Lookup = { present: true; value: unknown } | { present: false; missing: string };

function lookup(root: unknown, path: readonly string[]): Lookup {
  let current = root;
  for (const segment of path) {
    // Own properties only: "constructor" or "__proto__" must not resolve to prototype members.
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return { present: false, missing: segment };
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return { present: true, value: current };
}
