/**
 * Driving fake time in a host's tests. One clock goes everywhere: as the `clock` option of
 * `createFakeSpawn`, `FfmpegSupervisor` and `RemuxLadder`, and as the first argument of
 * `advance` and `runUntilSettled`. A `@sinonjs/fake-timers` clock (`createClock()` or
 * `install()`) is one as it is; `fromViFakeTimers(vi)` makes one of vitest's fake timers.
 * The kit depends on no fake-timer library.
 */
import type { Clock } from '../supervisor/clock.js';

// Real timers, captured at import (before a test installs fake ones): the helpers let real
// I/O and `process.nextTick` chains run between fake ticks.
const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;

/** The part of a fake clock the helpers drive. */
export interface SteppableClock {
  /** Fake milliseconds now. */
  readonly now: number;
  /** Moves time forward by `ms`, firing timers in order and letting promises settle in between. */
  tickAsync(ms: number): Promise<unknown>;
  /** Moves time to the next timer and fires it. */
  nextAsync(): Promise<unknown>;
  /** How many timers (and faked `nextTick` jobs) are pending. */
  countTimers(): number;
  /** Runs faked `nextTick` / `queueMicrotask` jobs (`FakeTimers.install()` fakes them by default). */
  runMicrotasks?(): void;
}

/**
 * A fake clock the whole kit takes: a `Clock` (the `clock` option everywhere) that the
 * helpers can also step. `@sinonjs/fake-timers`' clocks are one; so is {@link fromViFakeTimers}'s.
 */
export interface FakeClock extends SteppableClock {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The slice of vitest's `vi` that {@link fromViFakeTimers} uses (so the kit never imports vitest). */
export interface ViFakeTimers {
  /** Whether `vi.useFakeTimers()` is in effect. */
  isFakeTimers?(): boolean;
  advanceTimersByTimeAsync(ms: number): Promise<unknown>;
  advanceTimersToNextTimerAsync(): Promise<unknown>;
  getTimerCount(): number;
}

/** Options of {@link runUntilSettled}. */
export interface RunUntilSettledOptions {
  /** Give up (reject) once this much fake time passed without the promise settling. @default 86_400_000 (a day) */
  readonly maxMs?: number;
}

/**
 * One real turn of the event loop: pending `nextTick`s, promise jobs and ready I/O callbacks
 * run. Pass the clock when it fakes `nextTick` (an installed `@sinonjs/fake-timers` clock does
 * by default; Node's streams use it), so its jobs run too.
 */
export async function flushIo(clock?: Pick<SteppableClock, 'runMicrotasks'>): Promise<void> {
  clock?.runMicrotasks?.();
  await new Promise((resolve) => realSetImmediate(resolve));
  clock?.runMicrotasks?.();
}

/** Moves fake time forward by `ms` (timers fire in order), then gives real I/O one turn. */
export async function advance(clock: SteppableClock, ms: number): Promise<void> {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`advance(): \`ms\` must be a finite number ≥ 0; got ${String(ms)}.`);
  }
  await clock.tickAsync(ms);
  await flushIo(clock);
}

/**
 * Settles `promise` under fake time: gives real I/O a turn, then jumps to the next timer and
 * fires it, again and again, until the promise settles; resolves or rejects as it does. Time
 * moves only from timer to timer, so what the test reads (`clock.now`, `durationMs`) is exact.
 * While no timer is pending it waits in real time (a file being written, a subprocess).
 * Jumps happen whenever a timer is pending, so real I/O must not race a fake deadline: with the
 * in-process fake (`createFakeSpawn`) everything a run waits for is on the clock.
 */
export async function runUntilSettled<T>(clock: SteppableClock, promise: Promise<T>, options: RunUntilSettledOptions = {}): Promise<T> {
  const { maxMs = 86_400_000 } = options;
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => {}); // observed below; not an unhandled rejection while the loop runs
  const startedAt = clock.now;
  while (!settled) {
    await flushIo(clock);
    if (settled) break;
    if (clock.countTimers() === 0) {
      await new Promise((resolve) => realSetTimeout(resolve, 1));
      continue;
    }
    if (clock.now - startedAt >= maxMs) {
      throw new Error(`runUntilSettled(): the promise is still pending after ${maxMs} ms of fake time.`);
    }
    await clock.nextAsync();
  }
  return watched;
}

/**
 * Vitest's fake timers as a {@link FakeClock}: pass it as the `clock` option (of
 * `createFakeSpawn`, `FfmpegSupervisor`, `RemuxLadder`) and to the helpers. Call it after
 * `vi.useFakeTimers()`; its timers are the faked globals, looked up at call time. Leaving
 * `clock` out works too (the default system clock reads the faked globals, and vitest 4 fakes
 * `performance.now()`), but one clock passed everywhere is the way that cannot go wrong.
 *
 * @example
 * vi.useFakeTimers();
 * const clock = fromViFakeTimers(vi);
 * const spawn = createFakeSpawn(scenarios.silentHang(), { clock });
 * const run = new FfmpegSupervisor({ args, spawn, clock }).run();
 * const error = await runUntilSettled(clock, run).catch((e) => e); // error.code === 'ERR_FFMPEG_STALLED'
 */
export function fromViFakeTimers(vi: ViFakeTimers): FakeClock {
  if (typeof vi?.isFakeTimers === 'function' && !vi.isFakeTimers()) {
    throw new TypeError('fromViFakeTimers(vi): call vi.useFakeTimers() first.');
  }
  const clock: FakeClock & Clock = {
    get now() {
      return Date.now();
    },
    setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    tickAsync: (ms) => vi.advanceTimersByTimeAsync(ms),
    nextAsync: () => vi.advanceTimersToNextTimerAsync(),
    countTimers: () => vi.getTimerCount(),
  };
  return clock;
}
