import { type TranscodeOptions, VIDEO_ENCODER_CHOICES, X264_PRESETS, type X264Preset } from '../remux/transcode-options.js';

/** `remux` options for the transcode rung: encoder, speed, quality and what it may take from the host. */
export const TRANSCODE_OPTIONS = {
  encoder: { type: 'string' },
  preset: { type: 'string' },
  crf: { type: 'string' },
  threads: { type: 'string' },
  nice: { type: 'string' },
  'vaapi-device': { type: 'string' },
  'qsv-device': { type: 'string' },
} as const;

interface TranscodeValues {
  readonly encoder?: string;
  readonly preset?: string;
  readonly crf?: string;
  readonly threads?: string;
  readonly nice?: string;
  readonly 'vaapi-device'?: string;
  readonly 'qsv-device'?: string;
}

/**
 * Pure: the transcode settings the flags ask for, with only the flags given set (the library
 * fills in the rest), or `undefined` when none was given. A bad value throws what
 * `usageError(message)` returns, with a one-line lower-case message that names the flag.
 */
export function parseTranscodeFlags(values: TranscodeValues, usageError: (message: string) => Error): TranscodeOptions | undefined {
  const options: { -readonly [K in keyof TranscodeOptions]: TranscodeOptions[K] } = {};
  if (values.encoder !== undefined) options.encoder = choice(values.encoder, '--encoder', VIDEO_ENCODER_CHOICES, usageError);
  if (values.preset !== undefined) options.preset = choice<X264Preset>(values.preset, '--preset', X264_PRESETS, usageError);
  if (values.crf !== undefined) options.crf = wholeNumber(values.crf, '--crf', 0, 51, usageError);
  if (values.threads !== undefined) options.threads = wholeNumber(values.threads, '--threads', 0, 64, usageError);
  if (values.nice !== undefined) options.nice = wholeNumber(values.nice, '--nice', 0, 19, usageError);
  if (values['vaapi-device'] !== undefined) options.vaapiDevice = devicePath(values['vaapi-device'], '--vaapi-device', usageError);
  if (values['qsv-device'] !== undefined) options.qsvDevice = devicePath(values['qsv-device'], '--qsv-device', usageError);
  return Object.keys(options).length === 0 ? undefined : options;
}

function choice<T extends string>(text: string, name: string, choices: readonly T[], usageError: (message: string) => Error): T {
  if (!(choices as readonly string[]).includes(text)) throw usageError(`unknown ${name} ${quote(text)} (use ${listOf(choices)})`);
  return text as T;
}

/** A whole decimal number from `min` to `max`: no sign, no fraction, no exponent. */
function wholeNumber(text: string, name: string, min: number, max: number, usageError: (message: string) => Error): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw usageError(`${name} must be a whole number from ${min} to ${max}; got ${quote(text)}`);
  return value;
}

/** ffmpeg takes the device as one argument: no empty path, no line break, no NUL. */
function devicePath(text: string, name: string, usageError: (message: string) => Error): string {
  if (text.length === 0) throw usageError(`${name} needs a path`);
  if (/[\0\n\r]/.test(text)) throw usageError(`${name} must not contain a line break or NUL; got ${quote(JSON.stringify(text).slice(1, -1))}`);
  return text;
}

/** `a, b or c`. */
function listOf(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function quote(text: string): string {
  return `'${text}'`;
}
