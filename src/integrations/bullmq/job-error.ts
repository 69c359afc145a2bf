import { UnrecoverableError } from 'bullmq';
import { failureKindOf, stderrTailOf } from './failure-kind.js';
import { formatFailureReason } from './failure-reason.js';
import { decideRetry, type RetryDecision, type RetryPolicy } from './retry-policy.js';

/** What a processor throws to BullMQ: its message is the job's `failedReason`. */
export type JobFailureError = Error & {
  /** The failure kind (`stalled`, `spawn_failed`, …). */
  readonly kind: string;
  /** What the policy decided; `'fail'` errors are `UnrecoverableError`s. */
  readonly retry: RetryDecision;
};

/**
 * Turns a remux or ffmpeg failure into the error BullMQ sees: an `UnrecoverableError` when the
 * policy says `'fail'` (failed at once, remaining attempts ignored), a plain `Error` when it says
 * `'retry'` (the job's `attempts` and `backoff` decide). The original error is its `cause`.
 */
export function toJobError(error: unknown, policy: RetryPolicy, stderrLines: number): JobFailureError {
  const kind = failureKindOf(error);
  const retry = decideRetry(kind, policy);
  const message = formatFailureReason(kind, messageOf(error), stderrTailOf(error), stderrLines);
  const jobError = retry === 'fail' ? new UnrecoverableError(message) : new Error(message);
  Object.defineProperties(jobError, {
    kind: { value: kind, enumerable: true },
    retry: { value: retry, enumerable: true },
    cause: { value: error, enumerable: false, writable: true, configurable: true },
  });
  return jobError as JobFailureError;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : `non-error thrown: ${String(error)}`;
}
