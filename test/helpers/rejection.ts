import type { FfmpegError } from '../../src/supervisor/errors.js';

/** Awaits a promise that must reject, and returns its error (fails the test if it resolves). */
export async function rejectionOf<E = FfmpegError>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
