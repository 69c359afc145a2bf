import { describe, expect, test } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF, resolveBackoff } from '../../src/service/backoff.js';

const policy = { initialDelayMs: 500, factor: 3, maxDelayMs: 10_000, jitter: 0.5 };

describe('backoffDelayMs', () => {
  test.each([
    // step, random, expected: min(10 000, 500·3^step)·(1 - 0.5·random), rounded
    [0, 0, 500],
    [1, 0, 1_500],
    [2, 0, 4_500],
    [3, 0, 10_000], // 13 500 capped
    [50, 0, 10_000],
    [2_000, 0, 10_000], // 3^2000 is Infinity: still the cap
    [0, 0.5, 375],
    [2, 0.999_999, 2_250],
    [3, 0.25, 8_750],
  ])('step %i with random %f → %i ms', (step, random, expected) => {
    expect(backoffDelayMs(policy, step, random)).toBe(expected);
  });

  test('without jitter the random source changes nothing; the defaults are 1 s, ×2, at most 30 s', () => {
    const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6].map((step) => backoffDelayMs(noJitter, step, 0.7))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  test('never above maxDelayMs, never below (1 - jitter) of the step, for any random', () => {
    for (let step = 0; step < 12; step++) {
      for (const random of [0, 0.1, 0.33, 0.5, 0.9, 0.999_999]) {
        const delay = backoffDelayMs(policy, step, random);
        const base = Math.min(10_000, 500 * 3 ** step);
        expect(delay).toBeLessThanOrEqual(base);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.5));
      }
    }
  });

  test.each([
    [-1, 0, /`step` must be an integer ≥ 0; got -1/],
    [1.5, 0, /`step` must be an integer ≥ 0; got 1.5/],
    [0, 1, /`random` must be a number in \[0, 1\); got 1/],
    [0, Number.NaN, /`random` must be a number in \[0, 1\); got NaN/],
  ])('step %s, random %s is a TypeError', (step, random, message) => {
    expect(() => backoffDelayMs(policy, step, random)).toThrow(message);
  });
});

describe('resolveBackoff', () => {
  test('fills the defaults; a larger initial delay lifts the default cap to it', () => {
    expect(resolveBackoff(undefined)).toEqual({ initialDelayMs: 1_000, factor: 2, maxDelayMs: 30_000, jitter: 0.2 });
    expect(resolveBackoff({ jitter: 0 })).toEqual({ initialDelayMs: 1_000, factor: 2, maxDelayMs: 30_000, jitter: 0 });
    expect(resolveBackoff({ initialDelayMs: 60_000 })).toMatchObject({ initialDelayMs: 60_000, maxDelayMs: 60_000 });
  });

  test('refuses a delay a Node timer cannot wait', () => {
    expect(() => resolveBackoff({ maxDelayMs: 2 ** 31 })).toThrow(/`backoff.maxDelayMs` option must be a finite number from 0 to 2147483647/);
  });
});
