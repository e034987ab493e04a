import { Buffer } from 'node:buffer';
import { PayloadError } from './errors';

/**
 * Replay payloads from one CSV column. RFC 4180: fields separated by ',',
 * records by CRLF (LF alone is accepted too), fields may be quoted, and inside
 * quotes ',' and line breaks are data and '""' is one '"'. Strict about quotes
 * (a stray '"' is an error, not data) because a mis-split file would silently
 * replay the wrong bytes.
 */

interface CsvRow {
  /** 1-based line on which the row starts (rows with quoted line breaks span several lines). */
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * `column` as a name: the first row is a header and names the column.
 * `column` as a number: 0-based index, and every row is data (no header row).
 * Blank lines are skipped. Each value is the field's text as UTF-8.
 */
export function parseCsvColumn(text: string, column: string | number): Buffer[] {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new PayloadError('empty_input', 'CSV input has no rows');
  let index: number;
  let data: readonly CsvRow[];
  if (typeof column === 'string') {
    const [header, ...rest] = rows;
    index = header.fields.indexOf(column);
    if (index < 0) {
      const names = header.fields.map((name) => JSON.stringify(name)).join(', ');
      throw new PayloadError('missing_column', `header has no column ${JSON.stringify(column)}; columns are ${names}`, {
        line: header.line,
      });
    }
    data = rest;
  } else {
    if (!Number.isSafeInteger(column) || column < 0) {
      throw new PayloadError('invalid_column', `column must be a header name or a 0-based index, got ${String(column)}`);
    }
    index = column;
    data = rows;
  }
  if (data.length === 0) throw new PayloadError('empty_input', 'CSV input has a header row but no data rows');
  return data.map((row) => {
    if (index >= row.fields.length) {
      throw new PayloadError('missing_column', `row has ${row.fields.length} field(s), so column ${describe(column)} is missing`, {
        line: row.line,
      });
    }
    return Buffer.from(row.fields[index], 'utf8');
  });
}

function describe(column: string | number): string {
  return typeof column === 'string' ? JSON.stringify(column) : `#${column}`;
}

function parseCsvRows(input: string): CsvRow[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let rowLine = 1;
  let line = 1;
  let i = 0;
  // A row that is one unquoted empty field is a blank line, not data.
  let rowHasQuotes = false;
  const endRow = () => {
    if (fields.length > 1 || fields[0] !== '' || rowHasQuotes) rows.push({ line: rowLine, fields });
    fields = [];
    rowHasQuotes = false;
  };
  while (i <= text.length) {
    let field = '';
    if (text[i] === '"') {
      rowHasQuotes = true;
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new PayloadError('malformed_csv', "quoted field is never closed; close it with '\"'", { line: quoteLine });
        }
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
        throw new PayloadError('malformed_csv', `unexpected ${JSON.stringify(text[i])} after a closing quote; quote the whole field`, {
          line,
        });
      }
    } else {
      const start = i;
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
        if (text[i] === '"') {
          throw new PayloadError('malformed_csv', "a '\"' inside an unquoted field; quote the field and double the '\"'", { line });
        }
        i++;
      }
      field = text.slice(start, i);
    }
    fields.push(field);
    if (i >= text.length) {
      endRow();
      break;
    }
    if (text[i] === ',') {
      i++;
      continue;
    }
    i += text[i] === '\r' ? 2 : 1;
    line++;
    endRow();
    rowLine = line;
    if (i === text.length) break;
  }
  return rows;
}
