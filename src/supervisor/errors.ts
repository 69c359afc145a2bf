import type { FfmpegOutcome } from './outcome.js';

export type FfmpegErrorCode =
  | 'ERR_FFMPEG_EXIT'
  | 'ERR_FFMPEG_STALLED'
  | 'ERR_FFMPEG_TIMEOUT'
  | 'ERR_FFMPEG_ABORTED'
  | 'ERR_FFMPEG_SPAWN'
  | 'ERR_FFMPEG_NOT_FOUND'
  | 'ERR_REMUX_FAILED';

/** The base of every error the library rejects with. */
export class FfmpegError extends Error {
  override name = 'FfmpegError';
  readonly code: FfmpegErrorCode;
  /** How the run ended; absent only for errors raised before any run (for example a missing binary). */
  readonly outcome: FfmpegOutcome | undefined;

  constructor(message: string, code: FfmpegErrorCode, outcome?: FfmpegOutcome, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.outcome = outcome;
  }
}

/** ffmpeg exited non-zero, or was killed by someone other than the supervisor. */
export class FfmpegExitError extends FfmpegError {
  override name = 'FfmpegExitError';
  constructor(message: string, outcome: FfmpegOutcome) {
    super(message, 'ERR_FFMPEG_EXIT', outcome);
  }
}

/** The watchdog saw no forward progress in time and stopped ffmpeg. */
export class FfmpegStalledError extends FfmpegError {
  override name = 'FfmpegStalledError';
  constructor(message: string, outcome: FfmpegOutcome) {
    super(message, 'ERR_FFMPEG_STALLED', outcome);
  }
}

/** `timeoutMs` ran out and the supervisor stopped ffmpeg. */
export class FfmpegTimeoutError extends FfmpegError {
  override name = 'FfmpegTimeoutError';
  constructor(message: string, outcome: FfmpegOutcome) {
    super(message, 'ERR_FFMPEG_TIMEOUT', outcome);
  }
}

/** The host's AbortSignal fired; `cause` is the signal's reason. */
export class FfmpegAbortedError extends FfmpegError {
  override name = 'FfmpegAbortedError';
  constructor(message: string, outcome: FfmpegOutcome, cause: unknown) {
    super(message, 'ERR_FFMPEG_ABORTED', outcome, { cause });
  }
}

/** The binary could not be started; `cause` is the system error (ENOENT, EACCES, …). */
export class FfmpegSpawnError extends FfmpegError {
  override name = 'FfmpegSpawnError';
  constructor(message: string, outcome: FfmpegOutcome, cause: unknown) {
    super(message, 'ERR_FFMPEG_SPAWN', outcome, { cause });
  }
}

/** No ffmpeg or ffprobe binary could be found; the message lists what was tried. */
export class FfmpegNotFoundError extends FfmpegError {
  override name = 'FfmpegNotFoundError';
  readonly tried: readonly string[];
  constructor(message: string, tried: readonly string[]) {
    super(message, 'ERR_FFMPEG_NOT_FOUND');
    this.tried = tried;
  }
}
