import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DateUtils } from 'typeorm/util/DateUtils';
import { deferredWritesOf, inlineParameters, NotALiteralError, STATEMENT_SEPARATOR } from './deferred-writes';
import { queryAfterWaiting, type StatementResult } from './after-waiting';

/**
 * The payment path's few hot statements as SQL built once per entity (and per set of columns),
 * with values converted by the driver exactly as TypeORM's query builders convert them. Building
 * a statement with the query builder costs more CPU than the database spends running it; these
 * write and read the same rows, so callers keep TypeORM's entities and transactions.
 */

/** A value written as SQL rather than as a parameter, as the query builders take it: `() => 'version + 1'`. */
type SqlExpression = () => string;

interface Dialect {
  postgres: boolean;
  placeholder: (index: number) => string;
  /** A converted value as the driver binds it (SQLite binds no Date or boolean; the query builders convert them last). */
  bind: (value: unknown) => unknown;
}

const statements = new WeakMap<EntityMetadata, Map<string, string>>();

function dialectOf(m: EntityManager): Dialect {
  const postgres = m.connection.driver.options.type === 'postgres';
  return {
    postgres,
    placeholder: postgres ? (i) => `$${i}` : () => '?',
    bind: postgres ? (value) => value : sqliteValue,
  };
}

function sqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return +value;
  if (value instanceof Date) return DateUtils.mixedDateToUtcDatetimeString(value);
  return value;
}

function cached(metadata: EntityMetadata, key: string, build: () => string): string {
  let byKey = statements.get(metadata);
  if (!byKey) statements.set(metadata, (byKey = new Map()));
  let sql = byKey.get(key);
  if (sql === undefined) byKey.set(key, (sql = build()));
  return sql;
}

const quote = (m: EntityManager, name: string) => m.connection.driver.escape(name);
/** `schema.table` where the data source names a schema (the PostgreSQL test suites do), each part quoted. */
const table = (m: EntityManager, metadata: EntityMetadata) =>
  metadata.tablePath
    .split('.')
    .map((part) => m.connection.driver.escape(part))
    .join('.');

/** What `run` gives back: the rows a statement returned, and how many it changed. */
interface Ran {
  records?: unknown[];
  affected?: number;
}

async function run(m: EntityManager, sql: string, parameters: unknown[]): Promise<Ran> {
  return (await withWaiting(m, sql, parameters)) ?? runAlone(m, sql, parameters);
}

/**
 * In a PostgreSQL transaction with writes waiting (its start, queued inserts and updates), sends
 * the statement after them in the same text, its values as literals, so a transaction that begins
 * with a read or a guarded update needs no round trip for its start. Null when nothing waits or a
 * value has no literal form: then the statement goes alone, after what waits.
 */
async function withWaiting(m: EntityManager, sql: string, parameters: unknown[]): Promise<Ran | null> {
  const writes = deferredWritesOf(m);
  if (!writes?.waiting || !m.queryRunner) return null;
  const inlined = inlinedAll([{ sql, parameters }]);
  if (!inlined) return null;
  const last = (await queryAfterWaiting(m, inlined[0])).at(-1);
  return { records: last?.rows, affected: last?.rowCount ?? undefined };
}

function runAlone(m: EntityManager, sql: string, parameters: unknown[]) {
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  return runner.query(sql, parameters, true).finally(() => {
    if (!m.queryRunner) return runner.release();
  });
}

function column(metadata: EntityMetadata, property: string): ColumnMetadata {
  const found = metadata.findColumnWithPropertyPath(property);
  if (!found) throw new Error(`${metadata.name} has no column ${property}`);
  return found;
}

/**
 * Inserts a row and does not read it back. TypeORM's `insert` selects every inserted row again
 * on SQLite (which it drives without RETURNING) for its timestamps; rows the caller never reads
 * again, such as timeline, outbox, inbox and job rows, don't need that statement. A column left
 * out gets what the query builder would give it: `DEFAULT` on PostgreSQL, the column's default
 * (or NULL) on SQLite, 1 for a version.
 */
export async function insertRow<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  values: QueryDeepPartialEntity<T>,
): Promise<void> {
  await insertRows(m, target, [values]);
}

/**
 * Inserts several rows of one entity in one multi-row `INSERT`, as `insertRow` inserts one: a
 * transaction that writes a few timeline events sends one statement instead of one per event.
 * Rows that leave out different columns are inserted in one statement per set of columns.
 */
export async function insertRows<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  rows: readonly QueryDeepPartialEntity<T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = m.connection.getMetadata(target);
  const driver = m.connection.driver;
  const dialect = dialectOf(m);
  const columns = metadata.columns.filter((c) => c.isInsert);
  const groups = new Map<string, { given: boolean[]; parameters: unknown[]; count: number }>();
  for (const values of rows) {
    const parameters: unknown[] = [];
    let mask = '';
    const given = columns.map((c) => {
      const value = c.getEntityValue(values as ObjectLiteral);
      const present = value !== undefined;
      if (typeof value === 'function')
        throw new Error(`insertRow takes no SQL expression (${c.propertyName})`);
      mask += present ? '1' : '0';
      if (present) parameters.push(dialect.bind(driver.preparePersistentValue(value, c)));
      return present;
    });
    const group = groups.get(mask);
    if (group) {
      group.parameters.push(...parameters);
      group.count++;
    } else groups.set(mask, { given, parameters, count: 1 });
  }
  for (const [mask, { given, parameters, count }] of groups) {
    const sql = cached(metadata, `insert:${mask}:${count}`, () => {
      let index = 0;
      const tuple = () =>
        columns.map((c, i) => {
          if (given[i]) return dialect.placeholder(++index);
          if (c.isVersion) return '1';
          if (dialect.postgres) return 'DEFAULT';
          return c.default !== undefined && c.default !== null ? driver.normalizeDefault(c) : 'NULL';
        });
      const tuples = Array.from({ length: count }, () => `(${tuple().join(', ')})`);
      return `INSERT INTO ${table(m, metadata)}(${columns.map((c) => quote(m, c.databaseName)).join(', ')}) VALUES ${tuples.join(', ')}`;
    });
    // In a PostgreSQL transaction the insert goes with the transaction's next statement.
    if (!deferredWritesOf(m)?.offer(sql, parameters)) await run(m, sql, parameters);
  }
}

/** Conditions an update must also meet, by property: `NOT IN (…)`, `IN (…)`, `IS NULL`, `>=`, `>`. */
export interface UpdateGuard {
  notIn?: Record<string, readonly unknown[]>;
  in?: Record<string, readonly unknown[]>;
  isNull?: readonly string[];
  atLeast?: Record<string, unknown>;
  above?: Record<string, unknown>;
}

/**
 * Updates the rows whose columns equal `where` (by property) and returns how many changed, as
 * the query builder's `update().set().where()` would: `updated_at` and the version move unless
 * `values` sets them, and a function value is written as SQL.
 */
export async function updateRows<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  values: Record<string, unknown>,
  where: Record<string, unknown>,
  guard: UpdateGuard = {},
): Promise<number> {
  const { sql, parameters } = updateStatement(m, target, values, where, guard);
  const result = await run(m, sql, parameters);
  return result.affected ?? 0;
}

/**
 * Updates as `updateRows` does, for a caller that does not read how many rows changed (a row it
 * holds locked, say): in a PostgreSQL transaction the statement goes with the transaction's next
 * one, as a queued insert does, and an error it meets fails that one and the transaction.
 */
export async function writeRows<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  values: Record<string, unknown>,
  where: Record<string, unknown>,
): Promise<void> {
  const { sql, parameters } = updateStatement(m, target, values, where, {});
  if (!deferredWritesOf(m)?.offer(sql, parameters)) await run(m, sql, parameters);
}

function updateStatement<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  values: Record<string, unknown>,
  where: Record<string, unknown>,
  guard: UpdateGuard,
): { sql: string; parameters: unknown[] } {
  const metadata = m.connection.getMetadata(target);
  const driver = m.connection.driver;
  const dialect = dialectOf(m);
  const parameters: unknown[] = [];
  const setProperties = Object.keys(values).filter((p) => values[p] !== undefined);
  const setColumns = setProperties.map((p) => column(metadata, p));
  const expressions: (string | null)[] = setProperties.map((p, i) => {
    const value = values[p];
    if (typeof value === 'function') return (value as SqlExpression)();
    parameters.push(dialect.bind(driver.preparePersistentValue(value, setColumns[i])));
    return null;
  });
  const whereProperties = Object.keys(where);
  for (const p of whereProperties)
    parameters.push(dialect.bind(driver.preparePersistentValue(where[p], column(metadata, p))));
  const notIn = Object.entries(guard.notIn ?? {});
  const inList = Object.entries(guard.in ?? {});
  const isNull = guard.isNull ?? [];
  const atLeast = Object.entries(guard.atLeast ?? {});
  const above = Object.entries(guard.above ?? {});
  const bindAs = (p: string, v: unknown) =>
    parameters.push(dialect.bind(driver.preparePersistentValue(v, column(metadata, p))));
  for (const [p, list] of notIn) for (const v of list) bindAs(p, v);
  for (const [p, list] of inList) for (const v of list) bindAs(p, v);
  for (const [p, v] of atLeast) bindAs(p, v);
  for (const [p, v] of above) bindAs(p, v);
  const lists = (entries: [string, readonly unknown[]][]) =>
    entries.map(([p, l]) => `${p}:${l.length}`).join(',');
  const key = `update:${setProperties.map((p, i) => expressions[i] ?? p).join(',')}|${whereProperties.join(',')}|${lists(notIn)}|${lists(inList)}|${isNull.join(',')}|${atLeast.map(([p]) => p).join(',')}|${above.map(([p]) => p).join(',')}`;
  const sql = cached(metadata, key, () => {
    let index = 0;
    const next = () => dialect.placeholder(++index);
    const assignments = setColumns.map((c, i) => `${quote(m, c.databaseName)} = ${expressions[i] ?? next()}`);
    const automatic = [metadata.versionColumn, metadata.updateDateColumn].filter(
      (c): c is ColumnMetadata => !!c && !setColumns.includes(c),
    );
    for (const c of automatic)
      assignments.push(
        c.isVersion
          ? `${quote(m, c.databaseName)} = ${quote(m, c.databaseName)} + 1`
          : `${quote(m, c.databaseName)} = CURRENT_TIMESTAMP`,
      );
    const conditions = whereProperties.map(
      (p) => `${quote(m, column(metadata, p).databaseName)} = ${next()}`,
    );
    const name = (p: string) => quote(m, column(metadata, p).databaseName);
    for (const [p, list] of notIn)
      conditions.push(`${name(p)} NOT IN (${list.map(() => next()).join(', ')})`);
    for (const [p, list] of inList) conditions.push(`${name(p)} IN (${list.map(() => next()).join(', ')})`);
    for (const p of isNull) conditions.push(`${name(p)} IS NULL`);
    for (const [p] of atLeast) conditions.push(`${name(p)} >= ${next()}`);
    for (const [p] of above) conditions.push(`${name(p)} > ${next()}`);
    return `UPDATE ${table(m, metadata)} SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')}`;
  });
  return { sql, parameters };
}

/**
 * The row with this primary key as an entity, or null; with `forUpdate`, locked until the
 * transaction ends on PostgreSQL (SQLite's one writer needs no row lock). Values are hydrated
 * by the driver as TypeORM's `findOne` hydrates them.
 */
export function findRowById<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  id: unknown,
  options: { forUpdate?: boolean } = {},
): Promise<T | null> {
  const [primary] = m.connection.getMetadata(target).primaryColumns;
  return findRowBy(m, target, { [primary.propertyPath]: id } as Partial<T>, options);
}

/**
 * The first row whose columns equal these values (none may be null), as `findRowById` reads it:
 * what `findOneBy` finds, with one statement built per entity and set of columns. With `select`,
 * only those properties are read and set on the entity: a wide row costs its columns to read.
 */
export function findRowBy<T extends ObjectLiteral, K extends keyof T & string>(
  m: EntityManager,
  target: EntityTarget<T>,
  where: Partial<T>,
  options: { forUpdate?: boolean; select: readonly K[] },
): Promise<Pick<T, K> | null>;
export function findRowBy<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  where: Partial<T>,
  options?: { forUpdate?: boolean },
): Promise<T | null>;
export async function findRowBy<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  where: Partial<T>,
  options: { forUpdate?: boolean; select?: readonly string[] } = {},
): Promise<T | null> {
  const read = selectStatement(m, target, where, options);
  const result = await run(m, read.sql, read.parameters);
  return hydrated<T>(m, read, (result.records as Record<string, unknown>[] | undefined)?.[0]);
}

/**
 * Reads the row with this primary key for update, then updates rows of another entity as
 * `updateRows` does, and returns both answers: what `findRowById` and `updateRows` one after the
 * other give. In a PostgreSQL transaction both go in one simple query, after what the transaction
 * has waiting, the read first: each statement of it takes its snapshot when it starts, so the
 * update runs once the lock is granted and sees every change committed before, as it would on
 * its own; one round trip instead of two.
 */
export async function lockRowThenUpdate<T extends ObjectLiteral, U extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  id: unknown,
  update: {
    target: EntityTarget<U>;
    values: Record<string, unknown>;
    where: Record<string, unknown>;
    guard?: UpdateGuard;
  },
  /** Statements (literals only) sent after the update in the same query, in a PostgreSQL transaction; their answers come back as `after`. */
  then: readonly string[] = [],
): Promise<{ row: T | null; affected: number; after: StatementResult[] }> {
  const [primary] = m.connection.getMetadata(target).primaryColumns;
  const read = selectStatement(m, target, { [primary.propertyPath]: id } as Partial<T>, { forUpdate: true });
  const write = updateStatement(m, update.target, update.values, update.where, update.guard ?? {});
  const inPostgresTransaction = dialectOf(m).postgres && !!m.queryRunner;
  if (then.length && !inPostgresTransaction)
    throw new Error('lockRowThenUpdate sends statements after the update only in a PostgreSQL transaction');
  const texts = inPostgresTransaction ? inlinedAll([read, write]) : null;
  if (!texts) {
    const found = await run(m, read.sql, read.parameters);
    const row = hydrated<T>(m, read, (found.records as Record<string, unknown>[] | undefined)?.[0]);
    const changed = await run(m, write.sql, write.parameters);
    const after = then.length ? await queryAfterWaiting(m, then.join(STATEMENT_SEPARATOR)) : [];
    return { row, affected: changed.affected ?? 0, after };
  }
  const results = await queryAfterWaiting(m, [...texts, ...then].join(STATEMENT_SEPARATOR));
  // What waited comes first, then the read, the update and the statements of `then`.
  const after = results.splice(results.length - then.length, then.length);
  const [found, changed] = results.slice(-2);
  return { row: hydrated<T>(m, read, found?.rows[0]), affected: changed?.rowCount ?? 0, after };
}

/** The statements with their values as literals, or null when one has a value with no literal form. */
function inlinedAll(statements: { sql: string; parameters: unknown[] }[]): string[] | null {
  try {
    return statements.map((s) => inlineParameters(s.sql, s.parameters));
  } catch (error) {
    if (error instanceof NotALiteralError) return null;
    throw error;
  }
}

interface SelectStatement {
  sql: string;
  parameters: unknown[];
  metadata: EntityMetadata;
  selected: ColumnMetadata[];
}

function selectStatement<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  where: Partial<T>,
  options: { forUpdate?: boolean; select?: readonly string[] },
): SelectStatement {
  const metadata = m.connection.getMetadata(target);
  const driver = m.connection.driver;
  const dialect = dialectOf(m);
  const forUpdate = !!options.forUpdate && dialect.postgres;
  const properties = Object.keys(where);
  const columns = properties.map((p) => column(metadata, p));
  const selected = options.select
    ? options.select.map((p) => column(metadata, p))
    : metadata.columns.filter((c) => c.isSelect);
  const only = options.select ? options.select.join(',') : '*';
  const sql = cached(metadata, `select:${properties.join(',')}:${forUpdate}:${only}`, () => {
    const list = selected.map((c) => quote(m, c.databaseName)).join(', ');
    const conditions = columns.map((c, i) => `${quote(m, c.databaseName)} = ${dialect.placeholder(i + 1)}`);
    return `SELECT ${list} FROM ${table(m, metadata)} WHERE ${conditions.join(' AND ')} LIMIT 1${forUpdate ? ' FOR UPDATE' : ''}`;
  });
  const parameters = columns.map((c, i) => {
    const value = where[properties[i] as keyof T];
    if (value === null || value === undefined)
      throw new Error(`${metadata.name}: ${properties[i]} has no value to find by`);
    return dialect.bind(driver.preparePersistentValue(value, c));
  });
  return { sql, parameters, metadata, selected };
}

/** The entity a row of `read` gives, hydrated by the driver as TypeORM's `findOne` hydrates it. */
function hydrated<T extends ObjectLiteral>(
  m: EntityManager,
  read: SelectStatement,
  row: Record<string, unknown> | undefined,
): T | null {
  if (!row) return null;
  const driver = m.connection.driver;
  const entity = read.metadata.create(m.queryRunner, { fromDeserializer: true }) as T;
  for (const c of read.selected)
    c.setEntityValue(entity, driver.prepareHydratedValue(row[c.databaseName], c));
  return entity;
}
