import type { FfmpegProgress } from 'ffmpeg-supervisor';
import { WaitingError } from 'bullmq';
import { isWorkerClosing } from './abort-on-close.js';
import { toJobError } from './job-error.js';
import { type JobProgressPayload, toJobProgress } from './job-progress.js';
import type { ResolvedJobProcessorOptions } from './options.js';
import { ProgressThrottle } from './progress-throttle.js';

/** The part of a BullMQ `Job` a processor uses. */
export interface ProcessedJob {
  updateProgress(progress: JobProgressPayload): Promise<unknown>;
  moveToWait(token?: string): Promise<unknown>;
}

/** Reports one progress block (the ladder's carry their `strategy`). */
export type ReportProgress = (progress: FfmpegProgress & { readonly strategy?: string }) => void;

/**
 * Runs one attempt of a job: progress throttled to `job.updateProgress`, a failure turned into
 * the error the retry policy asks for, and an abort because the worker is closing turned into
 * "back to wait" (BullMQ's `WaitingError` after `job.moveToWait(token)`: no attempt counted).
 */
export async function runJobAttempt<R>(
  job: ProcessedJob,
  token: string | undefined,
  signal: AbortSignal | undefined,
  options: ResolvedJobProcessorOptions,
  attempt: (reportProgress: ReportProgress) => Promise<R>,
): Promise<R> {
  const throttle = new ProgressThrottle<JobProgressPayload>((payload) => job.updateProgress(payload), {
    intervalMs: options.progressIntervalMs,
    clock: options.clock,
  });
  let result: R;
  try {
    result = await attempt((progress) => throttle.push(toJobProgress(progress)));
  } catch (error) {
    await throttle.dispose();
    if (isWorkerClosing(signal) && token !== undefined) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    throw toJobError(error, options.retryPolicy, options.stderrLines);
  }
  await throttle.flush();
  return result;
}
