import { type Clock, FfmpegSupervisor, type FfmpegSupervisorOptions, systemClock } from '../supervisor/index.js';
import { type BackoffPolicy, resolveBackoff } from './backoff.js';
import { describeValue } from '../supervisor/describe-value.js';
import { type RestartBudget, resolveRestartBudget } from './restart-budget.js';
import { type RestartReason, resolveRestartOn } from './restart-policy.js';
import type { ServiceAttempt } from './types.js';

/** What an `args` function is called with, once per start. */
export interface ServiceArgsContext {
  /** 1 for the first start, 2 for the first restart, … */
  readonly attempt: number;
  /** The attempt before this one, once it ended. */
  readonly previous: ServiceAttempt | undefined;
}

/** ffmpeg arguments for each start (no `-progress`): a fixed list, or a function of the attempt. */
export type ServiceArgs = readonly string[] | ((context: ServiceArgsContext) => readonly string[]);

/**
 * Options of `FfmpegService`. Every supervisor option except `args` and `signal` is passed to
 * each attempt's `FfmpegSupervisor` as is (`stallTimeoutMs`, `startupGraceMs`, `killGraceMs`,
 * `clock`, `spawn`, …); they are validated once, at construction.
 */
export interface FfmpegServiceOptions extends Omit<FfmpegSupervisorOptions, 'args' | 'signal'> {
  /** ffmpeg arguments per start: a list, or a function of `{ attempt, previous }` (a new file name per start, say). */
  readonly args: ServiceArgs;
  /** The host's cancellation: like `stop()`. Already aborted → nothing is started. */
  readonly signal?: AbortSignal;
  /** Which ends are restarted. @default ['stalled', 'failed', 'slow'] */
  readonly restartOn?: readonly RestartReason[];
  /** The delay before each restart. @default { initialDelayMs: 1_000, factor: 2, maxDelayMs: 30_000, jitter: 0.2 } */
  readonly backoff?: Partial<BackoffPolicy>;
  /** An attempt that made forward progress for this long was healthy: the next delay is the first step again. @default 60_000 */
  readonly resetAfterMs?: number;
  /** At most `count` restarts within `windowMs`, then the service gives up. @default { count: 10, windowMs: 600_000 } */
  readonly maxRestarts?: Partial<RestartBudget>;
  /** ffmpeg's `speed` below this for `minSpeedWindowMs` → the attempt is stopped as `slow` (a live job falling behind). @default undefined (off) */
  readonly minSpeed?: number;
  /** @default 30_000 */
  readonly minSpeedWindowMs?: number;
  /** Source of the backoff jitter: a number in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** The clock as the service uses it: `now` always a function. */
export interface ServiceClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ResolvedServiceOptions {
  readonly args: ServiceArgs;
  readonly signal: AbortSignal | undefined;
  readonly restartOn: ReadonlySet<RestartReason>;
  readonly backoff: BackoffPolicy;
  readonly resetAfterMs: number;
  readonly maxRestarts: RestartBudget;
  readonly minSpeed: number | undefined;
  readonly minSpeedWindowMs: number;
  readonly random: () => number;
  readonly clock: ServiceClock;
  /** What each attempt's supervisor gets, besides `args` and `signal`. */
  readonly supervisor: Omit<FfmpegSupervisorOptions, 'args' | 'signal'>;
}

export const SERVICE_DEFAULTS = Object.freeze({ resetAfterMs: 60_000, minSpeedWindowMs: 30_000 });

/** Fills defaults and validates every option once, with a TypeError naming the option and the bad value. */
export function resolveServiceOptions(options: FfmpegServiceOptions): ResolvedServiceOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`FfmpegService options must be an object; got ${describeValue(options)}.`);
  const { args, signal, restartOn, backoff, resetAfterMs, maxRestarts, minSpeed, minSpeedWindowMs, random, ...supervisor } = options;
  if (typeof args !== 'function' && !Array.isArray(args)) {
    throw new TypeError(`The \`args\` option must be an array of strings or a function returning one; got ${describeValue(args)}.`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`The \`signal\` option must be an AbortSignal; got ${describeValue(signal)}.`);
  // The supervisor validates its own options (and a fixed args list) now, not at the first restart.
  new FfmpegSupervisor({ ...supervisor, args: typeof args === 'function' ? [] : args });
  if (random !== undefined && typeof random !== 'function') throw new TypeError(`The \`random\` option must be a function; got ${describeValue(random)}.`);
  if (minSpeed !== undefined && (typeof minSpeed !== 'number' || !Number.isFinite(minSpeed) || minSpeed <= 0)) {
    throw new TypeError(`The \`minSpeed\` option must be a finite number > 0 (for example 0.9); got ${describeValue(minSpeed)}.`);
  }
  return {
    args,
    signal,
    restartOn: resolveRestartOn(restartOn),
    backoff: resolveBackoff(backoff),
    resetAfterMs: durationMs(resetAfterMs, 'resetAfterMs', SERVICE_DEFAULTS.resetAfterMs),
    maxRestarts: resolveRestartBudget(maxRestarts),
    minSpeed,
    minSpeedWindowMs: durationMs(minSpeedWindowMs, 'minSpeedWindowMs', SERVICE_DEFAULTS.minSpeedWindowMs),
    random: random ?? Math.random,
    clock: adaptClock(supervisor.clock),
    supervisor,
  };
}

/** Validates the arguments an `args` function returned for one attempt. */
export function argsForAttempt(args: ServiceArgs, context: ServiceArgsContext): readonly string[] {
  const list = typeof args === 'function' ? args(context) : args;
  if (!Array.isArray(list) || !list.every((arg) => typeof arg === 'string')) {
    throw new TypeError(`The \`args\` function must return an array of strings; for attempt ${context.attempt} it returned ${describeValue(list)}.`);
  }
  return Object.freeze([...list]);
}

function durationMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`The \`${name}\` option must be a finite number ≥ 0; got ${describeValue(value)}.`);
  }
  return value;
}

/**
 * The system clock, but with timers that keep the process alive: unlike the supervisor's timers
 * (a running ffmpeg holds the host), a pending restart is all there is during a backoff, and a
 * script awaiting `run()` must not exit then. Globals are looked up at call time, so fake timers
 * installed after import are honoured.
 */
const serviceSystemClock: ServiceClock = {
  now: () => systemClock.now(),
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The host's clock (already checked by the supervisor) with `now` as a function. */
function adaptClock(clock: Clock | undefined): ServiceClock {
  if (clock === undefined) return serviceSystemClock;
  const { now } = clock;
  return {
    now: typeof now === 'function' ? () => (clock.now as () => number).call(clock) : () => clock.now as number,
    setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}
