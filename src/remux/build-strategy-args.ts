import type { FfmpegCapabilities } from '../supervisor/capabilities.js';
import { withFileProtocol } from './file-protocol.js';
import { STRATEGY_TABLE } from './strategy-table.js';
import type { RemuxStrategy } from './types.js';
import { DEFAULT_TRANSCODE_VIDEO_ARGS, type TranscodeVideoArgs } from './video-encoder.js';

export { STRATEGY_TABLE, type StrategySpec } from './strategy-table.js';

/** Where a strategy reads from: one file, or a concat-demuxer list of parts. */
export type StrategyInput =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'concat'; readonly listPath: string };

/** Options of {@link buildStrategyArgs}. */
export interface BuildStrategyArgsOptions {
  readonly input: StrategyInput;
  /** The MP4 to write (the ladder passes its temporary file). */
  readonly output: string;
  /** What the ffmpeg binary in hand can do (`-fps_mode` or only `-vsync`). */
  readonly capabilities: FfmpegCapabilities;
  /**
   * `false` for radio: no video arguments, `-vn`.
   * @default true
   */
  readonly hasVideo?: boolean;
  /**
   * ffmpeg's `-loglevel`. The classifier's timestamp patterns are warning-level messages, so
   * anything quieter than `warning` hides them.
   * @default 'level+warning'
   */
  readonly logLevel?: string;
  /**
   * The transcode rung's video arguments (encoder, quality, device, threads), from
   * `transcodeVideoArgs()`. Ignored by the copy rungs.
   * @default libx264 with the default `TranscodeOptions`
   */
  readonly transcodeVideo?: TranscodeVideoArgs;
}

/** The `-loglevel` used unless told otherwise: warnings, each line tagged with its level. */
export const DEFAULT_REMUX_LOG_LEVEL = 'level+warning';

/** Audio, the same on every rung: browsers do not play ac3, eac3 or mp2. */
const AUDIO_ARGS = ['-c:a', 'aac', '-b:a', '192k', '-profile:a', 'aac_low', '-ar', '48000', '-ac', '2'];

/**
 * The ffmpeg arguments of one rung of the ladder (see {@link STRATEGY_TABLE}), without
 * `-progress` and `-stats_period`, which the supervisor adds. Pure: the same options always
 * give the same arguments. Paths get a `file:` prefix so that no name is read as a protocol.
 *
 * Layout: global flags, input flags, `-i`, maps, video, audio, muxer flags, output.
 *
 * @throws {TypeError} on an unknown strategy, an unknown input kind or an empty path.
 */
export function buildStrategyArgs(strategy: RemuxStrategy, options: BuildStrategyArgsOptions): string[] {
  const spec = STRATEGY_TABLE.find((row) => row.strategy === strategy);
  if (spec === undefined) {
    throw new TypeError(`buildStrategyArgs: unknown strategy ${JSON.stringify(strategy)} (expected default, fallback or transcode)`);
  }
  const { input, output, capabilities, hasVideo = true, logLevel = DEFAULT_REMUX_LOG_LEVEL } = options;
  requireText('output', output);
  requireText('logLevel', logLevel);

  const args = ['-y', '-nostdin', '-hide_banner', '-loglevel', logLevel, ...spec.inputFlags];
  // `-ss` before `-i` seeks the input. With `-c:v copy` the video then starts at the first
  // keyframe after the seek point while the audio starts at the seek point itself, so the MP4
  // opens with up to one GOP of audio and no picture. Accepted: the first second of a DVB
  // recording is often corrupt, and this rung exists to copy, not to cut exactly.
  if (spec.seekInputSec !== undefined) args.push('-ss', String(spec.seekInputSec));
  const transcodeVideo = strategy === 'transcode' && hasVideo ? (options.transcodeVideo ?? DEFAULT_TRANSCODE_VIDEO_ARGS) : undefined;
  if (transcodeVideo) args.push(...transcodeVideo.beforeInput);
  args.push(...inputArgs(input));

  if (hasVideo) {
    args.push('-map', '0:v:0?', '-map', '0:a:0?', ...(transcodeVideo?.video ?? spec.videoArgs));
    // Constant frame rate matters only when encoding: ffmpeg then duplicates or drops frames
    // across the timestamp gaps of DVB recordings, keeping audio in sync and the fixed
    // 100-frame GOP a fixed duration. It is what ffmpeg's `auto` picks for MP4 today
    // (measured: byte-identical output); it is spelled out so it does not hang on a heuristic.
    // With `-c:v copy` it is a no-op (measured), so copy rungs do not get it.
    if (spec.constantFrameRate) args.push(...(capabilities.hasFpsMode ? ['-fps_mode', 'cfr'] : ['-vsync', 'cfr']));
  } else {
    args.push('-map', '0:a:0?', '-vn');
  }
  args.push(...AUDIO_ARGS, '-filter:a', spec.audioFilter);
  // Muxer options (`-avoid_negative_ts`, `-max_interleave_delta`) belong after the input:
  // before `-i` they are silently ignored (measured: byte-identical output).
  args.push(...spec.muxerFlags);
  args.push('-sn', '-dn', '-movflags', '+faststart', '-f', 'mp4', withFileProtocol(output));
  return args;
}

function inputArgs(input: StrategyInput): string[] {
  switch (input?.kind) {
    case 'file':
      requireText('input.path', input.path);
      return ['-i', withFileProtocol(input.path)];
    case 'concat':
      requireText('input.listPath', input.listPath);
      return ['-f', 'concat', '-safe', '0', '-i', withFileProtocol(input.listPath)];
    default:
      throw new TypeError(`buildStrategyArgs: input must be { kind: 'file', path } or { kind: 'concat', listPath }, got ${JSON.stringify(input)}`);
  }
}

function requireText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`buildStrategyArgs: ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}
