/**
 * BullMQ's `worker.close()` waits for running jobs to finish; a remux may take many minutes.
 * {@link abortJobsOnClose} makes `close()` abort them instead: each ffmpeg is stopped in steps
 * and reaped, temp files are removed, and the processors of this package put the job back in
 * the queue (`wait`, no attempt counted) for another worker.
 */

/** The abort reason that tells a processor the worker is closing (and the job goes back to wait). */
export const WORKER_CLOSING_REASON = 'ffmpeg-supervisor: worker closing';

/** The part of BullMQ's `Worker` this needs. */
export interface ClosingWorker {
  on(event: 'closing', listener: (message: string) => void): unknown;
  off(event: 'closing', listener: (message: string) => void): unknown;
  cancelAllJobs(reason?: string): void;
}

/**
 * When `worker.close()` starts, aborts every job it runs with {@link WORKER_CLOSING_REASON}.
 * Returns a function that removes the listener.
 */
export function abortJobsOnClose(worker: ClosingWorker): () => void {
  if (worker === null || typeof worker !== 'object' || typeof worker.cancelAllJobs !== 'function') {
    throw new TypeError(`abortJobsOnClose() needs a BullMQ Worker (5.64 or later, with cancelAllJobs()); got ${String(worker)}.`);
  }
  const onClosing = (): void => worker.cancelAllJobs(WORKER_CLOSING_REASON);
  worker.on('closing', onClosing);
  return () => {
    worker.off('closing', onClosing);
  };
}

/** Whether `signal` was aborted because the worker is closing. */
export function isWorkerClosing(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason === WORKER_CLOSING_REASON;
}
