import { RemuxError } from '../remux/errors.js';
import type { RemuxErrorKind } from '../remux/types.js';
import { FfmpegError } from '../supervisor/errors.js';
import { OUTCOMES, type OutcomeReason } from '../supervisor/outcome.js';

/** The CLI's exit codes, one per kind of outcome. The `--help` text shows the same table. */
export const EXIT_CODES = Object.freeze({
  /** ffmpeg completed (and, for `remux`, the MP4 was checked and renamed into place). */
  completed: OUTCOMES.completed.exitStatus,
  /** ffmpeg failed: non-zero exit, or a remux that failed for a generic or timestamp reason. */
  failed: OUTCOMES.failed.exitStatus,
  /** Bad usage: unknown option, missing argument, bad duration. */
  usage: 2,
  /** The watchdog saw no forward progress in time and stopped ffmpeg. */
  stalled: OUTCOMES.stalled.exitStatus,
  /** The overall deadline (`--timeout`, or the remux budget) ran out. */
  timeout: OUTCOMES.timeout.exitStatus,
  /** ffmpeg or ffprobe could not be found or started. */
  spawnFailed: OUTCOMES.spawn_failed.exitStatus,
  /** `remux`: ffmpeg finished but the MP4 did not pass the check. */
  outputInvalid: 6,
  /** `remux`: nothing browser-playable can be made: a codec ffmpeg cannot decode, or no playable streams. */
  codecUnsupported: 7,
  /** `remux`: the input cannot be read, or the output path cannot be used (the input itself, a directory, a missing directory, a full disk). */
  unusablePath: 8,
  /** Interrupted by SIGINT (Ctrl-C): ffmpeg stopped, temp files removed. */
  interrupted: 130,
  /** Stopped by SIGTERM: ffmpeg stopped, temp files removed. */
  terminated: 143,
} as const);

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The rows of the `--help` table, in order. */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [ExitCode, string]> = Object.freeze([
  [EXIT_CODES.completed, 'completed'],
  [EXIT_CODES.failed, 'ffmpeg failed (remux: a generic or timestamp failure on the last rung)'],
  [EXIT_CODES.usage, 'bad usage'],
  [EXIT_CODES.stalled, OUTCOMES.stalled.summary],
  [EXIT_CODES.timeout, OUTCOMES.timeout.summary],
  [EXIT_CODES.spawnFailed, OUTCOMES.spawn_failed.summary],
  [EXIT_CODES.outputInvalid, 'remux: the output did not pass the check'],
  [EXIT_CODES.codecUnsupported, 'remux: nothing browser-playable (codec not decodable, no playable streams)'],
  [EXIT_CODES.unusablePath, 'remux: unreadable input, or an unusable output path (the input, a directory, no such directory, no space)'],
  [EXIT_CODES.interrupted, 'aborted by SIGINT (Ctrl-C)'],
  [EXIT_CODES.terminated, 'aborted by SIGTERM'],
]);

/** The exit code for an abort by `signal`: 143 for SIGTERM, else 130 (SIGINT). */
export function exitCodeForSignal(signal: NodeJS.Signals | undefined): number {
  if (signal === 'SIGTERM') return EXIT_CODES.terminated;
  return EXIT_CODES.interrupted;
}

/** `run`: the exit code for a supervisor outcome's `reason`. */
export function exitCodeForReason(reason: OutcomeReason, abortSignal?: NodeJS.Signals): number {
  return reason === 'aborted' ? exitCodeForSignal(abortSignal) : OUTCOMES[reason].exitStatus;
}

/** `remux`: the exit code for a `RemuxError`'s `kind`; the kinds named after an outcome map as that outcome. */
export function exitCodeForRemuxKind(kind: RemuxErrorKind, abortSignal?: NodeJS.Signals): number {
  switch (kind) {
    case 'codec_unsupported':
    case 'no_playable_streams':
      return EXIT_CODES.codecUnsupported;
    case 'input_unreadable':
    case 'output_is_input':
    case 'output_is_directory':
    case 'output_dir_missing':
    case 'no_space':
      return EXIT_CODES.unusablePath;
    case 'output_invalid':
      return EXIT_CODES.outputInvalid;
    case 'stalled':
    case 'timeout':
    case 'aborted':
    case 'spawn_failed':
      return exitCodeForReason(kind, abortSignal);
    default: // non_monotonic_dts, timestamps_unset, invalid_duration, generic: ffmpeg failed
      return EXIT_CODES.failed;
  }
}

/**
 * The exit code for whatever a command rejected with: a `RemuxError` by its `kind`, another
 * `FfmpegError` by its outcome's `reason`, a missing binary → 5, anything else → 1.
 */
export function exitCodeForError(error: unknown, abortSignal?: NodeJS.Signals): number {
  if (error instanceof RemuxError) return exitCodeForRemuxKind(error.kind, abortSignal);
  if (error instanceof FfmpegError) {
    if (error.code === 'ERR_FFMPEG_NOT_FOUND') return EXIT_CODES.spawnFailed;
    if (error.outcome) return exitCodeForReason(error.outcome.reason, abortSignal);
  }
  return EXIT_CODES.failed;
}

/** After SIGINT or SIGTERM the exit code is 130 or 143, whatever the run's outcome; `undefined` when no signal came. */
export function signalled(signal: NodeJS.Signals | undefined): number | undefined {
  return signal === undefined ? undefined : exitCodeForSignal(signal);
}
