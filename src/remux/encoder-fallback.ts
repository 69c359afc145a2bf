import type { FfmpegOutcome } from '../supervisor/outcome.js';
import type { VideoEncoderChoice, VideoEncoderName } from './transcode-options.js';

/** The hardware encoders `'auto'` tries, in this order, before `libx264`. */
export const AUTO_HARDWARE_ENCODERS: readonly VideoEncoderName[] = Object.freeze(['h264_nvenc', 'h264_vaapi', 'h264_qsv']);

/** Why an encoder was left for the next one. */
export type EncoderLeftReason =
  /** It was started and exited with an error before writing a frame (no device, no driver). */
  | 'init_failed'
  /** `'auto'` skipped it: it failed to start earlier in this process, with this binary. */
  | 'failed_before'
  /** The binary's encoder list does not have it. */
  | 'not_in_build';

/** An encoder the transcode did not end with, and why. */
export interface LeftEncoder {
  readonly encoder: VideoEncoderName;
  readonly reason: EncoderLeftReason;
  /** The stderr line that says why (for `init_failed`), or a sentence. */
  readonly detail: string;
  /** Time spent on it (the failed run's duration; 0 when it was not started). */
  readonly durationMs: number;
  /** The failed run's exit code (for `init_failed`). */
  readonly exitCode?: number | null;
}

/** Which encoder a transcode attempt ran, what was asked for, and what was left on the way. */
export interface EncoderReport {
  readonly requested: VideoEncoderChoice;
  readonly encoder: VideoEncoderName;
  readonly left: readonly LeftEncoder[];
}

/** The encoders to try in order (the last is always `libx264`), and those left before trying. */
export interface EncoderPlan {
  readonly requested: VideoEncoderChoice;
  readonly candidates: readonly VideoEncoderName[];
  readonly left: readonly LeftEncoder[];
}

/**
 * Pure: what to try for `requested`, given the binary's encoder list (`undefined` when not
 * known: every encoder asked for is tried) and the hardware encoders that already failed with
 * this binary (only `'auto'` skips those; an explicit choice is tried every time, since a host
 * that names an encoder may have fixed its device meanwhile).
 */
export function planEncoders(
  requested: VideoEncoderChoice,
  available: ReadonlySet<string> | undefined,
  failedBefore: ReadonlySet<VideoEncoderName> = new Set(),
): EncoderPlan {
  if (requested === 'libx264') return { requested, candidates: ['libx264'], left: [] };
  const wanted = requested === 'auto' ? AUTO_HARDWARE_ENCODERS : [requested];
  const candidates: VideoEncoderName[] = [];
  const left: LeftEncoder[] = [];
  for (const encoder of wanted) {
    if (available !== undefined && !available.has(encoder)) {
      left.push({ encoder, reason: 'not_in_build', detail: `this ffmpeg build does not list ${encoder}`, durationMs: 0 });
    } else if (requested === 'auto' && failedBefore.has(encoder)) {
      left.push({ encoder, reason: 'failed_before', detail: `${encoder} failed to start earlier with this ffmpeg binary`, durationMs: 0 });
    } else {
      candidates.push(encoder);
    }
  }
  return { requested, candidates: [...candidates, 'libx264'], left };
}

/**
 * stderr lines that say a hardware encoder or its device could not be opened (ffmpeg 4–7,
 * VAAPI, NVENC, QSV). They pick the line reported as the reason; the decision itself is
 * {@link isEncoderStartFailure}.
 */
export const ENCODER_START_FAILURE_PATTERNS: readonly RegExp[] = Object.freeze([
  /No VA display found/i,
  /Failed to initiali[sz]e VAAPI/i,
  /Device creation failed/i,
  /Cannot load (?:libcuda|libnvidia-encode|nvcuda)/i,
  /No (?:NVENC )?capable devices found/i,
  /OpenEncodeSessionEx failed/i,
  /Error (?:initializing|creating) an? (?:internal )?MFX session/i,
  /Failed to (?:create|initiali[sz]e) (?:a )?(?:hardware|device)/i,
  /Failed to set value .* for option '(?:vaapi|qsv)_device'/i,
  /Error while opening encoder/i,
  /Error initializing output stream/i,
]);

/**
 * `true` when a run with a hardware encoder failed before its first frame: it exited with an
 * error (`failed`, not a stall, deadline, abort or spawn failure) and no progress block ever
 * counted a frame, a byte or a microsecond of output. A hardware encoder that failed after
 * writing frames is a failure of the attempt, never a reason to switch encoders silently.
 */
export function isEncoderStartFailure(outcome: FfmpegOutcome): boolean {
  if (outcome.reason !== 'failed') return false;
  const last = outcome.lastProgress;
  if (last === undefined) return true;
  return !((last.frame ?? 0) > 0 || (last.outTimeUs ?? 0) > 0 || (last.totalSize ?? 0) > 0);
}

/** The most telling stderr line of a failed start: the first matching pattern's line, else the last line. */
export function encoderFailureDetail(stderrTail: string): string {
  const lines = stderrTail.split(/\r\n|\r|\n/).map((line) => line.trim()).filter(Boolean);
  for (const pattern of ENCODER_START_FAILURE_PATTERNS) {
    const line = lines.find((candidate) => pattern.test(candidate));
    if (line !== undefined) return line.slice(0, 500);
  }
  return (lines.at(-1) ?? 'exited before the first frame').slice(0, 500);
}

const failedByBinary = new Map<string, Set<VideoEncoderName>>();

/** Hardware encoders that failed to start with this binary in this process (what `'auto'` skips). */
export function failedEncodersOf(ffmpegPath: string): ReadonlySet<VideoEncoderName> {
  return failedByBinary.get(ffmpegPath) ?? new Set();
}

/** Remembers, for the life of the process, that `encoder` failed to start with this binary. */
export function rememberFailedEncoder(ffmpegPath: string, encoder: VideoEncoderName): void {
  let failed = failedByBinary.get(ffmpegPath);
  if (!failed) failedByBinary.set(ffmpegPath, (failed = new Set()));
  failed.add(encoder);
}

/** Forgets every remembered failure (a host that installed a driver; tests). */
export function forgetFailedEncoders(): void {
  failedByBinary.clear();
}
