import type { FfmpegCapabilities } from '../supervisor/capabilities.js';
import { withFileProtocol } from './file-protocol.js';
import { STRATEGY_TABLE } from './strategy-table.js';
import type { RemuxStrategy, StreamPlan } from './types.js';
import type { TranscodeVideoArgs } from './video-encoder.js';

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
   * The streams to map by absolute index (`-map 0:<index>`), from the decision. Without it the
   * first video and first audio stream are mapped by type (`0:v:0? 0:a:0?`).
   */
  readonly streams?: StreamPlan;
  /**
   * Where the picture starts: seconds from the input's start to the first video keyframe. When
   * it is more than {@link AUDIO_TRIM_MIN_SEC}, the audio is trimmed to start there too, so the
   * MP4 never opens with sound and no picture (copied video starts at its first keyframe).
   */
  readonly videoStartSec?: number;
  /**
   * `false` for MKV, MP4 and MOV inputs: no DVB-tolerant demuxer flags.
   * @default true
   */
  readonly isMpegTs?: boolean;
  /**
   * The transcode rung's video arguments (encoder, quality, device, threads, filters), from
   * `transcodeVideoArgs()`. Ignored by the copy rungs.
   * @default libx264 with the default `TranscodeOptions` (see `buildVideoArgs`)
   */
  readonly transcodeVideo?: TranscodeVideoArgs;
}

/** The deinterlacer of the transcode rung: bwdif exists in both test builds (2018 static, 5.1); one frame out per frame in. */
export const DEINTERLACE_FILTER = 'bwdif=mode=send_frame:parity=auto:deint=all';

/** Audio is trimmed to the picture's start only past this offset (a clean file starts within a frame or two). */
export const AUDIO_TRIM_MIN_SEC = 0.1;

/** The `-loglevel` used unless told otherwise: warnings, each line tagged with its level. */
export const DEFAULT_REMUX_LOG_LEVEL = 'level+warning';

/** Re-encoded audio (output track `n`), the same on every rung: browsers do not play ac3, eac3, mp2 or dts. */
function aacArgs(n: number): string[] {
  return [`-c:a:${n}`, 'aac', `-b:a:${n}`, '192k', `-profile:a:${n}`, 'aac_low', `-ar:a:${n}`, '48000', `-ac:a:${n}`, '2'];
}

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

  const { streams, isMpegTs = true } = options;
  const trimSec = options.videoStartSec !== undefined && options.videoStartSec > AUDIO_TRIM_MIN_SEC ? options.videoStartSec : undefined;

  // No input seek on any rung: with `-c:v copy` a seek drops the video up to the next keyframe
  // (up to 10 s with a broadcast GOP) while the audio starts at the seek point. Frames before
  // the first keyframe are dropped by the copy itself, so a damaged start needs no seek.
  const transcodeVideo = strategy === 'transcode' && hasVideo ? options.transcodeVideo : undefined;
  const args = ['-y', '-nostdin', '-hide_banner', '-loglevel', logLevel, ...(isMpegTs ? spec.inputFlags : [])];
  if (transcodeVideo) args.push(...transcodeVideo.beforeInput);
  args.push(...inputArgs(input));

  const videoIndex = streams?.video?.index;
  if (streams) {
    if (hasVideo && videoIndex !== undefined) args.push('-map', `0:${videoIndex}`);
    for (const track of streams.audio) args.push('-map', `0:${track.index}`);
  } else {
    args.push(...(hasVideo ? ['-map', '0:v:0?', '-map', '0:a:0?'] : ['-map', '0:a:0?']));
  }
  if (hasVideo && (!streams || videoIndex !== undefined)) {
    args.push(...(transcodeVideo?.video ?? buildVideoArgs(strategy, { interlaced: streams?.video?.interlaced ?? false })));
    // Constant frame rate matters only when encoding: ffmpeg then duplicates or drops frames
    // across the timestamp gaps of DVB recordings, keeping audio in sync and the fixed
    // 100-frame GOP a fixed duration. With `-c:v copy` it is a no-op (measured), so copy rungs
    // do not get it.
    if (spec.constantFrameRate) args.push(...(capabilities.hasFpsMode ? ['-fps_mode', 'cfr'] : ['-vsync', 'cfr']));
  } else {
    args.push('-vn');
  }
  const tracks = streams?.audio ?? [{ copy: false }];
  tracks.forEach((track, n) => {
    if (track.copy && trimSec === undefined) {
      args.push(`-c:a:${n}`, 'copy');
      return;
    }
    args.push(...aacArgs(n), `-filter:a:${n}`, audioFilter(spec.audioFilter, trimSec));
  });
  // Muxer options (`-avoid_negative_ts`, `-max_interleave_delta`) belong after the input:
  // before `-i` they are silently ignored (measured: byte-identical output).
  args.push(...spec.muxerFlags);
  args.push('-sn', '-dn', '-movflags', '+faststart', '-f', 'mp4', withFileProtocol(output));
  return args;
}

/**
 * The video arguments of one rung: `-c:v copy` on the copy rungs; on `transcode`, a
 * deinterlacer for interlaced sources (field order `tt`, `bb`, `tb`, `bt` in the probe: an
 * encoder left alone flags the output progressive and every frame stays combed), then libx264
 * to 8-bit 4:2:0.
 */
export function buildVideoArgs(strategy: RemuxStrategy, { interlaced }: { readonly interlaced: boolean }): string[] {
  const spec = STRATEGY_TABLE.find((row) => row.strategy === strategy);
  if (spec === undefined) throw new TypeError(`buildVideoArgs: unknown strategy ${JSON.stringify(strategy)}`);
  if (strategy !== 'transcode') return [...spec.videoArgs];
  return [...(interlaced ? ['-filter:v', DEINTERLACE_FILTER] : []), ...spec.videoArgs];
}

/**
 * The audio filter of a rung; with a trim, the audio starts where the picture does. The trim
 * replaces the filters that move the audio to zero (`asetpts=PTS-STARTPTS`, `first_pts=0`):
 * the audio then keeps the picture's timeline and the muxer shifts both to zero.
 */
function audioFilter(rungFilter: string, trimSec: number | undefined): string {
  if (trimSec === undefined) return rungFilter;
  const kept = rungFilter
    .split(',')
    .filter((part) => !part.startsWith('asetpts='))
    .map((part) => part.replace(/:first_pts=0/, ''));
  return [`atrim=start=${trimSec.toFixed(3)}`, ...kept].join(',');
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
