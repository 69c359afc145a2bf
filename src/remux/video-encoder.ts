import { DEFAULT_TRANSCODE_OPTIONS, type ResolvedTranscodeOptions, type VideoEncoderName } from './transcode-options.js';

/** The transcode rung's video arguments, split by where they go on the command line. */
export interface TranscodeVideoArgs {
  /** Before `-i`: hardware device (global options) and decoder threads. */
  readonly beforeInput: readonly string[];
  /** After the maps: the video filter chain, encoder, rate control and GOP, thread limits. */
  readonly video: readonly string[];
}

/** Options of {@link transcodeVideoArgs}. */
export interface TranscodeVideoArgsOptions {
  /**
   * Software filters run before the encoder (for example a deinterlacer), in order. A hardware
   * encoder's upload step is added after them.
   * @default []
   */
  readonly filters?: readonly string[];
}

/**
 * Every GOP is 100 frames (4 s at 25 fps) with no scene cuts, whatever the encoder: seeking
 * in the browser stays regular and segmenters can cut on any 4 s boundary.
 */
const GOP_FRAMES = 100;

/**
 * The video arguments of the transcode rung for one encoder: 8-bit 4:2:0 H.264 at a constant
 * quality, a fixed GOP, thread limits when asked for. Pure.
 *
 * - `libx264`: `-preset`, `-crf`, `-pix_fmt yuv420p`, `-x264-params keyint=100:min-keyint=100:scenecut=0`.
 * - `h264_vaapi`: `-vaapi_device DEVICE` (a global option), frames uploaded after the software
 *   filters (`format=nv12,hwupload`), `-qp` (constant QP).
 * - `h264_nvenc`: `-rc vbr -cq N -b:v 0` (constant quality), `-pix_fmt yuv420p`.
 * - `h264_qsv`: optional `-qsv_device`, `format=nv12`, `-global_quality N`.
 */
export function transcodeVideoArgs(
  encoder: VideoEncoderName,
  settings: ResolvedTranscodeOptions,
  options: TranscodeVideoArgsOptions = {},
): TranscodeVideoArgs {
  const filters = [...(options.filters ?? [])];
  const beforeInput: string[] = [];
  let codec: string[];
  switch (encoder) {
    case 'libx264':
      codec = ['-c:v', 'libx264', '-preset', settings.preset, '-crf', String(settings.crf), '-pix_fmt', 'yuv420p',
        '-x264-params', `keyint=${GOP_FRAMES}:min-keyint=${GOP_FRAMES}:scenecut=0`];
      break;
    case 'h264_vaapi':
      beforeInput.push('-vaapi_device', settings.vaapiDevice);
      filters.push('format=nv12', 'hwupload');
      codec = ['-c:v', 'h264_vaapi', '-qp', String(settings.crf), ...fixedGop()];
      break;
    case 'h264_nvenc':
      codec = ['-c:v', 'h264_nvenc', '-rc', 'vbr', '-cq', String(settings.crf), '-b:v', '0', '-pix_fmt', 'yuv420p', ...fixedGop()];
      break;
    case 'h264_qsv':
      if (settings.qsvDevice !== undefined) beforeInput.push('-qsv_device', settings.qsvDevice);
      filters.push('format=nv12');
      codec = ['-c:v', 'h264_qsv', '-global_quality', String(settings.crf), ...fixedGop()];
      break;
    default:
      throw new TypeError(`transcodeVideoArgs: unknown encoder ${JSON.stringify(encoder)}`);
  }
  const threads = settings.threads > 0 ? String(settings.threads) : undefined;
  if (threads !== undefined) beforeInput.push('-threads', threads);
  return {
    beforeInput,
    video: [
      ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
      ...codec,
      ...(threads === undefined ? [] : ['-threads', threads, '-filter_threads', threads]),
    ],
  };
}

function fixedGop(): string[] {
  return ['-g', String(GOP_FRAMES), '-keyint_min', String(GOP_FRAMES)];
}

/** libx264 with the default settings: what the transcode rung runs unless told otherwise. */
export const DEFAULT_TRANSCODE_VIDEO_ARGS: TranscodeVideoArgs = Object.freeze(transcodeVideoArgs('libx264', DEFAULT_TRANSCODE_OPTIONS));
