import type { RestartBudget } from '../service/restart-budget.js';
import type { RestartReason } from '../service/restart-policy.js';
import type { ServiceOutcome } from '../service/types.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import { formatDuration } from './durations.js';

// Pure: the human lines and JSON events of `run --restart`.

/** A short, human form of a budget: `5 in 10m00s`, `unlimited`. */
export function describeBudget(budget: RestartBudget): string {
  return Number.isFinite(budget.count) ? `${budget.count} in ${formatDuration(budget.windowMs)}` : 'unlimited';
}

export function describeServiceStart(attempt: number): string {
  return attempt === 1 ? 'attempt 1: starting ffmpeg' : `attempt ${attempt}: restarting ffmpeg`;
}

/** `[attempt 2] failed (exit 1): http://…: Connection refused`, for an attempt that failed; `undefined` otherwise (stalls and stops have their own lines). */
export function describeAttemptFailure(outcome: FfmpegOutcome & { readonly attempt: number }): string | undefined {
  if (outcome.reason !== 'failed' && outcome.reason !== 'spawn_failed') return undefined;
  const how = outcome.signal ? `killed by ${outcome.signal}` : outcome.exitCode === null ? 'not started' : `exit ${outcome.exitCode}`;
  const lastLine = outcome.stderrTail.split(/\r\n|\r|\n/).map((line) => line.trim()).filter(Boolean).at(-1);
  return `[attempt ${outcome.attempt}] ${outcome.reason} (${how})${lastLine ? `: ${lastLine}` : ''}`;
}

export function describeRestart(info: { attempt: number; reason: RestartReason; delayMs: number; restartsInWindow: number }, budget: RestartBudget): string {
  const used = Number.isFinite(budget.count) ? `, restart ${info.restartsInWindow} of ${describeBudget(budget)}` : '';
  return `${info.reason}: next attempt ${info.attempt} in ${formatDuration(info.delayMs)}${used}`;
}

export function describeServiceEnd(outcome: ServiceOutcome): string {
  const attempts = `${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'} in ${formatDuration(outcome.durationMs)}`;
  switch (outcome.reason) {
    case 'stopped':
      return `stopped: ffmpeg finished its output (${attempts})`;
    case 'gave_up':
      return `gave up: restart budget (${describeBudget(outcome.budget)}) used up, last attempt ${outcome.lastReason} (${attempts})`;
    case 'finished':
      return `finished: last attempt ${outcome.lastReason}, not restarted (${attempts})`;
  }
}

/** The `end` JSON event: the outcome without stderr tails or args, one summary per recent attempt. */
export function serviceEndEvent(outcome: ServiceOutcome, exitCode: number): { event: string } & Record<string, unknown> {
  return {
    event: 'end',
    exitCode,
    reason: outcome.reason,
    lastReason: outcome.reason === 'stopped' ? undefined : outcome.lastReason,
    attempts: outcome.attempts,
    restarts: outcome.restarts,
    durationMs: Math.round(outcome.durationMs),
    recentAttempts: outcome.recentAttempts.map((attempt) => ({
      attempt: attempt.attempt,
      endReason: attempt.endReason,
      reason: attempt.outcome.reason,
      exitCode: attempt.outcome.exitCode,
      durationMs: Math.round(attempt.durationMs),
      wasUp: attempt.wasUp,
    })),
    stderrTail: outcome.lastAttempt?.outcome.stderrTail,
  };
}
