import type { EncoderLeftReason, EncoderReport, LeftEncoder } from '../remux/encoder-fallback.js';
import { RemuxError } from '../remux/errors.js';
import type { RemuxAttempt, RemuxLadderEvents, RemuxResult } from '../remux/ladder-types.js';
import { STRATEGY_TABLE } from '../remux/strategy-table.js';
import type { StrategyDecision } from '../remux/types.js';
import { FfmpegError } from '../supervisor/errors.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import type { FfmpegStall } from '../supervisor/supervisor.js';
import { formatDuration, formatMediaTime } from './durations.js';

// Pure: the one-line human messages of the display (TTY and plain modes).

/** stderr lines shown under a failure. */
const STDERR_LINES_SHOWN = 5;

export function describeDecision(decision: StrategyDecision): string {
  if (decision.strategy === 'unsupported') return `probe: ${decision.reason}`;
  return `probe: ${decision.reason}${decision.probeFailed ? ' (probe failed; assuming h264 8-bit)' : ''}`;
}

/**
 * An attempt starts. A transcode names its encoder and, below, the encoders skipped before it;
 * a hardware encoder that failed to start gives way to the next one in the same attempt, and
 * that start is one line saying why.
 */
export function describeAttempt({ index, strategy, encoder }: Parameters<RemuxLadderEvents['attempt']>[0]): string {
  const last = encoder?.left.at(-1);
  if (encoder && last?.reason === 'init_failed') {
    return `[${strategy} ${last.encoder}] failed to start, trying ${encoder.encoder}: ${last.detail}`;
  }
  const summary = STRATEGY_TABLE.find((row) => row.strategy === strategy)?.summary;
  const what = encoder ? `${strategy} with ${encoder.encoder}` : strategy;
  const skipped = encoder ? describeSkipped(strategy, encoder.left) : [];
  return [`attempt ${index + 1}: ${what}${summary ? ` (${summary})` : ''}`, ...skipped].join('\n');
}

/** What the progress and failure lines of an attempt are labelled with: `transcode libx264`, `default`. */
export function attemptLabel(strategy: string, encoder: EncoderReport | undefined): string {
  return encoder ? `${strategy} ${encoder.encoder}` : strategy;
}

const SKIPPED_BECAUSE: Readonly<Record<Exclude<EncoderLeftReason, 'init_failed'>, string>> = {
  not_in_build: 'not in this ffmpeg build',
  failed_before: 'failed to start earlier with this ffmpeg',
};

/** One line per reason for the encoders left before any was started (`auto`'s, or one not in the build). */
function describeSkipped(strategy: string, left: readonly LeftEncoder[]): string[] {
  return Object.entries(SKIPPED_BECAUSE).flatMap(([reason, because]) => {
    const encoders = left.filter((entry) => entry.reason === reason).map((entry) => entry.encoder);
    return encoders.length === 0 ? [] : [`[${strategy}] skipped ${encoders.join(', ')}: ${because}`];
  });
}

export function describeSpawn({ pid }: { pid: number | undefined }): string {
  return `ffmpeg started${pid === undefined ? '' : ` (pid ${pid})`}`;
}

export function describeStall(stall: FfmpegStall & { readonly strategy?: string }): string {
  const where =
    stall.phase === 'startup' ? 'since start, before any progress' : `since ${formatMediaTime(stall.lastOutTimeUs ?? 0)}`;
  const label = stall.strategy ? `[${stall.strategy}] ` : '';
  return `${label}stalled: no forward progress for ${formatDuration(stall.stalledForMs)} (${where}); stopping ffmpeg`;
}

/** A failed attempt (`undefined` for one that produced the output: the result line says it). */
export function describeAttemptEnd(attempt: RemuxAttempt): string | undefined {
  if (attempt.kind === 'none') return undefined;
  const detail = attempt.classification?.matchedLine;
  return `[${attemptLabel(attempt.strategy, attempt.encoder)}] failed: ${attempt.kind}${detail ? `: ${detail}` : ''}`;
}

export function describeRemuxResult(result: RemuxResult): string {
  const outTimeUs = result.attempts.at(-1)?.outcome.lastProgress?.outTimeUs;
  const media = outTimeUs === undefined ? '' : `, ${formatMediaTime(outTimeUs)} of media`;
  const encoder = result.encoder ? `, ${describeEncoderUsed(result.encoder)}` : '';
  return `done: wrote ${result.output} (strategy ${result.strategy}${encoder}${media}) in ${formatDuration(result.durationMs)}`;
}

/** `encoder libx264`, `encoder libx264 in place of h264_vaapi`, `encoder h264_nvenc chosen by auto`. */
function describeEncoderUsed({ requested, encoder }: EncoderReport): string {
  if (requested === encoder) return `encoder ${encoder}`;
  return requested === 'auto' ? `encoder ${encoder} chosen by auto` : `encoder ${encoder} in place of ${requested}`;
}

export function describeRunResult(outcome: FfmpegOutcome): string {
  const last = outcome.lastProgress;
  const media = last?.outTimeUs === undefined ? '' : `, ${formatMediaTime(last.outTimeUs)}`;
  const frames = last?.frame === undefined ? '' : `, ${last.frame} frames`;
  return `done: ffmpeg completed in ${formatDuration(outcome.durationMs)}${media}${frames}`;
}

/** The failure line, then (except for an abort) the last lines ffmpeg wrote to stderr. */
export function describeFailure(error: unknown, exitCode: number): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const what = failureLabel(error);
  const lines = [`${what} (exit ${exitCode}): ${message}`];
  const tail = stderrTailOf(error);
  if (what !== 'aborted' && tail) {
    const last = tail.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '').slice(-STDERR_LINES_SHOWN);
    if (last.length > 0) lines.push('ffmpeg stderr (last lines):', ...last.map((line) => `  ${line.trimEnd()}`));
  }
  return lines;
}

export function describeSignal(signal: NodeJS.Signals): string {
  const again = signal === 'SIGINT' ? 'Ctrl-C' : 'send it';
  return `received ${signal}: stopping ffmpeg and cleaning up (${again} again to exit at once)`;
}

/** `stalled`, `non_monotonic_dts`, `spawn_failed`…: what went wrong, in the library's words. */
function failureLabel(error: unknown): string {
  if (error instanceof RemuxError) return error.kind;
  if (error instanceof FfmpegError) {
    return error.outcome?.reason ?? (error.code === 'ERR_FFMPEG_NOT_FOUND' ? 'not_found' : error.code);
  }
  return 'error';
}

function stderrTailOf(error: unknown): string | undefined {
  if (error instanceof RemuxError) return error.attempts.at(-1)?.stderrTail ?? error.outcome?.stderrTail;
  return error instanceof FfmpegError ? error.outcome?.stderrTail : undefined;
}
