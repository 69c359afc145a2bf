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
  /**
   * The process was still not reaped `reapTimeoutMs` after SIGKILL (uninterruptible sleep): the
   * run settled without its exit status, and the host-exit hook will kill it again at host exit.
   * Always set by the supervisor; optional in the type so that outcomes built by hand stay valid.
   */
  readonly unreaped?: boolean;
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
