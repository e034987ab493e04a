import { PayloadError } from './errors';
import { parseCsvColumn } from './payload-csv';

const texts = (buffers: Buffer[]) => buffers.map((b) => b.toString('utf8'));

describe('parseCsvColumn', () => {
  test('picks a column by header name', () => {
    expect(texts(parseCsvColumn('id,body\n1,hello\n2,world\n', 'body'))).toEqual(['hello', 'world']);
  });

  test('picks a column by 0-based index, with every row as data', () => {
    expect(texts(parseCsvColumn('1,hello\n2,world', 1))).toEqual(['hello', 'world']);
  });

  test('quoted fields keep commas, line breaks and escaped quotes', () => {
    const csv = 'id,body\r\n1,"a, b"\r\n2,"line one\r\nline two"\r\n3,"she said ""hi"""\r\n4,""\r\n';
    expect(texts(parseCsvColumn(csv, 'body'))).toEqual(['a, b', 'line one\r\nline two', 'she said "hi"', '']);
  });

  test('accepts LF or CRLF, a BOM, a missing final newline, and skips blank lines', () => {
    expect(texts(parseCsvColumn('\uFEFFbody\r\nx\n\ny', 'body'))).toEqual(['x', 'y']);
  });

  test('keeps multi-byte text as UTF-8 bytes', () => {
    const [value] = parseCsvColumn('body\n日本🦀\n', 'body');
    expect(value.equals(Buffer.from('日本🦀', 'utf8'))).toBe(true);
  });

  test('a header name that is quoted and contains a comma still matches', () => {
    expect(texts(parseCsvColumn('"a,b",c\n1,2\n', 'a,b'))).toEqual(['1']);
  });

  test.each([
    ['', 'body', 'empty_input', undefined],
    ['\n\n', 'body', 'empty_input', undefined],
    ['body\n', 'body', 'empty_input', undefined],
    ['id,text\n1,x\n', 'body', 'missing_column', 1],
    ['id,body\n1,x\n2\n', 'body', 'missing_column', 3],
    ['a\nb\n', 3, 'missing_column', 1],
    ['a\nb\n', -1, 'invalid_column', undefined],
    ['body\n"never closed\nmore\n', 'body', 'malformed_csv', 2],
    ['body\nok\n"x"y\n', 'body', 'malformed_csv', 3],
    ['body\nab"c\n', 'body', 'malformed_csv', 2],
  ])('%j column %j fails with %s at line %p', (csv, column, code, line) => {
    const parse = () => parseCsvColumn(csv, column);
    expect(parse).toThrow(PayloadError);
    expect(parse).toThrow(expect.objectContaining({ code, line }));
  });

  test('line numbers count physical lines, including those inside quoted fields', () => {
    expect(() => parseCsvColumn('id,body\n1,"two\nlines"\n2\n', 'body')).toThrow(
      expect.objectContaining({ code: 'missing_column', line: 4, message: expect.stringMatching(/^line 4: /) }),
    );
  });
});
