import type { FfmpegOutcome, FfmpegProgress, FfmpegStall, OutcomeReason } from '../supervisor/index.js';
import type { RestartBudget } from './restart-budget.js';
import type { RestartReason } from './restart-policy.js';

/** One start of ffmpeg by the service, once it ended. */
export interface ServiceAttempt {
  /** 1 for the first start, 2 for the first restart, … */
  readonly attempt: number;
  readonly args: readonly string[];
  /** Clock time of the start (the service's clock, ms). */
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** The supervisor's outcome of this run. */
  readonly outcome: FfmpegOutcome;
  /** What the policy made of it: a restart reason, or `stopped` (`stop()` or the host's signal). */
  readonly endReason: RestartReason | 'stopped';
  /** It made forward progress (it was up). */
  readonly wasUp: boolean;
  /** It made forward progress for `resetAfterMs`, so the backoff went back to its first step. */
  readonly wasHealthy: boolean;
}

interface ServiceOutcomeBase {
  /** How many times ffmpeg was started. */
  readonly attempts: number;
  /** How many of those starts were restarts (`attempts - 1`, or 0). */
  readonly restarts: number;
  /** The last attempts, oldest first (at most the last {@link SERVICE_ATTEMPT_HISTORY}). */
  readonly recentAttempts: readonly ServiceAttempt[];
  readonly lastAttempt: ServiceAttempt | undefined;
  /** From `run()` to the end, on the service's clock. */
  readonly durationMs: number;
}

/** `stop()` was called or the host's signal aborted; the last ffmpeg was stopped so its output is finished. */
export interface ServiceStopped extends ServiceOutcomeBase {
  readonly reason: 'stopped';
  /** The reason given to `stop(reason)` or the host signal's `reason`. */
  readonly cause: unknown;
}

/** The restart budget ran out: `count` restarts within `windowMs` were used up. */
export interface ServiceGaveUp extends ServiceOutcomeBase {
  readonly reason: 'gave_up';
  readonly budget: RestartBudget;
  /** Why the last attempt ended: the restart that was refused. */
  readonly lastReason: RestartReason;
}

/** The last attempt ended in a way `restartOn` does not restart (for example `completed`). */
export interface ServiceFinished extends ServiceOutcomeBase {
  readonly reason: 'finished';
  readonly lastReason: RestartReason;
}

/** How a service ended: `run()` resolves with it, and `end` carries it. */
export type ServiceOutcome = ServiceStopped | ServiceGaveUp | ServiceFinished;

/** Attempts kept for the final outcome; older ones are dropped, so a service can run for months. */
export const SERVICE_ATTEMPT_HISTORY = 32;

/** Where the service is. */
export type ServiceState = 'idle' | 'running' | 'backoff' | 'stopping' | 'ended';

/** The `down` event's reason: the attempt's outcome, or `stalled`/`slow` as soon as the service knows. */
export type DownReason = OutcomeReason | 'slow';

export interface FfmpegServiceEvents {
  /** An attempt starts (before the spawn). */
  start: (info: { readonly attempt: number; readonly args: readonly string[] }) => void;
  /** ffmpeg of that attempt was spawned. */
  spawn: (info: { readonly attempt: number; readonly pid: number | undefined; readonly args: readonly string[] }) => void;
  /** The supervisor's progress block, with the attempt. */
  progress: (progress: FfmpegProgress & { readonly attempt: number }) => void;
  /** Each stderr line of the attempt's ffmpeg. */
  stderr: (line: string, attempt: number) => void;
  /** The supervisor's stall, with the attempt. */
  stall: (stall: FfmpegStall & { readonly attempt: number }) => void;
  /** The attempt stayed below `minSpeed` for `minSpeedWindowMs`; it is being stopped. */
  slow: (info: { readonly attempt: number; readonly speed: number | undefined; readonly belowForMs: number; readonly minSpeed: number }) => void;
  /** The attempt's ffmpeg ended: the supervisor's outcome, with the attempt. */
  exit: (outcome: FfmpegOutcome & { readonly attempt: number }) => void;
  /** The attempt made its first forward progress (a gauge goes to 1). */
  up: (info: { readonly attempt: number }) => void;
  /** The attempt that was up stopped producing: stalled, slow, or ended (the gauge goes to 0). */
  down: (info: { readonly attempt: number; readonly reason: DownReason }) => void;
  /** A restart is scheduled: `attempt` will start after `delayMs`. */
  restart: (info: {
    readonly attempt: number;
    readonly reason: RestartReason;
    readonly delayMs: number;
    /** Restarts within the budget's window, this one included. */
    readonly restartsInWindow: number;
  }) => void;
  /** The restart budget ran out; `end` follows. */
  giveUp: (outcome: ServiceGaveUp) => void;
  /** Once, always, when the service ended. */
  end: (outcome: ServiceOutcome) => void;
}
