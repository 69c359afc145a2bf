import type { FfmpegOutcome } from './outcome-types.js';

/** The `code` of the errors the supervisor rejects with (other layers add their own). */
export type FfmpegErrorCode =
  | 'ERR_FFMPEG_EXIT'
  | 'ERR_FFMPEG_STALLED'
  | 'ERR_FFMPEG_TIMEOUT'
  | 'ERR_FFMPEG_ABORTED'
  | 'ERR_FFMPEG_SPAWN'
  | 'ERR_FFMPEG_NOT_FOUND';

/**
 * The base of every error the library rejects with. `Code` is the literal `code` of a
 * subclass; layers built on the supervisor (the ladder) pass their own.
 */
export class FfmpegError<Code extends string = FfmpegErrorCode | (string & {})> extends Error {
  override name = 'FfmpegError';
  readonly code: Code;
  /** How the run ended; absent only for errors raised before any run (for example a missing binary). */
  readonly outcome: FfmpegOutcome | undefined;

  constructor(message: string, code: Code, outcome?: FfmpegOutcome, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.outcome = outcome;
  }
}

/** The shape every outcome error shares: built from a message, the outcome and an optional cause. */
export type OutcomeErrorClass = new (message: string, outcome: FfmpegOutcome, cause?: unknown) => FfmpegError<FfmpegErrorCode>;

/** ffmpeg exited non-zero, or was killed by someone other than the supervisor. */
export class FfmpegExitError extends FfmpegError<'ERR_FFMPEG_EXIT'> {
  override name = 'FfmpegExitError';
  constructor(message: string, outcome: FfmpegOutcome) {
    super(message, 'ERR_FFMPEG_EXIT', outcome);
  }
}

/** The watchdog saw no forward progress in time and stopped ffmpeg. */
export class FfmpegStalledError extends FfmpegError<'ERR_FFMPEG_STALLED'> {
  override name = 'FfmpegStalledError';
  constructor(message: string, outcome: FfmpegOutcome) {
    super(message, 'ERR_FFMPEG_STALLED', outcome);
  }
}

/** `timeoutMs` ran out and the supervisor stopped ffmpeg. */
export class FfmpegTimeoutError extends FfmpegError<'ERR_FFMPEG_TIMEOUT'> {
  override name = 'FfmpegTimeoutError';
  constructor(message: string, outcome: FfmpegOutcome) {
    super(message, 'ERR_FFMPEG_TIMEOUT', outcome);
  }
}

/** The host's AbortSignal fired (or `stop()` was called); `cause` is the reason given. */
export class FfmpegAbortedError extends FfmpegError<'ERR_FFMPEG_ABORTED'> {
  override name = 'FfmpegAbortedError';
  constructor(message: string, outcome: FfmpegOutcome, cause: unknown) {
    super(message, 'ERR_FFMPEG_ABORTED', outcome, { cause });
  }
}

/** The binary could not be started; `cause` is the system error (ENOENT, EACCES, …). */
export class FfmpegSpawnError extends FfmpegError<'ERR_FFMPEG_SPAWN'> {
  override name = 'FfmpegSpawnError';
  constructor(message: string, outcome: FfmpegOutcome, cause: unknown) {
    super(message, 'ERR_FFMPEG_SPAWN', outcome, { cause });
  }
}

/** No ffmpeg or ffprobe binary could be found; the message lists what was tried. */
export class FfmpegNotFoundError extends FfmpegError<'ERR_FFMPEG_NOT_FOUND'> {
  override name = 'FfmpegNotFoundError';
  readonly tried: readonly string[];
  constructor(message: string, tried: readonly string[]) {
    super(message, 'ERR_FFMPEG_NOT_FOUND');
    this.tried = tried;
  }
}
