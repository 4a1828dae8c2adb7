import { DataSource, EntityManager } from 'typeorm';
import type { SecretBox } from './secret-box';

/** Where connection credentials are sealed: fixed by the gateways' schema. */
export const SEALED_TABLE = 'gateway_connections';
export const SEALED_COLUMN = 'secret_values';

/** Anything that runs a unit of work in a transaction, such as `TransactionRunner`. */
export interface TransactionScope {
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/** A table and column holding sealed values, keyed by an `id` column. */
export interface SealedLocation {
  table: string;
  column: string;
}

/** Every place the platform seals secrets: rotation re-wraps each of them. */
export const SEALED_LOCATIONS: readonly SealedLocation[] = [
  { table: SEALED_TABLE, column: SEALED_COLUMN },
  { table: 'webhook_endpoints', column: 'secret_sealed' },
  { table: 'alert_channels', column: 'secret_sealed' },
];

export interface RewrapOptions {
  /** Which table and column to re-wrap; default the gateway connections' credentials. */
  location?: SealedLocation;
  /** Rows read and written per transaction: 1 to 1000, default 100. */
  batchSize?: number;
  /** Called after each batch, with counts only. */
  onProgress?: (progress: RewrapResult) => void;
}

export interface RewrapFailure {
  /** The connection id. */
  id: string;
  /** Why it was left as it was; never contains the value. */
  reason: string;
}

export interface RewrapResult {
  /** The master key every rewrapped value is now under. */
  keyId: string;
  scanned: number;
  rewrapped: number;
  alreadyCurrent: number;
  /** Rows with no sealed value at all. */
  empty: number;
  failed: number;
  failures: RewrapFailure[];
  /** How many values each older master key still wrapped before this run. */
  rewrappedFrom: Record<string, number>;
}

interface Row {
  id: string;
  sealed: string | null;
}

type Verdict =
  | { kind: 'current' | 'empty' }
  | { kind: 'rewrap'; next: string; from: string }
  | { kind: 'failed'; reason: string };

/**
 * Master-key rotation: re-wraps the data key of every sealed value in
 * `gateway_connections.secret_values` under the box's current master key, in batches. Only data
 * keys are unwrapped; the secrets themselves are never decrypted. Each row is written only if it
 * still holds the value that was read, so a credential change made meanwhile is re-read, not lost.
 * Old values stay readable throughout as long as the old key is loaded in the box's keyring.
 *
 * `target`: a DataSource, a transactional EntityManager, or a `TransactionScope` such as
 * `TransactionRunner` (use that inside the API process on SQLite).
 */
export async function rewrapAll(
  target: DataSource | EntityManager | TransactionScope,
  box: SecretBox,
  options: RewrapOptions = {},
): Promise<RewrapResult> {
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new Error(`rewrapAll batchSize is ${String(batchSize)}: expected a whole number from 1 to 1000`);
  }
  const run = transactionOf(target);
  const at = options.location ?? { table: SEALED_TABLE, column: SEALED_COLUMN };
  const result: RewrapResult = {
    keyId: box.currentKeyId,
    scanned: 0,
    rewrapped: 0,
    alreadyCurrent: 0,
    empty: 0,
    failed: 0,
    failures: [],
    rewrappedFrom: {},
  };
  const count = (row: Row, verdict: Verdict) => {
    switch (verdict.kind) {
      case 'current':
        result.alreadyCurrent++;
        return;
      case 'empty':
        result.empty++;
        return;
      case 'failed':
        result.failed++;
        result.failures.push({ id: row.id, reason: verdict.reason });
        return;
      case 'rewrap':
        result.rewrapped++;
        result.rewrappedFrom[verdict.from] = (result.rewrappedFrom[verdict.from] ?? 0) + 1;
        return;
    }
  };

  let after = '';
  for (;;) {
    const rows = await run((m) => readBatch(m, at, after, batchSize));
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    result.scanned += rows.length;
    const verdicts = rows.map((row) => verdictFor(box, row.sealed));
    await run(async (m) => {
      for (let i = 0; i < rows.length; i++) {
        let row = rows[i];
        let verdict = verdicts[i];
        // A row changed since it was read is read again; three changes in a row is a failure.
        for (let attempt = 0; verdict.kind === 'rewrap'; attempt++) {
          if (await writeIfUnchanged(m, at, row, verdict.next)) break;
          const fresh = await readOne(m, at, row.id);
          if (!fresh) {
            verdict = { kind: 'failed', reason: 'the connection was deleted during the rotation' };
          } else if (attempt >= 2) {
            verdict = { kind: 'failed', reason: 'the value kept changing during the rotation; run it again' };
          } else {
            row = fresh;
            verdict = verdictFor(box, fresh.sealed);
          }
        }
        count(row, verdict);
      }
    });
    options.onProgress?.({
      ...result,
      failures: [...result.failures],
      rewrappedFrom: { ...result.rewrappedFrom },
    });
    if (rows.length < batchSize) break;
  }
  return result;
}

function verdictFor(box: SecretBox, sealed: string | null): Verdict {
  if (sealed === null || sealed === '') return { kind: 'empty' };
  let from: string;
  try {
    JSON.parse(sealed);
    from = box.keyIdOf(sealed);
  } catch {
    // Parse errors quote the input; the reason must not.
    return { kind: 'failed', reason: 'not a sealed secret' };
  }
  if (from === box.currentKeyId) return { kind: 'current' };
  try {
    return { kind: 'rewrap', next: box.rewrap(sealed), from };
  } catch (error) {
    const message = (error as Error).message;
    return {
      kind: 'failed',
      reason: /^master key \S+ is not loaded/.test(message)
        ? message
        : `its data key does not open under master key ${from} (wrong key material, or the value was altered)`,
    };
  }
}

function transactionOf(target: DataSource | EntityManager | TransactionScope): TransactionScope['run'] {
  if (target instanceof DataSource) return (work) => target.transaction(work);
  if (target instanceof EntityManager) {
    return (work) => (target.queryRunner?.isTransactionActive ? work(target) : target.transaction(work));
  }
  if (typeof (target as TransactionScope)?.run === 'function') return (work) => target.run(work);
  throw new Error('rewrapAll needs a DataSource, an EntityManager or a TransactionRunner');
}

function tableOf(manager: EntityManager, at: SealedLocation): string {
  const schema = (manager.connection.options as { schema?: string }).schema;
  return schema ? `${schema}.${at.table}` : at.table;
}

async function readBatch(
  manager: EntityManager,
  at: SealedLocation,
  after: string,
  size: number,
): Promise<Row[]> {
  const rows = await manager
    .createQueryBuilder()
    .select('c.id', 'id')
    .addSelect(`c.${at.column}`, 'sealed')
    .from(tableOf(manager, at), 'c')
    .where('c.id > :after', { after })
    .orderBy('c.id', 'ASC')
    .limit(size)
    .getRawMany<Row>();
  return rows.map((r) => ({ id: r.id, sealed: r.sealed }));
}

async function readOne(manager: EntityManager, at: SealedLocation, id: string): Promise<Row | null> {
  const row = await manager
    .createQueryBuilder()
    .select('c.id', 'id')
    .addSelect(`c.${at.column}`, 'sealed')
    .from(tableOf(manager, at), 'c')
    .where('c.id = :id', { id })
    .getRawOne<Row>();
  return row ?? null;
}

async function writeIfUnchanged(
  manager: EntityManager,
  at: SealedLocation,
  row: Row,
  next: string,
): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(tableOf(manager, at))
    .set({ [sealedProperty(manager, at)]: next })
    .where(`id = :id AND ${at.column} = :previous`, { id: row.id, previous: row.sealed })
    .execute();
  return result.affected === 1;
}

/** Where an entity maps the table (as in the API), the query builder takes its property name, not the column's. */
function sealedProperty(manager: EntityManager, at: SealedLocation): string {
  const entity = manager.connection.entityMetadatas.find((m) => m.tableName === at.table);
  return entity?.findColumnWithDatabaseName(at.column)?.propertyName ?? at.column;
}
