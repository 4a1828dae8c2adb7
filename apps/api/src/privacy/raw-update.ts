import type { EntityManager } from 'typeorm';

/**
 * `UPDATE <table> SET <column> = … WHERE id IN (…)` by column name, on SQLite and PostgreSQL
 * alike: the privacy code works on tables of every library, by their database names.
 */
export async function updateById(
  m: EntityManager,
  table: string,
  set: Record<string, unknown>,
  ids: readonly string[],
): Promise<void> {
  if (!ids.length || !Object.keys(set).length) return;
  const postgres = m.connection.options.type === 'postgres';
  const params: unknown[] = [];
  const placeholder = (value: unknown) => {
    params.push(value);
    return postgres ? `$${params.length}` : '?';
  };
  const assignments = Object.entries(set)
    .map(([column, value]) => `"${column}" = ${placeholder(value)}`)
    .join(', ');
  const where = ids.map((id) => placeholder(id)).join(', ');
  await m.query(`UPDATE "${table}" SET ${assignments} WHERE "id" IN (${where})`, params);
}

/**
 * Runs SQL with `:name` and `:...name` (a list) parameters on SQLite and PostgreSQL alike, by
 * database column names: no entity metadata in between, since these rows belong to every library.
 */
export async function queryRows<T = Record<string, unknown>>(
  m: EntityManager,
  sql: string,
  named: Record<string, unknown> = {},
): Promise<T[]> {
  const postgres = m.connection.options.type === 'postgres';
  const params: unknown[] = [];
  const text = sql.replace(
    /:(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)/g,
    (_match, spread: string | undefined, name: string) => {
      if (!(name in named)) throw new Error(`no value for :${name}`);
      const values = spread ? (named[name] as unknown[]) : [named[name]];
      return values
        .map((value) => {
          params.push(value);
          return postgres ? `$${params.length}` : '?';
        })
        .join(', ');
    },
  );
  return m.query(text, params);
}
