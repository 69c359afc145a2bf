import {
  FfmpegAbortedError,
  type FfmpegError,
  type FfmpegErrorCode,
  FfmpegExitError,
  FfmpegSpawnError,
  FfmpegStalledError,
  FfmpegTimeoutError,
  type OutcomeErrorClass,
} from './errors.js';
import type { FfmpegOutcome, OutcomeReason } from './outcome-types.js';

export type { FfmpegOutcome, OutcomeReason, StopReason } from './outcome-types.js';

/** One row of {@link OUTCOMES}: everything that is decided by an outcome's `reason` alone. */
export interface OutcomeSpec {
  /** The `code` of the error `run()` rejects with; `undefined` when it resolves. */
  readonly code: FfmpegErrorCode | undefined;
  /** The class of that error. */
  readonly errorClass: OutcomeErrorClass | undefined;
  /** A conventional exit status for a program that ends with this outcome (130: interrupted, as after SIGINT). */
  readonly exitStatus: number;
  /** A short description for tables and help texts. */
  readonly summary: string;
  /** The message of the error, after the program's name. */
  readonly describe: (outcome: FfmpegOutcome, cause: unknown) => string;
}

/**
 * The one table of outcomes: for each `reason`, its error code and class, exit status and
 * wording. The CLI's exit codes and the error messages derive from it.
 */
export const OUTCOMES = Object.freeze({
  completed: {
    code: undefined,
    errorClass: undefined,
    exitStatus: 0,
    summary: 'completed',
    describe: () => 'completed',
  },
  failed: {
    code: 'ERR_FFMPEG_EXIT',
    errorClass: FfmpegExitError,
    exitStatus: 1,
    summary: 'ffmpeg failed: non-zero exit, or killed by someone else',
    describe: (outcome) => (outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`),
  },
  stalled: {
    code: 'ERR_FFMPEG_STALLED',
    errorClass: FfmpegStalledError,
    exitStatus: 3,
    summary: 'stalled: no forward progress, ffmpeg stopped',
    describe: (outcome) =>
      `stalled: no forward progress, stopped after ${Math.round(outcome.durationMs)} ms${outcome.forcedKill ? ' (SIGKILL needed)' : ''}`,
  },
  timeout: {
    code: 'ERR_FFMPEG_TIMEOUT',
    errorClass: FfmpegTimeoutError,
    exitStatus: 4,
    summary: 'timeout: the overall deadline ran out',
    describe: (outcome) => `timed out after ${Math.round(outcome.durationMs)} ms`,
  },
  aborted: {
    code: 'ERR_FFMPEG_ABORTED',
    errorClass: FfmpegAbortedError,
    exitStatus: 130,
    summary: 'aborted by the host',
    describe: () => 'was aborted',
  },
  spawn_failed: {
    code: 'ERR_FFMPEG_SPAWN',
    errorClass: FfmpegSpawnError,
    exitStatus: 5,
    summary: 'ffmpeg/ffprobe not found or could not be started',
    describe: (_outcome, cause) => {
      const code = (cause as NodeJS.ErrnoException | undefined)?.code;
      return `could not be started${code ? ` (${code})` : ''}: ${String((cause as Error | undefined)?.message ?? cause)}`;
    },
  },
} as const satisfies { readonly [Reason in OutcomeReason]: OutcomeSpec });

/**
 * The error `run()` rejects with for an outcome, or `undefined` when it completed. `program`
 * names the binary in messages (`ffprobe` when the supervisor ran ffprobe).
 */
export function errorForOutcome(outcome: FfmpegOutcome, cause?: unknown, program = 'ffmpeg'): FfmpegError | undefined {
  const spec: OutcomeSpec = OUTCOMES[outcome.reason];
  if (!spec.errorClass) return undefined;
  // The exit error's message ends with the last stderr line (what ffmpeg said before failing).
  const lastLine = outcome.reason === 'failed' ? lastStderrLine(outcome.stderrTail) : undefined;
  const unreaped = outcome.unreaped ? ' (not reaped after SIGKILL)' : '';
  return new spec.errorClass(`${program} ${spec.describe(outcome, cause)}${unreaped}${lastLine ? `: ${lastLine}` : ''}`, outcome, cause);
}

function lastStderrLine(text: string): string | undefined {
  const lines = text.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index]?.trim();
    if (line) return line.length > 300 ? `${line.slice(0, 300)}…` : line;
  }
  return undefined;
}
