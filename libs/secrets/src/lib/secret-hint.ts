/** What the API and the console show of a stored secret: its last four characters, or nothing when it is short. */
export function secretHint(value: string): string {
  return value.length <= 8 ? '****' : `****${value.slice(-4)}`;
}
