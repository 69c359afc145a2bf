import type { Clock } from '../supervisor/clock.js';
import { FfmpegError } from '../supervisor/errors.js';
import type { SpawnFunction } from '../supervisor/options.js';
import { resolveFfprobePath } from '../supervisor/resolve-path.js';
import { FfmpegSupervisor } from '../supervisor/supervisor.js';
import { parseProbeJson, probeArgs } from './probe-parse.js';
import type { ProbeResult } from './types.js';
import type { OutcomeReason } from '../supervisor/outcome-types.js';
import { isInProcessSpawn } from '../supervisor/options.js';

export interface ProbeMediaOptions {
  /** @default resolveFfprobePath() */
  readonly ffprobePath?: string;
  /** A probe that hangs (a stuck share) is stopped after this long. @default 60_000 */
  readonly timeoutMs?: number;
  /** @default 5_000 */
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Replaces `child_process.spawn` (the test kit's fake); then no binary has to exist. */
  readonly spawn?: SpawnFunction;
  /** Linux: kill ffprobe with the host even on SIGKILL (see `FfmpegSupervisor`). @default false */
  readonly parentDeathSignal?: boolean;
  /** See `FfmpegSupervisor`. @default true */
  readonly processGroup?: boolean;
  /** See `FfmpegSupervisor`. @default 10_000 */
  readonly reapTimeoutMs?: number;
}

/** Largest ffprobe answer read; a JSON description of a recording is a few KiB. */
const MAX_PROBE_OUTPUT_BYTES = 4 * 1024 * 1024;

/**
 * Runs ffprobe on one file, supervised like ffmpeg (its own deadline, abortable, stopped in
 * steps, reaped). Resolves `{ ok: false, error }` when ffprobe fails, times out or prints no
 * usable streams; rejects only when the host aborts (`FfmpegAbortedError`) or ffprobe cannot be
 * started (`FfmpegSpawnError`), since those are not facts about the file.
 */
export async function probeMedia(path: string, options: ProbeMediaOptions = {}): Promise<ProbeResult> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`probeMedia: path must be a non-empty string; got ${JSON.stringify(path)}.`);
  }
  return probeResultOf(await runFfprobe(probeArgs(path), options));
}

/** Pure: the probe of what {@link runFfprobe} resolved for `probeArgs()`. */
export function probeResultOf(answer: string | FfprobeFailure): ProbeResult {
  return typeof answer === 'string' ? parseProbeJson(answer) : { ok: false, audio: [], audioTrackCount: 0, error: answer.error };
}

/** What {@link runFfprobe} resolves when ffprobe did not answer: why (`failed`, `timeout`) and a sentence. */
export interface FfprobeFailure {
  readonly error: string;
  readonly reason: OutcomeReason;
}

/**
 * Runs ffprobe with `args`, supervised, and resolves its stdout, or an {@link FfprobeFailure}
 * when it failed or timed out. Rejects only on an abort or a spawn failure.
 */
export async function runFfprobe(args: string[], options: ProbeMediaOptions): Promise<string | FfprobeFailure> {
  const supervisor = new FfmpegSupervisor({
    ffmpegPath: isInProcessSpawn(options.spawn) && !options.ffprobePath ? 'ffprobe' : resolveFfprobePath(options.ffprobePath),
    args,
    watchProgress: false,
    stdout: 'pipe',
    timeoutMs: options.timeoutMs ?? 60_000,
    killGraceMs: options.killGraceMs,
    signal: options.signal,
    clock: options.clock,
    spawn: options.spawn,
    parentDeathSignal: options.parentDeathSignal,
    processGroup: options.processGroup,
    reapTimeoutMs: options.reapTimeoutMs,
    resolveBinary: false,
    stderrTailBytes: 8 * 1024,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  supervisor.on('spawn', () => {
    supervisor.stdout?.on('data', (chunk: Buffer) => {
      if (size >= MAX_PROBE_OUTPUT_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    });
  });
  try {
    await supervisor.run();
  } catch (error) {
    const reason = (error as FfmpegError).outcome?.reason;
    if (reason === 'aborted' || reason === 'spawn_failed' || !(error instanceof FfmpegError)) throw error;
    return { error: `ffprobe ${reason}: ${error.message}`, reason: reason ?? 'failed' };
  }
  return Buffer.concat(chunks).toString('utf8');
}
