import { describe, expect, test } from 'vitest';
import { formatDuration, formatMediaTime, parseDuration } from '../../src/cli/durations.js';

describe('parseDuration', () => {
  test.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s', 3_723_000],
    ['0s', 0],
    ['0', 0],
    ['90', 90_000],
    ['0.25', 250],
    ['0.0004s', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', ' ', '-5s', '5 s', '5S', '5sec', 'abc', '1.s', '.5s', 's', '1m30', '1d', 'Infinity', 'NaN', '1e3'])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  test.each([
    [0, '0ms'],
    [340.4, '340ms'],
    [999.6, '1.0s'],
    [3_240, '3.2s'],
    [9_949, '9.9s'],
    [9_950, '10s'],
    [42_000, '42s'],
    [59_600, '1m00s'],
    [125_000, '2m05s'],
    [3_725_000, '1h02m05s'],
    [-1, '--'],
    [Number.NaN, '--'],
    [Number.POSITIVE_INFINITY, '--'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatMediaTime', () => {
  test.each([
    [0, '00:00:00.00'],
    [4_204_999, '00:00:04.20'],
    [3_723_450_000, '01:02:03.45'],
    [-23_220, '-00:00:00.02'],
    [Number.NaN, '--:--:--.--'],
  ])('%d µs → %s', (us, text) => {
    expect(formatMediaTime(us)).toBe(text);
  });
});
