// The table printed at the end of `npm run bench`.

const cell = (value, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? '—' : String(Number(value.toFixed(digits)));

const COLUMNS = [
  ['database', (r) => r.database],
  ['scenario', (r) => r.scenario],
  ['conc', (r) => String(r.concurrency)],
  ['ops', (r) => `${r.payrail.operations}/${r.direct.operations}`],
  ['direct op/s', (r) => cell(r.direct.ops_per_s)],
  ['payrail op/s', (r) => cell(r.payrail.ops_per_s)],
  ['ratio', (r) => cell(r.ratio, 2)],
  ['direct op med/p95/p99/max ms', (r) => opLatency(r.direct)],
  ['payrail op med/p95/p99/max ms', (r) => opLatency(r.payrail)],
  ['payrail req max ms', (r) => cell(r.payrail.request.max_ms, 0)],
  ['added/req med ms', (r) => cell(r.added_per_request.median_ms)],
  ['added/req p99 ms', (r) => cell(r.added_per_request.p99_ms)],
  ['commits/op', (r) => cell(r.payrail.commits_per_op, 1)],
  ['trips/op', (r) => cell(r.payrail.round_trips_per_op, 1)],
  ['stmts/op', (r) => cell(r.payrail.statements_per_op, 1)],
  ['API CPU ms/op', (r) => cell(r.payrail.api_cpu_ms_per_op)],
  ['API CPU ms/op (direct)', (r) => cell(r.direct.api_cpu_ms_per_op)],
  [
    'sandbox CPU ms/op',
    (r) => `${cell(r.payrail.sandbox_cpu_ms_per_op)}/${cell(r.direct.sandbox_cpu_ms_per_op)}`,
  ],
  ['loop max ms', (r) => cell(r.payrail.loop_max_ms, 0)],
  ['RSS/peak MB', (r) => `${r.payrail.rss_mb}/${r.payrail.peak_rss_mb}`],
];

function opLatency(side) {
  const o = side.operation;
  return [o.median_ms, o.p95_ms, o.p99_ms, o.max_ms].map((v) => cell(v, v >= 100 ? 0 : 1)).join('/');
}

/** A markdown table (it reads in a terminal and pastes into docs). */
export function table(rows) {
  const header = COLUMNS.map(([name]) => name);
  const body = rows.map((row) => COLUMNS.map(([, value]) => value(row)));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
