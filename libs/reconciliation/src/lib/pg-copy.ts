import type * as Pg from 'pg';

/** The driver, loaded when PostgreSQL is first read this way (an instance on SQLite never loads it). */
let driver: typeof Pg | undefined;
const pg = (): typeof Pg => (driver ??= require('pg') as typeof Pg);

/**
 * PostgreSQL's COPY text format, both ways: rows are lines, values are separated by tabs, a null
 * is `\N`, and a backslash, tab, newline or carriage return inside a value is escaped with a
 * backslash. This is what `COPY … FROM STDIN` reads and `COPY … TO STDOUT` writes by default.
 */

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * A Date as `pg` sends it as a parameter: the process's local time with its offset. A `timestamp`
 * column keeps the local time and drops the offset, so a row written by COPY stores what the
 * same row bound as a parameter would have stored.
 */
export function pgDateText(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${String(d.getFullYear()).padStart(4, '0')}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` +
    `T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}` +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPE = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value as a field of a COPY text line. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text =
    value instanceof Date
      ? pgDateText(value)
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE, (c) => ESCAPED[c]) : text;
}

/** Rows as COPY text, one line each. */
export function copyLines(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  // Rows of a batch share their stamp Dates: each is written once.
  let lastDate: Date | null = null;
  let lastText = '';
  for (const row of rows) {
    let line = '';
    for (let c = 0; c < row.length; c++) {
      const value = row[c];
      let field: string;
      if (value instanceof Date) {
        if (value !== lastDate) [lastDate, lastText] = [value, pgDateText(value)];
        field = lastText;
      } else field = copyField(value);
      line += c ? `\t${field}` : field;
    }
    out += `${line}\n`;
  }
  return out;
}

/**
 * Rows appended one at a time as COPY text bytes in a buffer of their own, for a batch that waits
 * while an earlier one is written: outside the JavaScript heap, so the collector neither copies
 * nor scans it, and no row keeps alive the larger strings its values were cut from.
 */
export class CopyTextBuffer {
  private bytes: Buffer;
  private length = 0;
  private lastDate: Date | null = null;
  private lastText = '';
  /** Rows appended so far. */
  rows = 0;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends one row (a batch's rows often share their stamp Dates: each is written once). */
  push(row: readonly unknown[]): void {
    let line = '';
    for (let c = 0; c < row.length; c++) {
      const value = row[c];
      let field: string;
      if (value instanceof Date) {
        if (value !== this.lastDate) [this.lastDate, this.lastText] = [value, pgDateText(value)];
        field = this.lastText;
      } else field = copyField(value);
      line += c ? `\t${field}` : field;
    }
    line += '\n';
    // A UTF-16 unit is at most three bytes of UTF-8.
    const room = this.length + line.length * 3;
    if (room > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(room, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.length += this.bytes.write(line, this.length, 'utf8');
    this.rows += 1;
  }

  /** The text so far; a view of the buffer, valid until the next `push`. */
  text(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

const UNESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A field as COPY wrote it, its escapes undone (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`, octal and `\x` hex). */
export function unescapeField(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf('\\', i);
    if (at < 0) return out + text.slice(i);
    out += text.slice(i, at);
    const c = text[at + 1];
    if (c === undefined) return `${out}\\`;
    if (c >= '0' && c <= '7') {
      let end = at + 1;
      while (end < at + 4 && text[end] >= '0' && text[end] <= '7') end++;
      out += String.fromCharCode(parseInt(text.slice(at + 1, end), 8));
      i = end;
    } else if (c === 'x' && /[0-9a-fA-F]/.test(text[at + 2] ?? '')) {
      const end = /[0-9a-fA-F]/.test(text[at + 3] ?? '') ? at + 4 : at + 3;
      out += String.fromCharCode(parseInt(text.slice(at + 2, end), 16));
      i = end;
    } else {
      out += UNESCAPED[c] ?? c;
      i = at + 2;
    }
  }
}

/** How a column's text becomes the value a caller reads: as `pg` would have given it. */
export type CopyColumnType = 'text' | 'timestamp';

let timestampParser: ((text: string) => Date) | undefined;
const driverTimestamp = (text: string): Date =>
  (timestampParser ??= pg().types.getTypeParser(pg().types.builtins.TIMESTAMP, 'text') as (
    text: string,
  ) => Date)(text);

/**
 * A `timestamp` as PostgreSQL writes it (`YYYY-MM-DD HH:MM:SS` and up to six fractional digits)
 * read digit by digit into the Date `pg`'s parser would make: the local time it names, to the
 * millisecond, the rest of the fraction dropped. Anything else (a BC date, infinity, a year past
 * 9999, one before 100) goes to that parser itself.
 */
export function parseTimestamp(text: string): Date {
  const n = text.length;
  if (n < 19 || n === 20 || n > 26 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ')
    return driverTimestamp(text);
  if (text[13] !== ':' || text[16] !== ':' || (n > 19 && text[19] !== '.')) return driverTimestamp(text);
  // Years 0 to 99 need the driver's care (the Date constructor would read them as 19xx).
  if (text[0] === '0' && text[1] === '0') return driverTimestamp(text);
  let ok = true;
  const digits = (from: number, to: number) => {
    let v = 0;
    for (let i = from; i < to; i++) {
      const d = i < n ? text.charCodeAt(i) - 48 : 0;
      if (d < 0 || d > 9) ok = false;
      v = v * 10 + d;
    }
    return v;
  };
  const ms = n > 19 ? digits(20, 23) : 0;
  const date = new Date(
    digits(0, 4),
    digits(5, 7) - 1,
    digits(8, 10),
    digits(11, 13),
    digits(14, 16),
    digits(17, 19),
    ms,
  );
  if (n > 23) digits(23, n);
  return ok ? date : driverTimestamp(text);
}

/**
 * Turns the chunks of a `COPY … TO STDOUT` (text format) into rows of values: text, or null, or
 * for the columns named `timestamp` the Date `pg`'s own parser makes of them. A chunk may end in
 * the middle of a row, even of a UTF-8 character: that rest waits for the next chunk.
 */
export class CopyRowDecoder {
  private rest: Buffer | null = null;

  constructor(private readonly types: readonly CopyColumnType[] = []) {}

  /** Appends the complete rows of `chunk` to `out`. */
  decode(chunk: Buffer, out: unknown[][]): void {
    const buffer = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const last = buffer.lastIndexOf(0x0a);
    if (last < 0) {
      this.rest = Buffer.from(buffer);
      return;
    }
    this.rest = last + 1 < buffer.length ? Buffer.from(buffer.subarray(last + 1)) : null;
    const text = buffer.toString('utf8', 0, last);
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      out.push(this.row(text, start, end < 0 ? text.length : end));
      if (end < 0) return;
      start = end + 1;
    }
  }

  /** Throws when the stream ended inside a row: COPY always ends its last row with a newline. */
  finish(): void {
    if (this.rest?.length) throw new Error('COPY output ended in the middle of a row');
  }

  private row(text: string, start: number, end: number): unknown[] {
    const values: unknown[] = [];
    let from = start;
    for (let column = 0; ; column++) {
      let to = text.indexOf('\t', from);
      if (to < 0 || to > end) to = end;
      values.push(this.value(text.slice(from, to), column));
      if (to === end) return values;
      from = to + 1;
    }
  }

  private value(field: string, column: number): unknown {
    if (field === '\\N') return null;
    const text = field.includes('\\') ? unescapeField(field) : field;
    return this.types[column] === 'timestamp' ? parseTimestamp(text) : text;
  }
}
