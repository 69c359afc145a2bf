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

export function describeAttempt({ index, strategy }: Parameters<RemuxLadderEvents['attempt']>[0]): string {
  const summary = STRATEGY_TABLE.find((row) => row.strategy === strategy)?.summary;
  return `attempt ${index + 1}: ${strategy}${summary ? ` (${summary})` : ''}`;
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
  return `[${attempt.strategy}] failed: ${attempt.kind}${detail ? `: ${detail}` : ''}`;
}

export function describeRemuxResult(result: RemuxResult): string {
  const outTimeUs = result.attempts.at(-1)?.outcome.lastProgress?.outTimeUs;
  const media = outTimeUs === undefined ? '' : `, ${formatMediaTime(outTimeUs)} of media`;
  return `done: wrote ${result.output} (strategy ${result.strategy}${media}) in ${formatDuration(result.durationMs)}`;
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
