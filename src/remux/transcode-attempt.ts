import type { FfmpegCapabilities } from '../supervisor/capabilities.js';
import {
  type EncoderReport,
  encoderFailureDetail,
  failedEncodersOf,
  isEncoderStartFailure,
  type LeftEncoder,
  planEncoders,
  rememberFailedEncoder,
} from './encoder-fallback.js';
import type { RemuxAttempt } from './ladder-types.js';
import type { ResolvedTranscodeOptions } from './transcode-options.js';
import { type TranscodeVideoArgs, transcodeVideoArgs } from './video-encoder.js';

/** What a transcode attempt needs besides the ladder's own run function. */
export interface TranscodeAttemptContext {
  readonly settings: ResolvedTranscodeOptions;
  readonly ffmpegPath: string;
  /** The binary's capabilities: its encoder list says which hardware encoders exist. */
  readonly capabilities: FfmpegCapabilities;
  /** Software video filters before the encoder (e.g. a deinterlacer). */
  readonly filters?: readonly string[];
}

/** Runs ffmpeg once with these video arguments; `encoder` goes into the `attempt` event and the attempt. */
export type RunTranscodeOnce = (video: TranscodeVideoArgs, encoder: EncoderReport) => Promise<RemuxAttempt>;

/**
 * One transcode attempt: the planned encoders in order, moving to the next (and finally to
 * `libx264`) only when a hardware encoder failed before its first frame. Such a failed start is
 * not an attempt of its own: the returned attempt is the last run, and its `encoder.left` says
 * which encoders were left and why. A failure after frames, a stall, a deadline or an abort
 * ends the attempt as it is.
 */
export async function runTranscodeAttempt(context: TranscodeAttemptContext, runOnce: RunTranscodeOnce): Promise<RemuxAttempt> {
  const { settings, ffmpegPath } = context;
  const requested = settings.encoder;
  const plan = planEncoders(requested, new Set(context.capabilities.encoders), failedEncodersOf(ffmpegPath));
  const left: LeftEncoder[] = [...plan.left];
  for (const [index, encoder] of plan.candidates.entries()) {
    const report: EncoderReport = { requested, encoder, left: [...left] };
    const attempt = await runOnce(transcodeVideoArgs(encoder, settings, { filters: context.filters }), report);
    const isLast = index === plan.candidates.length - 1;
    if (isLast || !isEncoderStartFailure(attempt.outcome)) return attempt;
    left.push({
      encoder,
      reason: 'init_failed',
      detail: encoderFailureDetail(attempt.stderrTail),
      durationMs: attempt.durationMs,
      exitCode: attempt.outcome.exitCode,
    });
    if (requested === 'auto') rememberFailedEncoder(ffmpegPath, encoder);
  }
  throw new Error('runTranscodeAttempt: no encoder planned'); // unreachable: libx264 is always last
}
