/**
 * The data map (docs/compliance/data-map.yaml) checked against the schema the migrations build.
 * Which columns must be listed is the naming rule below, documented in docs/compliance/README.md.
 */

/** Words that make a column personal wherever they stand in its name. */
export const IDENTITY_WORDS = [
  'email',
  'name',
  'phone',
  'address',
  'ip',
  'agent',
  'customer',
  'billing',
  'shipping',
  'birth',
  'street',
  'city',
  'postal',
  'postcode',
  'last4',
  'subject',
] as const;

/** Words that make a column personal as the last word of its name: text or JSON a client supplied. */
export const CONTENT_WORDS = [
  'body',
  'headers',
  'payload',
  'data',
  'event',
  'request',
  'response',
  'metadata',
  'description',
  'message',
  'excerpt',
  'reason',
  'change',
  'comment',
  'comments',
  'note',
  'notes',
  'text',
  'snapshot',
] as const;

export const ERASURE_TREATMENTS = ['null', 'pseudonym', 'scrub', 'delete', 'keep'] as const;
export type ErasureTreatment = (typeof ERASURE_TREATMENTS)[number];

export interface DataMapColumn {
  class: string;
  erasure: ErasureTreatment;
  note?: string;
}

export interface DataMap {
  classes: Record<string, string>;
  legal_bases: Record<string, string>;
  retention: Record<string, { days: number | null; description: string }>;
  tables: Record<
    string,
    { purpose: string; legal_basis: string; retention: string; columns: Record<string, DataMapColumn> }
  >;
  not_personal: Array<{ table: string; column: string; reason: string }>;
}

/** Table name → its column names, as the database has them. */
export type Schema = Record<string, string[]>;

/** Whether the naming rule says this column holds personal data. */
export function flaggedAsPersonal(column: string): boolean {
  const words = column.toLowerCase().split('_');
  const last = words[words.length - 1];
  return (
    words.some((word) => (IDENTITY_WORDS as readonly string[]).includes(word)) ||
    (CONTENT_WORDS as readonly string[]).includes(last)
  );
}

/** Every disagreement between the map and the schema (and inside the map), as sentences; empty when they agree. */
export function dataMapProblems(map: DataMap, schema: Schema): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const [table, entry] of Object.entries(map.tables ?? {})) {
    if (!schema[table]) problems.push(`the map lists table ${table}, which does not exist`);
    if (!map.legal_bases?.[entry.legal_basis])
      problems.push(`${table}: legal_basis "${entry.legal_basis}" is not one of legal_bases`);
    if (!map.retention?.[entry.retention])
      problems.push(`${table}: retention "${entry.retention}" is not one of the retention classes`);
    if (!entry.purpose) problems.push(`${table}: no purpose`);
    for (const [column, spec] of Object.entries(entry.columns ?? {})) {
      const where = `${table}.${column}`;
      listed.add(where);
      if (schema[table] && !schema[table].includes(column))
        problems.push(`the map lists ${where}, which does not exist`);
      if (!map.classes?.[spec.class]) problems.push(`${where}: class "${spec.class}" is not one of classes`);
      if (!(ERASURE_TREATMENTS as readonly string[]).includes(spec.erasure))
        problems.push(`${where}: erasure "${spec.erasure}" is not one of ${ERASURE_TREATMENTS.join(', ')}`);
      if (spec.erasure === 'keep' && !spec.note)
        problems.push(`${where}: erasure keep needs a note saying why`);
    }
  }
  for (const entry of map.not_personal ?? []) {
    const where = `${entry.table}.${entry.column}`;
    if (!schema[entry.table]?.includes(entry.column))
      problems.push(`not_personal lists ${where}, which does not exist`);
    if (listed.has(where)) problems.push(`${where} is listed both as personal and as not_personal`);
    if (!entry.reason) problems.push(`not_personal ${where}: no reason`);
    listed.add(where);
  }
  for (const [table, columns] of Object.entries(schema))
    for (const column of columns)
      if (flaggedAsPersonal(column) && !listed.has(`${table}.${column}`))
        problems.push(
          `${table}.${column} may hold personal data (naming rule) and is not in docs/compliance/data-map.yaml: list it under tables or not_personal`,
        );
  return problems;
}

/** The columns whose erasure treatment is not `keep`: what the eraser has to handle. */
export function erasableColumns(
  map: DataMap,
): Array<{ table: string; column: string; erasure: ErasureTreatment }> {
  return Object.entries(map.tables).flatMap(([table, entry]) =>
    Object.entries(entry.columns)
      .filter(([, spec]) => spec.erasure !== 'keep')
      .map(([column, spec]) => ({ table, column, erasure: spec.erasure })),
  );
}
