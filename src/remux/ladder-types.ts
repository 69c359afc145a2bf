import type { FfmpegCapabilities } from '../supervisor/capabilities.js';
import type { Clock } from '../supervisor/clock.js';
import type { FfmpegError } from '../supervisor/errors.js';
import type { SpawnFunction } from '../supervisor/options.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import type { FfmpegProgress } from '../supervisor/progress-parser.js';
import type { FfmpegStall } from '../supervisor/supervisor.js';
import type { RemuxClassification } from './classify-remux-error.js';
import type { AudioTrackPolicy } from './select-streams.js';
import type { EncoderReport } from './encoder-fallback.js';
import type { TranscodeOptions } from './transcode-options.js';
import type { ProbeResult, RemuxErrorKind, RemuxStrategy, RunnableStrategyDecision, StrategyDecision } from './types.js';

export interface RemuxLadderOptions {
  /** @default resolveFfmpegPath() */
  readonly ffmpegPath?: string;
  /** @default resolveFfprobePath() */
  readonly ffprobePath?: string;
  /** Per attempt. @default 90_000 */
  readonly stallTimeoutMs?: number;
  /** Per attempt. @default 30_000 */
  readonly startupGraceMs?: number;
  /** @default 5_000 */
  readonly killGraceMs?: number;
  /** Each ffprobe run's own limit (within the overall deadline). @default 60_000 */
  readonly probeTimeoutMs?: number;
  readonly clock?: Clock;
  /** Write `<output>.meta.json` on success and `<output>.err.log` on failure, atomically. @default false */
  readonly sidecars?: boolean;
  /** ffmpeg `-loglevel` for attempts; the classifier needs warnings. @default 'level+warning' */
  readonly logLevel?: string;
  /** Passed to every supervisor and probe (the test kit's in-process fake); then no binary has to exist. */
  readonly spawn?: SpawnFunction;
  /** Passed to every supervisor: kill ffmpeg with the host even on SIGKILL (Linux). @default false */
  readonly parentDeathSignal?: boolean;
  /** Passed to every supervisor: signal ffmpeg's process group, not only its pid. @default true where the platform has groups */
  readonly processGroup?: boolean;
  /**
   * Look the binaries up (option, environment, installer package, `PATH`). `false` uses
   * `ffmpegPath`/`ffprobePath` as given (default `ffmpeg`/`ffprobe`). @default true, false with the kit's in-process spawn
   */
  readonly resolveBinary?: boolean;
  /** Passed to every supervisor: settle this long after SIGKILL even if the process is not reaped. @default 10_000 */
  readonly reapTimeoutMs?: number;
  /**
   * Receives an exception thrown by a ladder listener (which never fails the remux). Without it
   * the exception is rethrown asynchronously, as Node does for a listener outside a call stack.
   */
  readonly onListenerError?: (error: unknown, event: keyof RemuxLadderEvents) => void;
  /**
   * What the ffmpeg binary can do; skips probing it (`-version`, `-h long`).
   * @default probeCapabilities(ffmpegPath), or `MODERN_FFMPEG_CAPABILITIES` when `spawn` is given
   */
  readonly capabilities?: FfmpegCapabilities;
  /** Environment of every ffmpeg attempt (not of ffprobe). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Which audio tracks each remux keeps (a request may override it). @default 'main' */
  readonly audioTracks?: AudioTrackPolicy;
  /** Encoder, preset, CRF, threads and priority of the transcode rung (see `TranscodeOptions`). */
  readonly transcode?: TranscodeOptions;
}

export interface RemuxRequest {
  /** One recording, or its parts in order (joined with the concat demuxer). */
  readonly inputs: readonly string[];
  /** The MP4 to create; written only by renaming a checked, complete file onto it. */
  readonly output: string;
  readonly signal?: AbortSignal;
  /**
   * One overall deadline for probes and attempts. By default each attempt gets its own budget
   * from the work (see `attemptBudgetMs`).
   */
  readonly timeoutMs?: number;
  /**
   * The request's identity, carried by every event, the result and a `RemuxError`: share one
   * ladder between concurrent jobs and tell them apart by it. @default a random UUID
   */
  readonly id?: string;
  /** Overrides the ladder's `audioTracks` for this request. */
  readonly audioTracks?: AudioTrackPolicy;
  /** This request's transcode settings, over the ladder's `transcode` option. */
  readonly transcode?: TranscodeOptions;
}

/** One strategy run, as reported in results, errors and the `attemptEnd` event. */
export interface RemuxAttempt {
  /** The request's `id`. */
  readonly id: string;
  readonly strategy: RemuxStrategy;
  readonly args: readonly string[];
  readonly outcome: FfmpegOutcome;
  /** `'none'` when the attempt produced the output. */
  readonly kind: RemuxErrorKind | 'none';
  readonly classification: RemuxClassification | undefined;
  readonly durationMs: number;
  readonly stderrTail: string;
  /** The supervisor's error when the run did not complete (its `cause` holds an abort's reason). */
  readonly error: FfmpegError | undefined;
  /** Transcode attempts: the encoder that ran, and the ones left before it and why. */
  readonly encoder?: EncoderReport;
}

export interface RemuxResult {
  /** The request's `id`. */
  readonly id: string;
  readonly output: string;
  readonly strategy: RemuxStrategy;
  readonly decision: RunnableStrategyDecision;
  readonly attempts: readonly RemuxAttempt[];
  /** The probe of each input part, in order. */
  readonly probes: readonly ProbeResult[];
  readonly durationMs: number;
  /** Media duration of the inputs from the chosen streams, and whether it was believed. */
  readonly media: { readonly durationSec: number | undefined; readonly trusted: boolean; readonly videoStartSec: number | undefined };
  /** When the video was transcoded: the encoder that ran, and the ones left before it and why. */
  readonly encoder?: EncoderReport;
}

/** The `progress` payload: the supervisor's, plus the request and the attempt's pace. */
export type RemuxProgress = FfmpegProgress & {
  readonly id: string;
  readonly strategy: RemuxStrategy;
  /** Estimated time left in this attempt, from `speed` and the media duration; absent when unknown. */
  readonly etaMs: number | undefined;
};

export interface RemuxLadderEvents {
  /** The probe decided (streams used and dropped are in `streams`). */
  decision: (decision: StrategyDecision & { readonly id: string }) => void;
  /** A strategy starts. */
  /** A strategy starts (for a transcode, once per encoder tried: `encoder` says which, and what was left). */
  attempt: (attempt: { readonly id: string; readonly strategy: RemuxStrategy; readonly args: readonly string[]; readonly index: number; readonly encoder?: EncoderReport }) => void;
  /** A strategy ended (with its outcome and classification). */
  attemptEnd: (attempt: RemuxAttempt) => void;
  /** Percent never exceeds 100 and never goes back within an attempt; absent when the media duration is not trusted. */
  progress: (progress: RemuxProgress) => void;
  stall: (stall: FfmpegStall & { readonly id: string; readonly strategy: RemuxStrategy }) => void;
}
