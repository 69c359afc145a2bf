import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, test } from 'vitest';
import { validateClock } from '../../src/supervisor/clock.js';
import { MAX_TIMER_DELAY_MS, withLongTimers } from '../../src/supervisor/long-timer.js';

const DAY_MS = 86_400_000;

function setUp() {
  const fake = FakeTimers.createClock(0);
  return { fake, clock: withLongTimers(validateClock(fake)) };
}

describe('withLongTimers', () => {
  test.each([
    ['just below the limit', MAX_TIMER_DELAY_MS - 1],
    ['at the limit', MAX_TIMER_DELAY_MS],
    ['just above the limit', MAX_TIMER_DELAY_MS + 1],
    ['30 days', 30 * DAY_MS],
    ['a year', 365 * DAY_MS],
  ])('%s: fires at exactly the delay, never before', (_name, delayMs) => {
    const { fake, clock } = setUp();
    const firedAt: number[] = [];
    clock.setTimeout(() => firedAt.push(fake.now), delayMs);
    fake.tick(delayMs - 1);
    expect(firedAt).toEqual([]);
    fake.tick(1);
    expect(firedAt).toEqual([delayMs]);
    fake.tick(365 * DAY_MS);
    expect(firedAt).toEqual([delayMs]);
  });

  test('the underlying clock never sees a delay above the limit; one timer pending at a time', () => {
    const fake = FakeTimers.createClock(0);
    const delays: number[] = [];
    const counting = { now: () => fake.now, setTimeout: (callback: () => void, delayMs: number) => (delays.push(delayMs), fake.setTimeout(callback, delayMs)), clearTimeout: (handle: unknown) => fake.clearTimeout(handle as never) };
    const clock = withLongTimers(counting);
    clock.setTimeout(() => {}, 3 * MAX_TIMER_DELAY_MS + 10);
    expect(fake.countTimers()).toBe(1);
    fake.tick(3 * MAX_TIMER_DELAY_MS + 10);
    expect(delays).toEqual([MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS, 10]);
  });

  test('clearTimeout cancels a chained timer in any link', () => {
    const { fake, clock } = setUp();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 2 * MAX_TIMER_DELAY_MS);
    fake.tick(MAX_TIMER_DELAY_MS + 5); // now in the second link
    clock.clearTimeout(handle);
    expect(fake.countTimers()).toBe(0);
    fake.tick(2 * MAX_TIMER_DELAY_MS);
    expect(fired).toBe(false);
  });

  test('Infinity sets no timer and never fires; clearing it is harmless', () => {
    const { fake, clock } = setUp();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), Number.POSITIVE_INFINITY);
    expect(fake.countTimers()).toBe(0);
    fake.tick(1_000 * DAY_MS);
    clock.clearTimeout(handle);
    expect(fired).toBe(false);
  });
});
