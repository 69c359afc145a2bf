import { describeValue } from './describe-value.js';

/**
 * The time source every timer of the library goes through. `@sinonjs/fake-timers`'
 * `createClock()` satisfies it as is, so a host can drive the watchdog without installing
 * fake timers globally.
 */
export interface Clock {
  /**
   * Milliseconds from an arbitrary origin; must never go backwards. A function, or a number
   * property that the clock keeps current (as `@sinonjs/fake-timers`' clocks do).
   */
  readonly now: number | (() => number);
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The clock as the library's timers use it: `now` always a function. */
export interface TimerClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The system clock. Globals are looked up at call time, not at import time, so timers
 * faked globally after import (`vi.useFakeTimers()`, `FakeTimers.install()`) are honoured.
 */
export const systemClock: TimerClock = {
  now: () => globalThis.performance.now(),
  setTimeout: (callback, delayMs) => {
    const handle = globalThis.setTimeout(callback, delayMs);
    // A supervisor's timers alone must not keep a host alive; the child process does that.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Checks a host-supplied clock eagerly, so a wrong object fails at construction and not
 * mid-run, and adapts it to a `TimerClock`.
 */
export function validateClock(clock: unknown, optionName = 'clock'): TimerClock {
  const candidate = clock as Partial<Clock> | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    (typeof candidate.now !== 'function' && typeof candidate.now !== 'number') ||
    typeof candidate.setTimeout !== 'function' ||
    typeof candidate.clearTimeout !== 'function'
  ) {
    throw new TypeError(
      `The \`${optionName}\` option must have \`now\` (a function or a number) and setTimeout() and clearTimeout() functions; got ${describeValue(clock)}.`,
    );
  }
  const host = candidate as Clock;
  return {
    now: typeof host.now === 'function' ? () => (host.now as () => number)() : () => host.now as number,
    setTimeout: (callback, delayMs) => host.setTimeout(callback, delayMs),
    clearTimeout: (handle) => host.clearTimeout(handle),
  };
}
