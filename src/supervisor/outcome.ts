import {
  FfmpegAbortedError,
  FfmpegExitError,
  type FfmpegError,
  FfmpegSpawnError,
  FfmpegStalledError,
  FfmpegTimeoutError,
} from './errors.js';
import type { FfmpegProgress } from './progress-parser.js';

/** Why a run ended. The first reason latched wins; the exit code never overrides it. */
export type OutcomeReason = 'completed' | 'failed' | 'stalled' | 'timeout' | 'aborted' | 'spawn_failed';

/** A reason the supervisor latches before it stops ffmpeg itself. */
export type StopReason = 'stalled' | 'timeout' | 'aborted';

/** How one run ended: the `exit` event's payload and `error.outcome`. */
export interface FfmpegOutcome {
  readonly reason: OutcomeReason;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From spawn (or from `run()` when spawning failed) to settlement. */
  readonly durationMs: number;
  /** SIGKILL was needed because ffmpeg outlived `killGraceMs` after SIGTERM. */
  readonly forcedKill: boolean;
  /** The last `stderrTailBytes` of stderr, decoded. */
  readonly stderrTail: string;
  /** Whether stderr was longer than the tail kept. */
  readonly stderrTruncated: boolean;
  readonly lastProgress: FfmpegProgress | undefined;
  /** Whether a `progress=end` block was seen. */
  readonly progressEnded: boolean;
  readonly pid: number | undefined;
  /** The arguments ffmpeg was started with, injected ones included. */
  readonly args: readonly string[];
}

/**
 * The error `run()` rejects with for an outcome, or `undefined` when it completed. `program`
 * names the binary in messages (`ffprobe` when the supervisor ran ffprobe).
 */
export function errorForOutcome(outcome: FfmpegOutcome, cause?: unknown, program = 'ffmpeg'): FfmpegError | undefined {
  const lastLine = lastStderrLine(outcome.stderrTail);
  const detail = lastLine ? `: ${lastLine}` : '';
  switch (outcome.reason) {
    case 'completed':
      return undefined;
    case 'failed': {
      const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
      return new FfmpegExitError(`${program} ${how}${detail}`, outcome);
    }
    case 'stalled':
      return new FfmpegStalledError(
        `${program} stalled: no forward progress, stopped after ${Math.round(outcome.durationMs)} ms${outcome.forcedKill ? ' (SIGKILL needed)' : ''}`,
        outcome,
      );
    case 'timeout':
      return new FfmpegTimeoutError(`${program} timed out after ${Math.round(outcome.durationMs)} ms`, outcome);
    case 'aborted':
      return new FfmpegAbortedError(`${program} was aborted`, outcome, cause);
    case 'spawn_failed': {
      const code = (cause as NodeJS.ErrnoException | undefined)?.code;
      return new FfmpegSpawnError(`${program} could not be started${code ? ` (${code})` : ''}: ${String((cause as Error | undefined)?.message ?? cause)}`, outcome, cause);
    }
  }
}

function lastStderrLine(text: string): string | undefined {
  const lines = text.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index]?.trim();
    if (line) return line.length > 300 ? `${line.slice(0, 300)}…` : line;
  }
  return undefined;
}
