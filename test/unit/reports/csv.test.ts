import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvField, parseCsv, spreadsheetSafe, toCsv } from '../../../src/helper/reports/csv.js';

const tricky = [
  'plain',
  '',
  'comma, inside',
  'quote " inside',
  '"quoted"',
  'line\nbreak',
  'carriage\rreturn',
  'crlf\r\nboth',
  ' spaces kept ',
  'ünïcødé ✓',
  '""',
  ',',
];

describe('CSV writing', () => {
  it('quotes only fields with a comma, quote, CR or LF, and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('')).toBe('');
  });

  it('ends every record with CRLF', () => {
    expect(toCsv([['a', 'b'], ['1', '2']])).toBe('a,b\r\n1,2\r\n');
  });

  it('round-trips any text through the strict parser', () => {
    const records = [tricky, [...tricky].reverse()];
    expect(parseCsv(toCsv(records))).toEqual(records);
    for (const field of tricky) expect(parseCsv(toCsv([[field]]))).toEqual([[field]]);
  });

  it('round-trips generated strings', () => {
    const alphabet = ['a', ',', '"', '\r', '\n', ' ', 'é', "'"];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 300; n++) {
      const record = Array.from({ length: 1 + (next() % 4) }, () =>
        Array.from({ length: next() % 6 }, () => alphabet[next() % alphabet.length]).join(''),
      );
      expect(parseCsv(toCsv([record]))).toEqual([record]);
    }
  });

  it('neutralizes cells a spreadsheet would run as formulas', () => {
    expect(spreadsheetSafe('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    for (const start of ['+', '-', '@', '\t']) expect(spreadsheetSafe(`${start}1`)).toBe(`'${start}1`);
    expect(spreadsheetSafe('supertux2')).toBe('supertux2');
  });
});

describe('the strict parser', () => {
  it.each([
    ['an unclosed quote', 'a,"b\r\n'],
    ['a bare quote in an unquoted field', 'a,b"c\r\n'],
    ['text after a closing quote', '"a"b,c\r\n'],
    ['a lone LF between records', 'a,b\n1,2\r\n'],
    ['records of different widths', 'a,b\r\n1\r\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseCsv(text)).toThrow(CsvSyntaxError);
  });

  it('accepts a missing final CRLF and empty fields', () => {
    expect(parseCsv('a,,c\r\n,,')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
    expect(parseCsv('')).toEqual([]);
  });
});
