/** A short, readable rendering of a bad option value for a `TypeError` message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return 'an object';
  }
}
