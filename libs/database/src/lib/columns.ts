import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns bigint as a string; money columns are integers in minor units, read back as numbers. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** Options for a money column: bigint minor units, never a float. */
export const moneyColumn = (name: string) => ({
  type: 'bigint' as const,
  name,
  default: 0,
  transformer: bigintAsNumber,
});
