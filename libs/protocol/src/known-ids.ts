/**
 * Valid ids read lately, by their bytes: a validator reads the same few scenario and producer ids
 * in every record, and comparing a few bytes costs less than checking UTF-8, making a string and
 * matching the id rule again. The same bytes are the same valid id, so a hit needs no check; only
 * ids that passed the rule are remembered. Pure (module state only: a small round-robin table).
 */
const KNOWN_IDS = 32;
const knownIdBytes: Uint8Array[] = [];
const knownIdTexts: string[] = [];
let nextKnownId = 0;

/** The id whose bytes are `value[start..end)`, if it was remembered. */
export function knownId(value: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start;
  for (let k = 0; k < knownIdBytes.length; k++) {
    const bytes = knownIdBytes[k];
    if (bytes.length !== length) continue;
    let i = 0;
    while (i < length && bytes[i] === value[start + i]) i++;
    if (i === length) return knownIdTexts[k];
  }
  return undefined;
}

/** Remembers `text`, a valid id, as the id of the bytes `value[start..end)` (a copy is kept). */
export function rememberId(value: Uint8Array, start: number, end: number, text: string): void {
  knownIdBytes[nextKnownId] = Uint8Array.prototype.slice.call(value, start, end);
  knownIdTexts[nextKnownId] = text;
  nextKnownId = (nextKnownId + 1) % KNOWN_IDS;
}
