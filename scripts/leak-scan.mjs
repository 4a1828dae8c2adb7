#!/usr/bin/env node
// The leak scan `npm test` runs last: the test databases (dumped as JSON lines by the API's test
// harness) and the logs the API wrote must hold no card number, CVC, gateway secret key or
// token, and no Payrail secret key. Prints where each hit is (file, line, what), never the value,
// and exits 1 on any hit.
//
//   node scripts/leak-scan.mjs [folder…]     default: tmp/test-artifacts
//   node scripts/leak-scan.mjs --self-test   plants one of each kind and checks they are all found
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function luhnValid(digits) {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The sandboxes' default credentials, as each gateway's descriptor states them: test values, but stored sealed, so never in clear. */
function sandboxDefaults() {
  const plugins = join(root, 'plugins');
  const descriptors = readdirSync(plugins).flatMap((gateway) =>
    readdirSync(join(plugins, gateway, 'src'))
      .filter((file) => file.endsWith('.descriptor.ts'))
      .map((file) => join(plugins, gateway, 'src', file)),
  );
  return descriptors.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(secretKey|clientSecret|accessToken):\s*'([^']{8,})'/g)].map(
      (m) => ({
        what: `sandbox default ${m[1]}`,
        literal: m[2],
      }),
    ),
  );
}

const PATTERNS = [
  { what: 'Stripe secret or restricted key', re: /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{8,}/g },
  { what: 'Stripe webhook signing secret', re: /\bwhsec_[A-Za-z0-9+/=]{8,}/g },
  { what: 'client secret', re: /\b[a-z]{2,5}_[A-Za-z0-9]{8,}_secret_[A-Za-z0-9]{6,}/g },
  { what: 'client secret', re: /"client_?secret"\s*:\s*"(?![^"]*\*{3})[^"]{6,}"/gi },
  { what: 'Square access token', re: /\bEAAA[A-Za-z0-9_-]{8,}/g },
  { what: 'PayPal access token', re: /\bA21AA[A-Za-z0-9_-]{8,}/g },
  { what: 'Payrail secret key', re: /\bpr_(?:test|live)_[A-Za-z0-9]{8,}/g },
  { what: 'Payrail webhook secret', re: /\bprwh_[A-Za-z0-9_-]{8,}/g },
  { what: 'Authorization header value', re: /\b(?:Bearer|Basic)\s+(?!\*)[A-Za-z0-9._~+/=-]{16,}/g },
  // Also inside JSON that was itself stored as a string (escaped quotes).
  {
    what: 'CVC value',
    re: /"(?:cvc|cvv|cvc2|cvv2|cid|security_?code|card_?code)\\*"\s*:\s*(?:\\*")?\d{3,4}\b/gi,
  },
  { what: 'CVC value', re: /\b(?:cvc|cvv|cvc2|cvv2)=\d{3,4}\b/gi },
];

/** Digits of a card number as it may be written: 13-19 digits, groups split by spaces or dashes. */
const PAN_CANDIDATE = /\b[2-6](?:[ -]?\d){12,18}\b/g;

function scanLine(line, needles) {
  const hits = [];
  for (const { what, re } of PATTERNS) {
    re.lastIndex = 0;
    for (const m of line.matchAll(re)) hits.push({ what, length: m[0].length, column: m.index + 1 });
  }
  for (const m of line.matchAll(PAN_CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) {
      hits.push({
        what: `card number (Luhn-valid, ${digits.length} digits, starts ${digits[0]})`,
        length: m[0].length,
        column: m.index + 1,
      });
    }
  }
  for (const { what, literal } of needles) {
    const at = line.indexOf(literal);
    if (at >= 0) hits.push({ what, length: literal.length, column: at + 1 });
  }
  return hits;
}

function* filesUnder(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  if (stat.isFile()) yield path;
  else if (stat.isDirectory())
    for (const entry of readdirSync(path).sort()) yield* filesUnder(join(path, entry));
}

/** Where in a dumped row the hit is: the table and the column. */
function placeOf(line, column) {
  const table = /^\{"table":"([^"]+)"/.exec(line)?.[1];
  if (!table) return '';
  const before = line.slice(0, column);
  const key = [...before.matchAll(/"([A-Za-z0-9_]+)":/g)].at(-1)?.[1];
  return ` (table ${table}${key ? `, column ${key}` : ''})`;
}

export function scan(paths, needles = sandboxDefaults()) {
  const findings = [];
  let files = 0;
  let bytes = 0;
  for (const path of paths) {
    for (const file of filesUnder(path)) {
      files++;
      const text = readFileSync(file, 'utf8');
      bytes += text.length;
      text.split('\n').forEach((line, i) => {
        for (const hit of scanLine(line, needles)) {
          findings.push(
            `${relative(root, file)}:${i + 1}:${hit.column}${placeOf(line, hit.column)}: ${hit.what} (${hit.length} characters)`,
          );
        }
      });
    }
  }
  return { findings, files, bytes };
}

function selfTest() {
  const dir = mkdtempSync(join(tmpdir(), 'payrail-leak-scan-'));
  const planted = [
    '{"table":"payments","row":{"note":"4242 4242 4242 4242"}}',
    '{"table":"payment_attempts","row":{"request":"{\\"cvc\\":\\"123\\"}"}}',
    '{"level":"info","msg":"key sk_test_abcdefghijklmnop1234"}',
    '{"msg":"whsec_abcdefgh12345678"}',
    '{"msg":"EAAAEabcdefghijkl"}',
    '{"msg":"A21AAabcdefghijkl"}',
    '{"msg":"pr_live_abcdefghijklmnopqrstuvwxyz012345"}',
    '{"msg":"pi_3Nabcdefghij_secret_abcdefghij"}',
    '{"msg":"Authorization: Bearer abcdefghijklmnopqrstuvwxyz"}',
    '{"msg":"payrail-sandbox-test-client-secret"}',
  ];
  const clean = [
    '{"table":"payments","row":{"card_last4":"4242","masked":"424242******4242","created":1767000000000}}',
    '{"msg":"sk_test_****1234 and EAAA****abcd and whsec_****wxyz and pr_test_Ab12cd"}',
    '{"table":"gateway_connections","row":{"secret_values":"{\\"v\\":1,\\"kid\\":\\"mk_0123456789ab\\",\\"ct\\":\\"qG8f+Zx0\\"}"}}',
    '{"table":"migrations","row":{"timestamp":1766000000000,"name":"Initial1766000000000"}}',
  ];
  writeFileSync(join(dir, 'planted.jsonl'), planted.join('\n'));
  writeFileSync(join(dir, 'clean.jsonl'), clean.join('\n'));
  const { findings } = scan([dir]);
  rmSync(dir, { recursive: true, force: true });
  const missed = planted.filter((_, i) => !findings.some((f) => f.includes(`planted.jsonl:${i + 1}:`)));
  const false_ = findings.filter((f) => f.includes('clean.jsonl'));
  if (
    missed.length ||
    false_.length ||
    findings.some((f) => /4242 4242|abcdefghijklmnop1234|client-secret"/.test(f))
  ) {
    process.stderr.write(
      `leak scan self-test failed:\n  missed lines: ${missed.length}\n  false hits: ${false_.join('; ')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `leak scan self-test: all ${planted.length} planted leaks found, no false hit on ${clean.length} clean lines\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.includes('--self-test')) {
    selfTest();
  } else {
    const paths = args.length ? args : [join(root, 'tmp', 'test-artifacts')];
    const started = Date.now();
    const { findings, files, bytes } = scan(paths);
    const took = Date.now() - started;
    if (files === 0) {
      process.stderr.write(
        `leak scan: nothing to scan in ${paths.map((p) => relative(root, p) || '.').join(', ')} (did the suite run with PAYRAIL_TEST_ARTIFACTS set?)\n`,
      );
      process.exit(1);
    }
    for (const finding of findings) process.stdout.write(`LEAK ${finding}\n`);
    process.stdout.write(
      `leak scan: ${files} files, ${(bytes / 1e6).toFixed(1)} MB in ${took} ms: ${findings.length} hit(s)\n`,
    );
    process.exit(findings.length ? 1 : 0);
  }
}
