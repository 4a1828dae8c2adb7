import { types } from 'pg';
import {
  copyField,
  copyLines,
  CopyRowDecoder,
  CopyTextBuffer,
  parseTimestamp,
  pgDateText,
  unescapeField,
} from './pg-copy';

/** Text that needs each of COPY's escapes, and text that only looks like one. */
const AWKWARD = [
  'tab\there',
  'two\nlines',
  'carriage\r\nreturn',
  'back\\slash',
  '\\N',
  '\\.',
  'ends with a backslash\\',
  `quotes ' and " and ''`,
  'unicode: café, 日本, 💳, ﬁ',
  '',
  '=SUM(A1:A2)',
  '{"k":"v\\n\\t"}',
];

describe('COPY text format', () => {
  it('writes each awkward value so that reading it back gives the same text, and null as null', () => {
    const rows = AWKWARD.map((text, i) => [i, text, null]);
    const decoder = new CopyRowDecoder();
    const out: unknown[][] = [];
    decoder.decode(Buffer.from(copyLines(rows)), out);
    decoder.finish();
    expect(out).toEqual(rows.map(([i, text]) => [String(i), text, null]));
  });

  it('keeps one line per row: no raw tab, newline or carriage return survives in a field', () => {
    for (const text of AWKWARD) expect(copyField(text)).not.toMatch(/[\t\n\r]/);
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(-42)).toBe('-42');
    expect(copyField({ a: 'x\ty' })).toBe('{"a":"x\\\\ty"}');
  });

  it('reads rows that arrive cut anywhere, even inside a UTF-8 character', () => {
    const bytes = Buffer.from(copyLines(AWKWARD.map((text) => [text, '💳'])));
    for (const cut of [1, 3, 7, 64]) {
      const decoder = new CopyRowDecoder();
      const out: unknown[][] = [];
      for (let at = 0; at < bytes.length; at += cut) decoder.decode(bytes.subarray(at, at + cut), out);
      decoder.finish();
      expect(out).toEqual(AWKWARD.map((text) => [text, '💳']));
    }
  });

  it('builds in a buffer, row by row, the same bytes as the rows written at once, growing as it needs', () => {
    const stamp = new Date(2026, 11, 1, 9, 30, 0, 5);
    const rows = AWKWARD.map((text, i) => [i, text, null, stamp, new Date(2026, 0, 1), -7]);
    // A buffer far smaller than the rows, so it grows several times.
    const buffer = new CopyTextBuffer(16);
    for (const row of rows) buffer.push(row);
    expect(buffer.rows).toBe(rows.length);
    expect(buffer.text().equals(Buffer.from(copyLines(rows)))).toBe(true);
    const decoder = new CopyRowDecoder();
    const out: unknown[][] = [];
    decoder.decode(buffer.text(), out);
    decoder.finish();
    expect(out.map((r) => r[1])).toEqual(AWKWARD);
    expect(new Set(out.map((r) => r[3]))).toEqual(new Set([pgDateText(stamp)]));
  });

  it('refuses output that ends inside a row', () => {
    const decoder = new CopyRowDecoder();
    decoder.decode(Buffer.from('a\tb\nc\t'), []);
    expect(() => decoder.finish()).toThrow('middle of a row');
  });

  it('undoes the escapes PostgreSQL writes, octal and hex included', () => {
    expect(unescapeField('a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh')).toBe('a\tb\nc\rd\\e\bf\fg\vh');
    expect(unescapeField('\\101\\x42\\7')).toBe('AB\x07');
  });

  it('reads timestamp columns as the Dates the driver gives', () => {
    const decoder = new CopyRowDecoder(['text', 'timestamp']);
    const out: unknown[][] = [];
    const at = new Date(2026, 9, 1, 12, 30, 15, 86);
    decoder.decode(Buffer.from(`x\t2026-10-01 12:30:15.0864\n`), out);
    expect(out[0][1]).toEqual(at);
  });
});

describe('timestamps read from COPY', () => {
  const driver = types.getTypeParser(types.builtins.TIMESTAMP, 'text') as (text: string) => Date;

  it('give the Date the driver gives, for every fraction length and odd forms', () => {
    const texts = [
      '2026-10-01 00:00:00',
      '2026-10-01 00:00:00.5',
      '2026-10-01 00:00:00.05',
      '2026-10-01 23:59:59.999',
      '2026-10-01 12:30:15.0864',
      '2026-10-01 12:30:15.17281',
      '2026-10-01 12:30:15.999999',
      '1999-12-31 23:59:59.000001',
      '0099-01-01 00:00:00',
      '2026-10-01 00:00:00 BC',
      '12026-10-01 00:00:00',
      'infinity',
    ];
    for (const text of texts) expect(parseTimestamp(text)).toEqual(driver(text));
  });

  it('agree with the driver over a day of microsecond times', () => {
    const start = Date.UTC(2026, 9, 1);
    for (let i = 0; i < 20_000; i++) {
      const at = new Date(start + i * 4_321.987);
      const micros = String((i * 7_919) % 1_000_000).padStart(6, '0');
      const text = `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 19)}.${micros}`.replace(
        /0+$/,
        '',
      );
      expect(parseTimestamp(text).getTime()).toBe(driver(text).getTime());
    }
  });
});
