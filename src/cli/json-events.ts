import type { EncoderReport } from '../remux/encoder-fallback.js';
import { RemuxError } from '../remux/errors.js';
import type { RemuxAttempt, RemuxLadderEvents, RemuxResult } from '../remux/ladder-types.js';
import type { StrategyDecision } from '../remux/types.js';
import { FfmpegError } from '../supervisor/errors.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import type { FfmpegProgress } from '../supervisor/progress-parser.js';
import type { FfmpegStall } from '../supervisor/supervisor.js';

/**
 * The `--json` events: one object per line on stdout, `event` first. Kept small: the args of
 * an attempt, numbers and reasons; ffmpeg's stderr only in the final `error` event.
 * `exitCode` at the top level of `result` and `error` is the CLI's; ffmpeg's is in `outcome`.
 */
export type CliEvent = { readonly event: string } & Readonly<Record<string, unknown>>;

type AttemptStart = Parameters<RemuxLadderEvents['attempt']>[0];

export const decisionEvent = (decision: StrategyDecision): CliEvent => ({ event: 'decision', ...decision });

export const attemptEvent = ({ index, strategy, args, encoder }: AttemptStart): CliEvent => ({
  event: 'attempt',
  index,
  strategy,
  args,
  encoder: encoderSummary(encoder),
});

export const spawnEvent = ({ pid, args }: { pid: number | undefined; args: readonly string[] }): CliEvent => ({
  event: 'spawn',
  pid,
  args,
});

export function progressEvent(progress: FfmpegProgress & { readonly strategy?: string }): CliEvent {
  const { outTimeUs, speed, frame, fps, totalSize, bitrateKbps, done } = progress;
  return { event: 'progress', strategy: progress.strategy, outTimeUs, percent: round2(progress.percent), speed, frame, fps, totalSize, bitrateKbps, done };
}

export function stallEvent(stall: FfmpegStall & { readonly strategy?: string }): CliEvent {
  const { phase, lastOutTimeUs, stallTimeoutMs, pid } = stall;
  return { event: 'stall', strategy: stall.strategy, phase, stalledForMs: roundMs(stall.stalledForMs), lastOutTimeUs, stallTimeoutMs, pid };
}

export function attemptEndEvent(attempt: RemuxAttempt): CliEvent {
  return {
    event: 'attemptEnd',
    strategy: attempt.strategy,
    kind: attempt.kind,
    durationMs: roundMs(attempt.durationMs),
    outcome: outcomeSummary(attempt.outcome),
    matchedLine: attempt.classification?.matchedLine,
    encoder: encoderSummary(attempt.encoder),
  };
}

export function remuxResultEvent(result: RemuxResult, exitCode: number): CliEvent {
  return {
    event: 'result',
    exitCode,
    output: result.output,
    strategy: result.strategy,
    attempts: result.attempts.length,
    durationMs: roundMs(result.durationMs),
    outTimeUs: result.attempts.at(-1)?.outcome.lastProgress?.outTimeUs,
    encoder: encoderSummary(result.encoder),
  };
}

export function runResultEvent(outcome: FfmpegOutcome, exitCode: number): CliEvent {
  const last = outcome.lastProgress;
  return { event: 'result', exitCode, outcome: outcomeSummary(outcome), outTimeUs: last?.outTimeUs, frame: last?.frame };
}

/** The final event of a failed command, with the stderr tail of the run (or last attempt). */
export function errorEvent(error: unknown, exitCode: number): CliEvent {
  if (!(error instanceof Error)) return { event: 'error', exitCode, message: String(error) };
  const outcome = error instanceof FfmpegError ? error.outcome : undefined;
  return {
    event: 'error',
    exitCode,
    name: error.name,
    code: (error as { code?: unknown }).code,
    kind: error instanceof RemuxError ? error.kind : undefined,
    message: error.message,
    outcome: outcome ? outcomeSummary(outcome) : undefined,
    attempts:
      error instanceof RemuxError
        ? error.attempts.map((attempt) => ({
            strategy: attempt.strategy,
            kind: attempt.kind,
            reason: attempt.outcome.reason,
            encoder: attempt.encoder?.encoder,
          }))
        : undefined,
    stderrTail: error instanceof RemuxError ? (error.attempts.at(-1)?.stderrTail ?? outcome?.stderrTail) : outcome?.stderrTail,
  };
}

export const signalEvent = (signal: NodeJS.Signals): CliEvent => ({ event: 'signal', signal });

/**
 * A transcode's encoder: what was asked for, what ran, and each encoder left on the way with why
 * (`init_failed`, `failed_before`, `not_in_build`) and ffmpeg's line. Absent for a copy.
 */
function encoderSummary(report: EncoderReport | undefined) {
  if (report === undefined) return undefined;
  const left = report.left.map(({ encoder, reason, detail, durationMs, exitCode }) => ({ encoder, reason, detail, durationMs: roundMs(durationMs), exitCode }));
  return { requested: report.requested, encoder: report.encoder, left };
}

function outcomeSummary(outcome: FfmpegOutcome) {
  const { reason, exitCode, signal, forcedKill, durationMs } = outcome;
  return { reason, exitCode, signal, forcedKill, durationMs: roundMs(durationMs) };
}

/** Percentages to two decimals (`99.84`, not `99.83999999999999`). */
function round2(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 100) / 100;
}

/** Durations in whole milliseconds. */
function roundMs(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value);
}
