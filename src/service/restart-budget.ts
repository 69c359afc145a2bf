import { describeValue } from '../supervisor/describe-value.js';

/**
 * At most `count` restarts within any `windowMs` (systemd's `StartLimitBurst` within
 * `StartLimitIntervalSec`). Plain data; the checks are pure functions over restart times.
 */
export interface RestartBudget {
  /** Restarts allowed within the window; `Infinity` never gives up, 0 never restarts. @default 10 */
  readonly count: number;
  /** The sliding window. @default 600_000 (10 minutes) */
  readonly windowMs: number;
}

export const DEFAULT_RESTART_BUDGET: RestartBudget = Object.freeze({ count: 10, windowMs: 600_000 });

/** Pure: the restart times (clock ms) still inside the window that ends at `nowMs`, oldest first. */
export function restartsInWindow(restartTimesMs: readonly number[], nowMs: number, budget: RestartBudget): number[] {
  return restartTimesMs.filter((atMs) => nowMs - atMs < budget.windowMs);
}

/** Pure: whether one more restart at `nowMs` stays within the budget. */
export function isRestartAllowed(restartTimesMs: readonly number[], nowMs: number, budget: RestartBudget): boolean {
  return restartsInWindow(restartTimesMs, nowMs, budget).length < budget.count;
}

/** Fills defaults and validates a budget, with a TypeError naming the option and the bad value. */
export function resolveRestartBudget(budget: Partial<RestartBudget> | undefined): RestartBudget {
  if (budget === undefined) return DEFAULT_RESTART_BUDGET;
  if (budget === null || typeof budget !== 'object') {
    throw new TypeError(`The \`maxRestarts\` option must be an object like { count: 5, windowMs: 600_000 }; got ${describeValue(budget)}.`);
  }
  const count = budget.count ?? DEFAULT_RESTART_BUDGET.count;
  if (typeof count !== 'number' || !(count >= 0) || (!Number.isInteger(count) && count !== Number.POSITIVE_INFINITY)) {
    throw new TypeError(`The \`maxRestarts.count\` option must be an integer ≥ 0 or Infinity; got ${describeValue(budget.count)}.`);
  }
  const windowMs = budget.windowMs ?? DEFAULT_RESTART_BUDGET.windowMs;
  if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs <= 0) {
    throw new TypeError(`The \`maxRestarts.windowMs\` option must be a finite number > 0; got ${describeValue(budget.windowMs)}.`);
  }
  return Object.freeze({ count, windowMs });
}
