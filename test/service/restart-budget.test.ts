import { describe, expect, test } from 'vitest';
import { isRestartAllowed, resolveRestartBudget, restartsInWindow } from '../../src/service/restart-budget.js';

describe('restart budget', () => {
  const budget = { count: 3, windowMs: 10_000 };

  test.each([
    { times: [], now: 0, allowed: true, inWindow: [] },
    { times: [1_000, 2_000], now: 3_000, allowed: true, inWindow: [1_000, 2_000] },
    { times: [1_000, 2_000, 3_000], now: 4_000, allowed: false, inWindow: [1_000, 2_000, 3_000] },
    // 10 s after the first restart it has left the window (the window is [now - windowMs + 1, now]).
    { times: [1_000, 2_000, 3_000], now: 11_000, allowed: true, inWindow: [2_000, 3_000] },
    { times: [1_000, 2_000, 3_000], now: 10_999, allowed: false, inWindow: [1_000, 2_000, 3_000] },
  ])('restarts at $times, now $now → allowed: $allowed', ({ times, now, allowed, inWindow }) => {
    expect(isRestartAllowed(times, now, budget)).toBe(allowed);
    expect(restartsInWindow(times, now, budget)).toEqual(inWindow);
  });

  test('count 0 never restarts; Infinity never gives up', () => {
    expect(isRestartAllowed([], 0, { count: 0, windowMs: 1_000 })).toBe(false);
    expect(isRestartAllowed(Array.from({ length: 10_000 }, (_, index) => index), 10_000, { count: Number.POSITIVE_INFINITY, windowMs: 1e9 })).toBe(true);
  });

  test('defaults: 10 restarts within 10 minutes', () => {
    expect(resolveRestartBudget(undefined)).toEqual({ count: 10, windowMs: 600_000 });
    expect(resolveRestartBudget({ count: 5 })).toEqual({ count: 5, windowMs: 600_000 });
    expect(() => resolveRestartBudget({ count: -1 })).toThrow(TypeError);
    expect(() => resolveRestartBudget(5 as never)).toThrow(/`maxRestarts` option must be an object/);
  });
});
