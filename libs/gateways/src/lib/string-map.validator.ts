import { registerDecorator, type ValidationOptions } from 'class-validator';

export interface StringMapLimits {
  maxEntries: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/**
 * A JSON object of string values within limits (connection values, payment metadata). It lives
 * in the lowest library whose request bodies need it; payments imports it from here.
 */
export function IsStringMap(limits: StringMapLimits, options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isStringMap',
      target: object.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an object of at most ${limits.maxEntries} string values (keys up to ${limits.maxKeyLength} characters, values up to ${limits.maxValueLength})`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          !!value &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.keys(value).length <= limits.maxEntries &&
          Object.entries(value).every(
            ([k, v]) =>
              k.length > 0 &&
              k.length <= limits.maxKeyLength &&
              typeof v === 'string' &&
              v.length <= limits.maxValueLength,
          ),
      },
    });
}
