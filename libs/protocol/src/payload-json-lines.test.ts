import { PayloadError } from './errors';
import { parseJsonLinesField } from './payload-json-lines';

const texts = (buffers: Buffer[]) => buffers.map((b) => b.toString('utf8'));

describe('parseJsonLinesField', () => {
  test('takes string fields as their text', () => {
    expect(texts(parseJsonLinesField('{"body":"hello"}\n{"body":"wörld"}\n', 'body'))).toEqual(['hello', 'wörld']);
  });

  test('follows dotted paths, including array indexes', () => {
    const jsonl = '{"order":{"items":[{"sku":"a-1"}]}}\r\n{"order":{"items":[{"sku":"b-2"}]}}';
    expect(texts(parseJsonLinesField(jsonl, 'order.items.0.sku'))).toEqual(['a-1', 'b-2']);
  });

  test('JSON-stringifies non-string values', () => {
    const jsonl = ['{"v":42}', '{"v":true}', '{"v":null}', '{"v":{"a":[1,"x"]}}', '{"v":"s"}'].join('\n');
    expect(texts(parseJsonLinesField(jsonl, 'v'))).toEqual(['42', 'true', 'null', '{"a":[1,"x"]}', 's']);
  });

  test('skips blank lines but keeps counting them', () => {
    expect(texts(parseJsonLinesField('\n{"v":"a"}\n   \n{"v":"b"}\n', 'v'))).toEqual(['a', 'b']);
    expect(() => parseJsonLinesField('\n{"v":"a"}\n   \n{"w":"b"}\n', 'v')).toThrow(expect.objectContaining({ line: 4 }));
  });

  test('does not resolve prototype members', () => {
    expect(() => parseJsonLinesField('{"v":"a"}', 'constructor')).toThrow(expect.objectContaining({ code: 'missing_field' }));
    expect(() => parseJsonLinesField('{"v":"a"}', 'v.length')).toThrow(expect.objectContaining({ code: 'missing_field' }));
  });

  test.each([
    ['', 'v', 'empty_input', undefined],
    ['\n \n', 'v', 'empty_input', undefined],
    ['{"v":1}\n{"v":2', 'v', 'malformed_json', 2],
    ['{"v":1}\nnot json\n', 'v', 'malformed_json', 2],
    ['{"v":1}\n{"w":2}\n', 'v', 'missing_field', 2],
    ['{"a":{"b":1}}', 'a.c', 'missing_field', 1],
    ['[1,2]', 'v', 'missing_field', 1],
    ['{"v":1}', '', 'invalid_field', undefined],
    ['{"v":1}', 'a..b', 'invalid_field', undefined],
  ])('%j field %j fails with %s at line %p', (jsonl, field, code, line) => {
    const parse = () => parseJsonLinesField(jsonl, field);
    expect(parse).toThrow(PayloadError);
    expect(parse).toThrow(expect.objectContaining({ code, line }));
  });

  test('a JSON error names the line and keeps the parser error as cause', () => {
    try {
      parseJsonLinesField('{"v":1}\n{oops}\n', 'v');
      throw new Error('expected a PayloadError');
    } catch (error) {
      expect(error).toBeInstanceOf(PayloadError);
      expect((error as PayloadError).message).toMatch(/^line 2: not valid JSON/);
      expect((error as PayloadError).cause).toBeInstanceOf(SyntaxError);
    }
  });
});
