import { describeValue } from '../supervisor/describe-value.js';

/**
 * How long to wait before a restart: exponential, capped, with jitter. Plain data; the delay is
 * computed by {@link backoffDelayMs}, a pure function (systemd's `RestartSec`/`RestartSteps`/
 * `RestartMaxDelaySec`, cockatiel's `ExponentialBackoff`).
 */
export interface BackoffPolicy {
  /** The delay before the first restart (and the first after a healthy run). @default 1_000 */
  readonly initialDelayMs: number;
  /** Each consecutive restart waits this many times longer than the one before. @default 2 */
  readonly factor: number;
  /** No delay is longer than this. @default 30_000 */
  readonly maxDelayMs: number;
  /**
   * Up to this share of the delay is taken off at random (0: none, 1: anywhere between 0 and the
   * delay), so that many services restarting together do not hit a source in step. @default 0.2
   */
  readonly jitter: number;
}

/** The longest delay a Node timer can wait (2^31 - 1 ms, about 24.8 days). */
export const MAX_DELAY_MS = 2_147_483_647;

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({
  initialDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0.2,
});

/**
 * Pure: the delay before restart number `step` (0 for the first restart after a start or a
 * healthy run, 1 for the next, …): `min(maxDelayMs, initialDelayMs × factor^step)`, minus
 * `jitter × random` of it, rounded to whole ms. `random` is a number in [0, 1), as
 * `Math.random()` returns. Never more than `maxDelayMs`, never less than
 * `(1 - jitter) × min(maxDelayMs, initialDelayMs × factor^step)`.
 */
export function backoffDelayMs(policy: BackoffPolicy, step: number, random: number): number {
  if (!Number.isInteger(step) || step < 0) throw new TypeError(`backoffDelayMs(): \`step\` must be an integer ≥ 0; got ${describeValue(step)}.`);
  if (typeof random !== 'number' || !(random >= 0 && random < 1)) {
    throw new TypeError(`backoffDelayMs(): \`random\` must be a number in [0, 1); got ${describeValue(random)}.`);
  }
  const { initialDelayMs, factor, maxDelayMs, jitter } = policy;
  // factor^step overflows to Infinity for long outages; the cap still applies.
  const baseMs = Math.min(maxDelayMs, initialDelayMs * factor ** step);
  return Math.round(baseMs * (1 - jitter * random));
}

/** Fills defaults and validates a backoff policy, with a TypeError naming the option and the bad value. */
export function resolveBackoff(policy: Partial<BackoffPolicy> | undefined): BackoffPolicy {
  if (policy === undefined) return DEFAULT_BACKOFF;
  if (policy === null || typeof policy !== 'object') throw new TypeError(`The \`backoff\` option must be an object; got ${describeValue(policy)}.`);
  const resolved: BackoffPolicy = {
    initialDelayMs: numberIn(policy.initialDelayMs, 'backoff.initialDelayMs', DEFAULT_BACKOFF.initialDelayMs, 0, MAX_DELAY_MS),
    factor: numberIn(policy.factor, 'backoff.factor', DEFAULT_BACKOFF.factor, 1, Number.MAX_SAFE_INTEGER),
    maxDelayMs: numberIn(policy.maxDelayMs, 'backoff.maxDelayMs', Math.max(DEFAULT_BACKOFF.maxDelayMs, policy.initialDelayMs ?? 0), 0, MAX_DELAY_MS),
    jitter: numberIn(policy.jitter, 'backoff.jitter', DEFAULT_BACKOFF.jitter, 0, 1),
  };
  if (resolved.maxDelayMs < resolved.initialDelayMs) {
    throw new TypeError(
      `The \`backoff.maxDelayMs\` option must be ≥ \`backoff.initialDelayMs\` (${resolved.initialDelayMs}); got ${resolved.maxDelayMs}.`,
    );
  }
  return Object.freeze(resolved);
}

function numberIn(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new TypeError(`The \`${name}\` option must be a finite number ${range}; got ${describeValue(value)}.`);
  }
  return value;
}
