/**
 * The call list as CSV (RFC 4180 §2: CRLF line ends, a field holding a
 * comma, a double quote or a line break enclosed in double quotes, its
 * quotes doubled), and defused against spreadsheet formulas, since From, To,
 * Call-ID and User-Agent are attacker-controlled text (OWASP CSV Injection).
 */
import { describe, expect, it } from 'vitest';
import {
  analysisCsvLines,
  CALL_CSV_COLUMNS,
  type CsvCall,
  callCsvHeader,
  callCsvLine,
  text,
} from '../../src/report/calls-csv.js';

/** RFC 4180 read back: records of fields (what a spreadsheet or Python's csv module would see). */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

const call: CsvCall = {
  id: 3,
  kind: 'call',
  state: 'completed',
  start: 1_700_000_000.25,
  end: 1_700_000_012.5,
  from: '"Bob, the builder" <sip:bob@example.com>',
  to: 'sip:alice@example.com',
  callIds: ['a@h', 'b@h'],
  finalStatus: 200,
  reason: null,
  pddMs: 20,
  setupMs: 2000,
  durationMs: 9990,
  hangupBy: 'caller',
  messages: [0, 1, 2, 3, 4, 5, 6],
  retransmissions: 1,
  endpoints: [
    { addr: '10.0.0.1:5060', label: 'AliceUA/1.0' },
    { addr: '[2001:db8::2]:5060', label: null },
  ],
};

describe('call list CSV', () => {
  it('has a header of the columns and one CRLF-ended record per call, every field in its column', () => {
    const rows = parseCsv(callCsvHeader() + callCsvLine(call, { count: 2, worst: 'warning' }));
    expect(rows[0]).toEqual([...CALL_CSV_COLUMNS]);
    expect(Object.fromEntries(rows[0].map((k, i) => [k, rows[1][i]]))).toEqual({
      id: '3',
      start: '2023-11-14T22:13:20.250Z',
      end: '2023-11-14T22:13:32.500Z',
      kind: 'call',
      state: 'completed',
      from: '"Bob, the builder" <sip:bob@example.com>',
      to: 'sip:alice@example.com',
      call_ids: 'a@h b@h',
      final_status: '200',
      reason: '',
      messages: '7',
      retransmissions: '1',
      pdd_ms: '20',
      setup_ms: '2000',
      duration_ms: '9990',
      hangup_by: 'caller',
      endpoints: '10.0.0.1:5060 (AliceUA/1.0); [2001:db8::2]:5060',
      findings: '2',
      worst_severity: 'warning',
    });
  });

  it('RFC 4180: encloses a field with a comma, a quote or a line break, and doubles its quotes', () => {
    expect(text('plain')).toBe('plain');
    expect(text('a,b')).toBe('"a,b"');
    expect(text('say "hi"')).toBe('"say ""hi"""');
    expect(text('two\r\nlines')).toBe('"two\r\nlines"');
    expect(text(null)).toBe('');
    expect(parseCsv(`${text('x "y", z\nw')}\r\n`)).toEqual([['x "y", z\nw']]);
  });

  it('defuses what a spreadsheet would run as a formula: = + - @ tab CR at the start of a text field', () => {
    for (const v of ['=HYPERLINK("http://evil/","x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])
      expect(parseCsv(`${text(v)}\r\n`)[0][0]).toBe(`'${v}`);
    const hostile = { ...call, from: '=cmd|"/c calc"!A1', callIds: ['-1@evil'] };
    const [, row] = parseCsv(callCsvHeader() + callCsvLine(hostile, { count: 0, worst: null }));
    expect(row[5]).toBe(`'=cmd|"/c calc"!A1`);
    expect(row[7]).toBe(`'-1@evil`);
    // Numbers stay numbers.
    expect(row[0]).toBe('3');
  });

  it("an analysis's CSV: every call in id order with its findings' count and worst severity", () => {
    const lines = [
      ...analysisCsvLines({
        calls: [call, { ...call, id: 4, start: null, end: null, pddMs: null }],
        findings: [
          { call: 3, severity: 'info' },
          { call: 3, severity: 'error' },
          { call: 3, severity: 'warning' },
          { call: null, severity: 'error' },
        ],
      }),
    ];
    const rows = parseCsv(lines.join(''));
    expect(rows.map((r) => [r[0], r[1], r[12], r[17], r[18]])).toEqual([
      ['id', 'start', 'pdd_ms', 'findings', 'worst_severity'],
      ['3', '2023-11-14T22:13:20.250Z', '20', '3', 'error'],
      ['4', '', '', '0', ''],
    ]);
  });
});
