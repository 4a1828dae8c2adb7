import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * Inserts a row and does not read it back. TypeORM's `insert` selects every inserted row again
 * on SQLite (which it drives without RETURNING) for its timestamps; rows the caller never reads
 * again, such as timeline, outbox, inbox and job rows, don't need that statement.
 */
export async function insertRow<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  values: QueryDeepPartialEntity<T>,
): Promise<void> {
  await m.createQueryBuilder().insert().into(target).values(values).updateEntity(false).execute();
}
