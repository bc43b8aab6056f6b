// CSV as RFC 4180 defines it: records end with CRLF, a field is quoted when it holds a comma, a quote, CR or LF, and a
// quote inside a quoted field is doubled. The parser is strict (it rejects what the writer would never produce, such
// as a bare quote in an unquoted field or text after a closing quote), so a round trip proves the escaping. Pure.

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Records → CSV text, each record (the header too) ending with CRLF. */
export function toCsv(records: ReadonlyArray<readonly string[]>): string {
  return records.map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}

/**
 * A spreadsheet evaluates a cell starting with = + - @ (or a tab or CR before one) as a formula. Program names come
 * from the child's side (any program can name itself), so a text cell that starts so gets a leading apostrophe, which
 * spreadsheets show as text and hide (OWASP "CSV injection"). Numbers never need it.
 */
export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly record: number,
    readonly offset: number,
  ) {
    super(`CSV record ${record} (character ${offset}): ${message}`);
  }
}

/** Strict RFC 4180: CRLF between records (a final CRLF is optional), every record with as many fields as the first. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const special = /[",\r\n]/g;
  const fail = (message: string): never => {
    throw new CsvSyntaxError(message, records.length + 1, i);
  };
  if (text.length === 0) return records;

  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) fail('a quoted field is not closed');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      special.lastIndex = i;
      const match = special.exec(text);
      const end = match ? match.index : text.length;
      field = text.slice(i, end);
      i = end;
      if (text[i] === '"') fail('a quote inside an unquoted field');
    }
    record.push(field);

    if (i === text.length) break;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      records.push(record);
      record = [];
      if (i === text.length) return checkWidths(records);
      continue;
    }
    fail(text[i] === '\n' || text[i] === '\r' ? 'a record must end with CRLF' : 'text after a closing quote');
  }
  records.push(record);
  return checkWidths(records);
}

function checkWidths(records: string[][]): string[][] {
  const width = records[0]?.length ?? 0;
  records.forEach((record, index) => {
    if (record.length !== width) {
      throw new CsvSyntaxError(`has ${record.length} fields, the header has ${width}`, index + 1, 0);
    }
  });
  return records;
}
