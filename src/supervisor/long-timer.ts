import type { TimerClock } from './clock.js';

/** The longest delay `setTimeout` honours (2³¹ − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A handle of {@link withLongTimers}: the clock's own handle of the current link of the chain. */
interface LongTimerHandle {
  current: unknown;
}

/**
 * Adapts a clock so that any delay works: a delay above {@link MAX_TIMER_DELAY_MS} is a chain
 * of timers (each re-reads the clock and waits for what is left), and `Infinity` sets no timer
 * at all (it never fires). Delays up to the maximum go straight to the clock, so fake-clock
 * bounds stay exact.
 */
export function withLongTimers(clock: TimerClock): TimerClock {
  return {
    now: () => clock.now(),
    setTimeout: (callback, delayMs) => {
      const handle: LongTimerHandle = { current: undefined };
      if (delayMs === Number.POSITIVE_INFINITY) return handle;
      const dueAt = clock.now() + delayMs;
      const arm = (remainingMs: number): void => {
        if (remainingMs <= MAX_TIMER_DELAY_MS) {
          handle.current = clock.setTimeout(callback, remainingMs);
          return;
        }
        handle.current = clock.setTimeout(() => arm(Math.max(0, dueAt - clock.now())), MAX_TIMER_DELAY_MS);
      };
      arm(delayMs);
      return handle;
    },
    clearTimeout: (handle) => {
      const timer = handle as LongTimerHandle | undefined;
      if (timer?.current !== undefined) clock.clearTimeout(timer.current);
      if (timer) timer.current = undefined;
    },
  };
}
