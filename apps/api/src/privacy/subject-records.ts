import { createHash, createHmac } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { queryRows, updateById } from './raw-update';
import { SUBJECT_TABLES, type SubjectTable } from './subject-tables';

/** What identifies a subject in stored text: the email, and the names it paid under. */
export interface SubjectTerms {
  email: string;
  names: string[];
}

export const ERASED = '[erased]';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The only form a subject is kept in once its request is done: SHA-256 of the merchant and the normalised value. */
export function subjectHash(merchantId: string, kind: 'email' | 'customer', value: string): string {
  const normalised = kind === 'email' ? normaliseEmail(value) : value.trim();
  return createHash('sha256')
    .update(`payrail-subject:v1\n${merchantId}\n${kind}\n${normalised}`)
    .digest('hex');
}

/** The stable stand-in for an email where a join must survive: an HMAC under the request's key, which is then destroyed. */
export function pseudonym(key: Buffer, email: string): string {
  return `pseud_${createHmac('sha256', key).update(normaliseEmail(email)).digest('hex').slice(0, 32)}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every form a term takes in stored text: as typed, and escaped inside a JSON string. */
function forms(term: string): string[] {
  const json = JSON.stringify(term).slice(1, -1);
  return [...new Set([term, json])].filter((f) => f.length >= 3);
}

/** The text with every occurrence of the subject's email and names replaced by `[erased]` (case-insensitive). */
export function scrubText(value: string, terms: SubjectTerms): string {
  let out = value;
  for (const term of [terms.email, ...terms.names])
    for (const form of forms(term)) out = out.replace(new RegExp(escapeRegExp(form), 'gi'), ERASED);
  return out;
}

/** Whether the text mentions the subject. */
export function mentions(value: string, terms: SubjectTerms): boolean {
  const lower = value.toLowerCase();
  return [terms.email, ...terms.names].some((term) =>
    forms(term).some((f) => lower.includes(f.toLowerCase())),
  );
}

/** The ids that tie rows to the subject. */
export interface SubjectLinks {
  customerIds: string[];
  caseIds: string[];
  paymentIds: string[];
  resourceIds: string[];
  gatewayReferences: string[];
  deliveryIds: string[];
}

export type Row = Record<string, unknown>;

async function tableExists(m: EntityManager, table: string): Promise<boolean> {
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    return await runner.hasTable(table);
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

/** Rows of one table about the subject: linked by id, or holding the email in one of the erasable columns. */
async function rowsOf(
  m: EntityManager,
  spec: SubjectTable,
  merchantId: string,
  terms: SubjectTerms,
  links: SubjectLinks,
): Promise<Row[]> {
  if (!(await tableExists(m, spec.table))) return [];
  const email = `%${normaliseEmail(terms.email)}%`;
  const link = spec.link;
  const ids =
    link.kind === 'payment'
      ? links.paymentIds
      : link.kind === 'resource'
        ? links.resourceIds
        : link.kind === 'gateway_reference'
          ? links.gatewayReferences
          : link.kind === 'delivery'
            ? links.deliveryIds
            : link.kind === 'customer'
              ? links.customerIds
              : link.kind === 'case'
                ? links.caseIds
                : [];
  const named: Record<string, unknown> = {};
  const conditions = Object.keys(spec.columns).map((c) => `LOWER(CAST(t."${c}" AS TEXT)) LIKE :email`);
  if (link.kind === 'email') conditions.push(`LOWER(t."${link.column}") = :exact`);
  else if (link.kind === 'payment_list')
    links.paymentIds.slice(0, 100).forEach((id, i) => {
      conditions.push(`t."${link.column}" LIKE :p${i}`);
      named[`p${i}`] = `%"${id}"%`;
    });
  else if (link.kind !== 'text' && ids.length) conditions.push(`t."${link.column}" IN (:...ids)`);
  const merchant = spec.merchantColumn ? `t."${spec.merchantColumn}" = :merchantId AND ` : '';
  return queryRows<Row>(
    m,
    `SELECT t.* FROM "${spec.table}" t WHERE ${merchant}(${conditions.join(' OR ')})`,
    {
      ...named,
      email,
      ids,
      exact: normaliseEmail(terms.email),
      merchantId,
    },
  );
}

/** Everything Payrail holds about the subject, table by table, and the links found on the way. */
export async function findSubjectRows(
  m: EntityManager,
  merchantId: string,
  terms: SubjectTerms,
): Promise<{ rows: Map<string, Row[]>; links: SubjectLinks }> {
  const links: SubjectLinks = {
    customerIds: [],
    caseIds: [],
    paymentIds: [],
    resourceIds: [],
    gatewayReferences: [],
    deliveryIds: [],
  };
  const rows = new Map<string, Row[]>();
  for (const spec of SUBJECT_TABLES) {
    const found = await rowsOf(m, spec, merchantId, terms, links);
    rows.set(spec.table, found);
    if (spec.table === 'customers') links.customerIds.push(...found.map((r) => String(r['id'])));
    if (spec.table === 'support_cases') links.caseIds.push(...found.map((r) => String(r['id'])));
    if (spec.table === 'payments') {
      links.paymentIds.push(...found.map((r) => String(r['id'])));
      links.gatewayReferences.push(
        ...found
          .map((r) => r['gateway_reference'])
          .filter(Boolean)
          .map(String),
      );
    }
    if (spec.table === 'payments' || spec.table === 'payment_sessions' || spec.table === 'refunds')
      links.resourceIds.push(...found.map((r) => String(r['id'])));
    if (spec.table === 'webhook_outbox' && found.length) {
      const deliveries = await queryRows<{ id: string }>(
        m,
        'SELECT d.id FROM webhook_deliveries d WHERE d.event_id IN (:...events)',
        { events: found.map((r) => r['id']) },
      );
      links.deliveryIds.push(...deliveries.map((d) => d.id));
    }
  }
  return { rows, links };
}

/** The names the subject's own rows carry: what stored text may hold beside the email. */
export function namesIn(rows: Map<string, Row[]>): string[] {
  const names = ['payments', 'payment_sessions'].flatMap((t) =>
    (rows.get(t) ?? [])
      .map((r) => r['customer_name'])
      .filter((n): n is string => typeof n === 'string' && n.trim().length > 0),
  );
  return [...new Set(names.map((n) => n.trim()))];
}

/** Erases the found rows in place, per SUBJECT_TABLES; returns the rows changed per table and column. */
export async function eraseSubjectRows(
  m: EntityManager,
  rows: Map<string, Row[]>,
  terms: SubjectTerms,
  pseudonymKey: Buffer,
): Promise<Array<{ table: string; column: string; rows: number }>> {
  const counts: Array<{ table: string; column: string; rows: number }> = [];
  const deletions: Array<{ table: string; ids: string[] }> = [];
  for (const spec of SUBJECT_TABLES) {
    const found = rows.get(spec.table) ?? [];
    if (Object.values(spec.columns).includes('delete')) {
      if (found.length) deletions.unshift({ table: spec.table, ids: found.map((r) => String(r['id'])) });
      continue;
    }
    const changed: Record<string, number> = {};
    for (const row of found) {
      const set: Record<string, unknown> = {};
      for (const [column, treatment] of Object.entries(spec.columns)) {
        const value = row[column];
        if (value === null || value === undefined) continue;
        const text = String(value);
        const next =
          treatment === 'null'
            ? null
            : treatment === 'pseudonym'
              ? text.startsWith('pseud_')
                ? text
                : pseudonym(pseudonymKey, text)
              : treatment === 'scrub'
                ? scrubText(text, terms)
                : text;
        if (next !== text) {
          set[column] = next;
          changed[column] = (changed[column] ?? 0) + 1;
        }
      }
      await updateById(m, spec.table, set, [String(row['id'])]);
    }
    for (const [column, n] of Object.entries(changed)) counts.push({ table: spec.table, column, rows: n });
  }
  // Rows that go whole, those hanging off a customer first.
  for (const { table, ids } of deletions) {
    await queryRows(m, `DELETE FROM "${table}" WHERE id IN (:...ids)`, { ids });
    counts.push({ table, column: '(row deleted)', rows: ids.length });
  }
  return counts;
}
