import { describe, expect, test } from 'vitest';
import {
  REMUX_DEADLINE_BASE_MS,
  REMUX_DEADLINE_MAX_MS,
  REMUX_DEADLINE_PER_GIB_MS,
  remuxDeadlineMs,
} from '../../src/remux/remux-deadline.js';

const MIN = 60_000;
const GIB = 2 ** 30;

describe('remuxDeadlineMs', () => {
  test.each([
    ['0 bytes', 0, 20 * MIN],
    ['1 byte (a started GiB counts)', 1, 21 * MIN],
    ['half a GiB', GIB / 2, 21 * MIN],
    ['1 GiB', GIB, 21 * MIN],
    ['1 GiB + 1 byte', GIB + 1, 22 * MIN],
    ['1e9 bytes (GB, not GiB) is under 1 GiB', 1e9, 21 * MIN],
    ['10 GiB', 10 * GIB, 30 * MIN],
    ['100 GiB: exactly the cap', 100 * GIB, 120 * MIN],
    ['100 GiB + 1 byte: capped', 100 * GIB + 1, 120 * MIN],
    ['huge', Number.MAX_SAFE_INTEGER, 120 * MIN],
    ['fractional bytes', 0.5, 21 * MIN],
  ])('%s → %i ms', (_name, bytes, expected) => {
    expect(remuxDeadlineMs(bytes)).toBe(expected);
  });

  test('the constants say 20 min + 1 min per GiB, at most 2 h', () => {
    expect([REMUX_DEADLINE_BASE_MS, REMUX_DEADLINE_PER_GIB_MS, REMUX_DEADLINE_MAX_MS]).toEqual([20 * MIN, MIN, 120 * MIN]);
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '5' as unknown as number])(
    '%s → TypeError naming the bad value',
    (bytes) => {
      expect(() => remuxDeadlineMs(bytes)).toThrow(TypeError);
      expect(() => remuxDeadlineMs(bytes)).toThrow(/totalInputBytes must be a finite number/);
    },
  );
});
