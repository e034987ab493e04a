/**
 * The one rule for scenario and producer ids, shared by the key plan and the
 * record codec so an id accepted by one is accepted by the other.
 *
 * ';' is forbidden (not escaped) because it delimits the value-prefix encoding
 * and the checksummed meta line; forbidding keeps both parsers a plain split and
 * ids are chosen by us, so nothing is lost. Control characters are forbidden so
 * ids print safely in logs and reports. Lone surrogates are forbidden because
 * they do not survive UTF-8 and the decoded id would differ from the sent one.
 */
export const MAX_IDENTIFIER_LENGTH = 256;

const FORBIDDEN = /[\p{Cc};]|\p{Cs}/u;

/** Returns why `value` is not a valid id, or undefined when it is. */
export function identifierProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `expected a string, got ${typeof value}`;
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_IDENTIFIER_LENGTH) return `must be at most ${MAX_IDENTIFIER_LENGTH} characters, got ${value.length}`;
  const bad = FORBIDDEN.exec(value);
  if (bad !== null) {
    const what = bad[0] === ';' ? "';'" : `U+${bad[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
    return `must not contain ${what} (at index ${bad.index}); use printable characters other than ';'`;
  }
  return undefined;
}

/** Returns why `value` is not a non-negative safe integer, or undefined when it is. */
export function counterProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return `expected an integer between 0 and ${Number.MAX_SAFE_INTEGER}, got ${String(value)}`;
  }
  return undefined;
}
