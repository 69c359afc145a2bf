import { describeValue } from './describe-value.js';

/**
 * A number of milliseconds (or microseconds) at least `min`; `undefined` → the default. With
 * `allowInfinity`, `Infinity` is accepted and means "none" (timers chain past 2³¹ ms).
 */
export function validateDuration(
  value: unknown,
  name: string,
  fallback: number,
  { min, allowInfinity = false }: { readonly min: number; readonly allowInfinity?: boolean },
): number {
  if (value === undefined) return fallback;
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const none = allowInfinity ? ' (or Infinity for none)' : '';
    throw new TypeError(`The \`${name}\` option must be a finite number ≥ ${min}; got ${describeValue(value)}${none}.`);
  }
  return value;
}

/** A whole number of bytes ≥ 0; `undefined` → the default. */
export function validateByteCount(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`The \`${name}\` option must be a whole number of bytes ≥ 0; got ${describeValue(value)}.`);
  }
  return value;
}

export function validateChoice<T extends string | number>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new TypeError(
      `The \`${name}\` option must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}; got ${describeValue(value)}.`,
    );
  }
  return value as T;
}

export function validateBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`The \`${name}\` option must be a boolean; got ${describeValue(value)}.`);
  return value;
}

export function validateOptionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`The \`${name}\` option must be a non-empty string; got ${describeValue(value)}.`);
  }
  return value;
}

export function validateOptionalFunction<T>(value: unknown, name: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`The \`${name}\` option must be a function; got ${describeValue(value)}.`);
  return value as T;
}

export function validateSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`The \`signal\` option must be an AbortSignal; got ${describeValue(value)}.`);
  }
  return value;
}
