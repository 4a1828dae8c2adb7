/** The amount as the customer reads it: `amount_decimal` is Payrail's own conversion of the minor units. */
export function formatAmount(decimal: string, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(Number(decimal));
  } catch {
    return `${decimal} ${currency}`;
  }
}
