import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseClockTimeUs, parseDecimal, parseDecimalWithUnit, parseInteger, trimmed } from '../../src/supervisor/progress-numbers.js';

/** The definitions the character loops must match exactly: a strict pattern, then `Number()`. */
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const byPattern = {
  integer: (value: string) => (INTEGER.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined),
  decimal: (value: string) => (DECIMAL.test(value) && Number.isFinite(Number(value)) ? Number(value) : undefined),
};

/** Number-like text: digits, signs, dots, exponents, padding, and the odd letter. */
const numberLike = fc.oneof(
  fc.stringMatching(/^-?\d{0,22}(\.\d{0,22})?([eE][+-]?\d{1,4})?$/),
  fc.double().map(String),
  fc.integer().map(String),
  fc.bigInt().map(String),
  fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', 'E', ' ', 'x', 'N', '/'), maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);

describe('the character loops equal the strict patterns with Number()', () => {
  test('parseInteger', () => {
    fc.assert(fc.property(numberLike, (value) => {
          expect(parseInteger(value)).toBe(byPattern.integer(value));
        }), { numRuns: 5_000 });
  });

  test('parseDecimal (the same double, -0 included)', () => {
    fc.assert(fc.property(numberLike, (value) => {
          expect(parseDecimal(value)).toBe(byPattern.decimal(value));
        }), { numRuns: 5_000 });
  });

  test('parseDecimalWithUnit: the number before the unit, padding trimmed', () => {
    fc.assert(
      fc.property(numberLike, fc.constantFrom('', ' ', '   '), fc.constantFrom('x', 'kbits/s'), (number, pad, unit) => {
        expect(parseDecimalWithUnit(`${pad}${number}${pad}${unit}`, unit)).toBe(byPattern.decimal(`${pad}${number}${pad}`.trim()));
      }),
      { numRuns: 3_000 },
    );
  });
});

test.each([
  ['29034667', 29_034_667],
  ['-23220', -23_220],
  ['007', 7],
  ['9007199254740991', 9_007_199_254_740_991],
  ['9007199254740993', undefined],
  ['N/A', undefined],
  ['', undefined],
  ['-', undefined],
  ['1e3', undefined],
])('parseInteger(%j) = %s', (value, expected) => {
  expect(parseInteger(value)).toBe(expected);
});

test.each([
  ['52.8', 52.8],
  ['0.00', 0],
  ['-0.5', -0.5],
  ['.5', 0.5],
  ['5.', 5],
  ['1845.1', 1845.1],
  ['0.1', 0.1],
  ['123456789012345.6', 123_456_789_012_345.6],
  ['1e3', 1000],
  ['1e309', undefined],
  ['inf', undefined],
  ['0x1f', undefined],
  ['1_000', undefined],
  ['.', undefined],
  [' 1', undefined],
])('parseDecimal(%j) = %s', (value, expected) => {
  expect(parseDecimal(value)).toBe(expected);
});

test.each([
  ['52.8x', 'x', 52.8],
  ['   0x', 'x', 0],
  ['3.1 kbits/s', 'kbits/s', 3.1],
  ['N/Akbits/s', 'kbits/s', undefined],
  ['kbits/s', 'kbits/s', undefined],
  ['7', 'x', 7],
])('parseDecimalWithUnit(%j, %j) = %s', (value, unit, expected) => {
  expect(parseDecimalWithUnit(value, unit)).toBe(expected);
});

test.each([
  ['00:00:29.034667', 29_034_667],
  ['-00:00:00.023220', -23_220],
  ['01:02:03.5', 3_723_500_000],
  ['00:00:00.', undefined],
])('parseClockTimeUs(%j) = %s', (value, expected) => {
  expect(parseClockTimeUs(value)).toBe(expected);
});

test('trimmed() equals trim() on any string', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (text) => {
        expect(trimmed(text)).toBe(text.trim());
      }), { numRuns: 1_000 });
  expect(trimmed('\u00a0a\u3000')).toBe('a');
});
