import { csvCell, csvRow } from './transactions-export';

describe('CSV cells a spreadsheet reads', () => {
  it.each(['=1+2', '+1', '-1', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'neutralises %j with a leading quote',
    (value) => {
      expect(csvCell(value).replace(/^"|"$/g, '').startsWith(`'${value[0]}`)).toBe(true);
    },
  );

  it('quotes commas, quotes and line breaks as RFC 4180 does, and leaves plain text alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(1200)).toBe('1200');
    expect(csvCell(0)).toBe('0');
    // A negative number starts with '-': neutralised like any text that does.
    expect(csvCell(-5)).toBe("'-5");
    expect(csvCell(null)).toBe('');
    expect(csvCell({ order: '=1' })).toBe('"{""order"":""=1""}"');
    expect(csvRow(['a', 1, null])).toBe('a,1,\r\n');
  });
});
