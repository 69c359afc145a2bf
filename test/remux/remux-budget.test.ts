import { describe, expect, test } from 'vitest';
import { attemptBudgetMs, REMUX_BUDGET } from '../../src/remux/remux-budget.js';

const MIN = 60_000;
const GIB = 2 ** 30;

describe('attemptBudgetMs: the deadline of one attempt from the work', () => {
  test.each([
    ['copy, 60 s of media, 100 MB', 'default', 100e6, 60, 5 * MIN + 1 * MIN + 30_000],
    ['copy rungs share the formula', 'fallback', 100e6, 60, 5 * MIN + 1 * MIN + 30_000],
    ['transcode, 60 s of media, 100 MB', 'transcode', 100e6, 60, 5 * MIN + 1 * MIN + 240_000],
    // The case: 2 h of 1080p HEVC in 3.5 GB transcodes at 0.63x here (about 3 h 10 min).
    ['transcode, 2 h HEVC, 3.5 GB', 'transcode', 3.5 * GIB, 7_200, 5 * MIN + 4 * MIN + 8 * 60 * MIN],
  ] as const)('%s', (_name, strategy, bytes, seconds, expected) => {
    expect(attemptBudgetMs(strategy, bytes, seconds)).toBe(expected);
  });

  test('the 2 h HEVC transcode budget outlasts its 0.63x run', () => {
    expect(attemptBudgetMs('transcode', 3.5 * GIB, 7_200)).toBeGreaterThan((7_200 / 0.63) * 1000);
  });

  test('without a trusted duration, the media is assumed to be 1 Mbit/s of input', () => {
    expect(attemptBudgetMs('default', 125_000_000, undefined)).toBe(attemptBudgetMs('default', 125_000_000, 1_000));
  });

  test('never more than 24 h; a bad byte count is a TypeError', () => {
    expect(attemptBudgetMs('transcode', 0, 10 * 24 * 3_600)).toBe(REMUX_BUDGET.maxMs);
    expect(() => attemptBudgetMs('default', Number.NaN, 1)).toThrow(TypeError);
    expect(() => attemptBudgetMs('default', -1, 1)).toThrow(TypeError);
  });
});
