/**
 * The numbers of a `-progress` block, read strictly: a value that is not exactly a number (`N/A`,
 * `inf`, `0x1f`, `1_000`, `12abc`, an empty string) is `undefined`, never `NaN`. Pure, and written
 * as character loops because they run for every block of every supervised ffmpeg.
 */

const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const LOWER_E = 0x65;
/** Up to this many digits an integer is accumulated exactly in a double (10^15 < 2^53). */
const EXACT_DIGITS = 15;

/** `-?\d+` as a safe integer, else `undefined`. */
export function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const length = value.length;
  const negative = length > 0 && value.charCodeAt(0) === MINUS;
  let index = negative ? 1 : 0;
  if (index === length) return undefined;
  let accumulated = 0;
  for (; index < length; index++) {
    const digit = value.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return undefined;
    accumulated = accumulated * 10 + digit;
  }
  if (length - (negative ? 1 : 0) > EXACT_DIGITS) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return negative ? -accumulated : accumulated;
}

/** `-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?` as a finite number, else `undefined`. */
export function parseDecimal(value: string | undefined): number | undefined {
  return value === undefined ? undefined : decimalIn(value, 0, value.length);
}

/** A decimal followed by a unit (`52.8x`, `1845.1kbits/s`); without the unit it is read as is. */
export function parseDecimalWithUnit(value: string | undefined, unit: string): number | undefined {
  if (value === undefined || !value.endsWith(unit)) return parseDecimal(value);
  const end = value.length - unit.length;
  // Padding between the number and the unit (or before the number) is trimmed.
  if (end > 0 && (mayBeWhitespace(value.charCodeAt(0)) || mayBeWhitespace(value.charCodeAt(end - 1)))) {
    return parseDecimal(value.slice(0, end).trim());
  }
  return decimalIn(value, 0, end);
}

/** `Math.pow(10, n)` for the exact powers of ten a double holds (n ≤ 22). */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/**
 * The decimal in `value.slice(start, end)`, or `undefined`. Plain decimals of up to 15 digits are
 * computed as (digits as an integer) ÷ 10^(fraction digits): both operands are exact doubles and
 * the division is correctly rounded, so the result is the same double `Number()` gives. Longer
 * ones and exponents go through `Number()`.
 */
function decimalIn(value: string, start: number, end: number): number | undefined {
  let index = start;
  const negative = index < end && value.charCodeAt(index) === MINUS;
  if (negative) index++;
  let mantissa = 0;
  let digits = 0;
  while (index < end) {
    const digit = value.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    mantissa = mantissa * 10 + digit;
    digits++;
    index++;
  }
  let fractionDigits = 0;
  if (index < end && value.charCodeAt(index) === DOT) {
    index++;
    while (index < end) {
      const digit = value.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) break;
      mantissa = mantissa * 10 + digit;
      fractionDigits++;
      index++;
    }
  }
  if (digits + fractionDigits === 0) return undefined;
  if (index === end && digits + fractionDigits <= EXACT_DIGITS) {
    const magnitude = mantissa / (EXACT_POWERS_OF_TEN[fractionDigits] as number);
    return negative ? -magnitude : magnitude;
  }
  if (index < end) {
    if ((value.charCodeAt(index) | 0x20) !== LOWER_E) return undefined;
    index++;
    if (index < end && (value.charCodeAt(index) === PLUS || value.charCodeAt(index) === MINUS)) index++;
    const exponentStart = index;
    while (index < end && isDigit(value.charCodeAt(index))) index++;
    if (index === exponentStart || index !== end) return undefined;
  }
  const parsed = Number(start === 0 && end === value.length ? value : value.slice(start, end));
  return Number.isFinite(parsed) ? parsed : undefined;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const CLOCK_TIME = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** `00:00:29.034667` or `-00:00:00.023220` → microseconds. */
export function parseClockTimeUs(value: string | undefined): number | undefined {
  const match = value === undefined ? null : CLOCK_TIME.exec(value);
  if (!match) return undefined;
  const [, minus, hours, minutes, seconds, fraction = ''] = match;
  const us = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1_000_000 + Number(fraction.padEnd(6, '0'));
  if (!Number.isSafeInteger(us)) return undefined;
  return minus ? -us : us;
}

/** `text.trim()`, called only when an end can be whitespace (ffmpeg pads a few values; most need nothing). */
export function trimmed(text: string): string {
  const length = text.length;
  if (length === 0) return text;
  return mayBeWhitespace(text.charCodeAt(0)) || mayBeWhitespace(text.charCodeAt(length - 1)) ? text.trim() : text;
}

/** Every character `trim()` removes is at most U+0020 or at least U+00A0. */
function mayBeWhitespace(code: number): boolean {
  return code <= 0x20 || code >= 0xa0;
}
