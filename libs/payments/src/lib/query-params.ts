import { Transform } from 'class-transformer';

/**
 * A whole number in a query string, written in plain decimal digits: `0x10`, `1e1`, ` 10`
 * and `10.0` stay strings (which `Number()` would have read as numbers), so the integer
 * check that follows refuses them with its own message.
 */
export function QueryInteger(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
  );
}
