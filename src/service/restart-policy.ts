import type { OutcomeReason } from '../supervisor/index.js';
import { describeValue } from '../supervisor/describe-value.js';

/**
 * Why an attempt ended, as the restart policy sees it: the supervisor's outcome reason, or
 * `slow` when the service stopped an attempt that stayed below `minSpeed`.
 */
export type RestartReason = 'stalled' | 'failed' | 'completed' | 'timeout' | 'spawn_failed' | 'slow';

export const RESTART_REASONS: readonly RestartReason[] = Object.freeze(['stalled', 'failed', 'completed', 'timeout', 'spawn_failed', 'slow']);

/**
 * Restart after a stall, a failure (non-zero exit, killed by someone else) and a slow attempt;
 * a live input that ended (`completed`), a deadline and a binary that cannot be started are
 * final unless selected.
 */
export const DEFAULT_RESTART_ON: readonly RestartReason[] = Object.freeze(['stalled', 'failed', 'slow']);

/**
 * Pure: what an attempt's end means for the policy. `undefined` when the service itself stopped
 * it (`stop()` or the host's signal): never restarted.
 */
export function restartReasonFor(reason: OutcomeReason, stoppedBy: 'host' | 'slow' | undefined): RestartReason | undefined {
  if (stoppedBy === 'host') return undefined;
  if (reason === 'aborted') return stoppedBy === 'slow' ? 'slow' : undefined;
  return reason;
}

/** Validates `restartOn`: a list of reasons, each once. */
export function resolveRestartOn(value: unknown): ReadonlySet<RestartReason> {
  if (value === undefined) return new Set(DEFAULT_RESTART_ON);
  if (!Array.isArray(value) || !value.every((entry) => RESTART_REASONS.includes(entry as RestartReason))) {
    throw new TypeError(
      `The \`restartOn\` option must be an array of ${RESTART_REASONS.map((reason) => JSON.stringify(reason)).join(', ')}; got ${describeValue(value)}.`,
    );
  }
  return new Set(value as RestartReason[]);
}
