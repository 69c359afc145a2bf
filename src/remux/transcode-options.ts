import { describeValue } from '../supervisor/describe-value.js';

/** The H.264 encoders the transcode rung can run. */
export type VideoEncoderName = 'libx264' | 'h264_vaapi' | 'h264_nvenc' | 'h264_qsv';

/** `'auto'`: the first hardware encoder that works on this machine, else `libx264`. */
export type VideoEncoderChoice = 'auto' | VideoEncoderName;

export const VIDEO_ENCODER_CHOICES: readonly VideoEncoderChoice[] = Object.freeze(['auto', 'libx264', 'h264_vaapi', 'h264_nvenc', 'h264_qsv']);

/** x264's presets, fastest first. */
export const X264_PRESETS = Object.freeze([
  'ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow', 'placebo',
] as const);
export type X264Preset = (typeof X264_PRESETS)[number];

/** How the transcode rung encodes video, and what it may take from a shared machine. */
export interface TranscodeOptions {
  /**
   * The H.264 encoder. A hardware encoder that is in the build but fails to start (no device,
   * no driver) falls back to `libx264` in the same attempt; `'auto'` tries the hardware
   * encoders the build lists and remembers, per ffmpeg binary and for the life of the process,
   * which ones failed.
   * @default 'libx264'
   */
  readonly encoder?: VideoEncoderChoice;
  /** x264 preset (libx264 only; hardware encoders use their own default speed). @default 'veryfast' */
  readonly preset?: X264Preset;
  /**
   * Constant quality, 0–51, lower is better. libx264: `-crf`; VAAPI: `-qp`; NVENC: `-cq`;
   * QSV: `-global_quality` (the scales are alike, not identical). @default 21
   */
  readonly crf?: number;
  /**
   * Threads for decoding, filtering and encoding (`-threads` on the input and the output,
   * `-filter_threads`); `0` lets ffmpeg use every core. @default 0
   */
  readonly threads?: number;
  /**
   * Scheduling priority of the transcode's ffmpeg, 0 (normal) to 19 (lowest), Linux and macOS:
   * applied right after spawn to the process and, on Linux with autogroups, to its session's
   * autogroup (each supervised ffmpeg leads its own session, where a plain `nice` would only
   * rank it against itself). @default undefined (the host's priority)
   */
  readonly nice?: number;
  /** The DRM render node for `h264_vaapi`. @default '/dev/dri/renderD128' */
  readonly vaapiDevice?: string;
  /** The device for `h264_qsv` (`-qsv_device`, e.g. a render node); ffmpeg's choice when absent. */
  readonly qsvDevice?: string;
}

/** {@link TranscodeOptions} with every default filled in. */
export interface ResolvedTranscodeOptions {
  readonly encoder: VideoEncoderChoice;
  readonly preset: X264Preset;
  readonly crf: number;
  readonly threads: number;
  readonly nice: number | undefined;
  readonly vaapiDevice: string;
  readonly qsvDevice: string | undefined;
}

/**
 * The defaults. libx264 `-preset veryfast -crf 21` was chosen by measurement
 * (`bench/transcode-settings.ts`, BENCHMARKS.md): the cheapest setting measured whose quality is
 * within SSIM 0.002 and PSNR 0.5 dB of the former `-preset medium -crf 23` on every transcoded
 * kind, with files at most 1.5 times as large; half the CPU time of the former setting.
 * Every core, the host's priority.
 */
export const DEFAULT_TRANSCODE_OPTIONS: ResolvedTranscodeOptions = Object.freeze({
  encoder: 'libx264',
  preset: 'veryfast',
  crf: 21,
  threads: 0,
  nice: undefined,
  vaapiDevice: '/dev/dri/renderD128',
  qsvDevice: undefined,
});

/**
 * Fills in the defaults under `base` and then `override` (a request's own options over the
 * ladder's). Every value is checked: a `TypeError` names the option and shows the bad value.
 * `where` prefixes the option names (`transcode`, `request.transcode`).
 */
export function resolveTranscodeOptions(
  base: TranscodeOptions | undefined,
  override?: TranscodeOptions,
  where = 'transcode',
): ResolvedTranscodeOptions {
  const resolved = applyOptions(DEFAULT_TRANSCODE_OPTIONS, base, 'transcode');
  return override === undefined ? resolved : applyOptions(resolved, override, where);
}

function applyOptions(defaults: ResolvedTranscodeOptions, options: TranscodeOptions | undefined, where: string): ResolvedTranscodeOptions {
  if (options === undefined) return defaults;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`The \`${where}\` option must be an object; got ${describeValue(options)}.`);
  }
  return Object.freeze({
    encoder: validateChoice(options.encoder, `${where}.encoder`, VIDEO_ENCODER_CHOICES, defaults.encoder),
    preset: validateChoice(options.preset, `${where}.preset`, X264_PRESETS, defaults.preset),
    crf: validateInteger(options.crf, `${where}.crf`, 0, 51, defaults.crf),
    threads: validateInteger(options.threads, `${where}.threads`, 0, 64, defaults.threads),
    nice: options.nice === undefined ? defaults.nice : validateInteger(options.nice, `${where}.nice`, 0, 19, 0),
    vaapiDevice: validateDevice(options.vaapiDevice, `${where}.vaapiDevice`) ?? defaults.vaapiDevice,
    qsvDevice: validateDevice(options.qsvDevice, `${where}.qsvDevice`) ?? defaults.qsvDevice,
  });
}

function validateChoice<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new TypeError(`The \`${name}\` option must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}; got ${describeValue(value)}.`);
  }
  return value as T;
}

function validateInteger(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`The \`${name}\` option must be an integer from ${min} to ${max}; got ${describeValue(value)}.`);
  }
  return value;
}

function validateDevice(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || /[\0\n\r]/.test(value)) {
    throw new TypeError(`The \`${name}\` option must be a non-empty device path; got ${describeValue(value)}.`);
  }
  return value;
}
