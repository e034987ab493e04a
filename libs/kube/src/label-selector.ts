/**
 * Kubernetes label selectors in their text form (`a=b,c!=d,e in (x,y),f notin (z),g,!h`):
 * parsed to check config at start, matched by the fake API server, and turned into Chaos
 * Mesh's selector fields.
 */
export type Requirement =
  { key: string; operator: 'In' | 'NotIn'; values: string[] } | { key: string; operator: 'Exists' | 'DoesNotExist' };

export type LabelSelector = Requirement[];

// A label key: an optional DNS-subdomain prefix and a name of 1-63 characters.
const KEY = /^(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

/** Splits on commas outside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((t) => t.trim());
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new LabelSelectorError(`"${key}" is not a label key`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value)) throw new LabelSelectorError(`"${value}" is not a label value`);
  return value;
}

/** Parses a selector; the empty string selects everything. Throws LabelSelectorError naming the bad term. */
export function parseLabelSelector(text: string): LabelSelector {
  if (text.trim() === '') return [];
  return terms(text).map((term): Requirement => {
    if (term === '') throw new LabelSelectorError('an empty term (two commas in a row?)');
    let m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3].split(',').map((v) => checkValue(v.trim()));
      if (values.length === 0 || values.every((v) => v === '')) throw new LabelSelectorError(`${term}: a set needs at least one value`);
      return { key: checkKey(m[1]), operator: m[2] === 'in' ? 'In' : 'NotIn', values };
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m) return { key: checkKey(m[1]), operator: m[2] === '!=' ? 'NotIn' : 'In', values: [checkValue(m[3])] };
    m = /^!\s*(\S+)$/.exec(term);
    if (m) return { key: checkKey(m[1]), operator: 'DoesNotExist' };
    if (/^\S+$/.test(term)) return { key: checkKey(term), operator: 'Exists' };
    throw new LabelSelectorError(`"${term}" is not a selector term (key=value, key!=value, key in (a,b), key notin (a,b), key, !key)`);
  });
}

export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map((r) => {
      switch (r.operator) {
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
      }
    })
    .join(',');
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'In':
        return has && r.values.includes(l[r.key]);
      case 'NotIn':
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

/** The equality terms as a map (`matchLabels`, Chaos Mesh `labelSelectors`) and the rest as expressions. */
export function splitSelector(selector: LabelSelector): {
  labels: Record<string, string>;
  expressions: Array<{ key: string; operator: string; values?: string[] }>;
} {
  const labels: Record<string, string> = {};
  const expressions: Array<{ key: string; operator: string; values?: string[] }> = [];
  for (const r of selector) {
    if (!('values' in r)) expressions.push({ key: r.key, operator: r.operator });
    else if (r.operator === 'In' && r.values.length === 1 && !(r.key in labels)) labels[r.key] = r.values[0];
    else expressions.push({ key: r.key, operator: r.operator, values: [...r.values] });
  }
  return { labels, expressions };
}
