/** One complete `-progress` block, with numbers parsed. `N/A` and garbage become `undefined`, never `NaN`. */
export interface FfmpegProgress {
  /** Output time in microseconds (`out_time_us`, or `out_time_ms`, which ffmpeg also writes in µs). */
  readonly outTimeUs: number | undefined;
  /** Bytes written so far (`total_size`). */
  readonly totalSize: number | undefined;
  readonly frame: number | undefined;
  readonly fps: number | undefined;
  /** Encoding speed as a factor of real time (`speed=52.8x` → 52.8). */
  readonly speed: number | undefined;
  /** `bitrate=1845.1kbits/s` → 1845.1. */
  readonly bitrateKbps: number | undefined;
  /** 0–100, only when the expected duration is known. */
  readonly percent: number | undefined;
  /** `progress=end`: ffmpeg finished writing. */
  readonly done: boolean;
  /** Every key of the block as written (values trimmed). Repeated keys keep the last value. */
  readonly raw: Readonly<Record<string, string>>;
}

/**
 * Turns `key=value` lines into blocks. A block ends at a `progress=` line; lines without `=`
 * are ignored; a block cut off by the process dying is never emitted.
 */
export class ProgressParser {
  #pending: Record<string, string> = {};
  readonly #expectedDurationUs: number | undefined;

  constructor(expectedDurationUs?: number) {
    this.#expectedDurationUs = expectedDurationUs;
  }

  /** Feeds one line (no line terminator); returns the block it completes, if any. */
  pushLine(line: string): FfmpegProgress | undefined {
    const separator = line.indexOf('=');
    if (separator <= 0) return undefined;
    const key = line.slice(0, separator).trim();
    const value = line.slice(separator + 1).trim();
    if (key.length === 0) return undefined;
    // A block ends only at a whole `progress=continue|end`: a line cut by the process dying
    // (`progress=en`) does not complete one.
    if (key === 'progress' && value !== 'continue' && value !== 'end') return undefined;
    this.#pending[key] = value;
    if (key !== 'progress') return undefined;
    const raw = this.#pending;
    this.#pending = {};
    return parseProgressBlock(raw, this.#expectedDurationUs);
  }
}

/** Pure: typed progress from one block's raw keys. */
export function parseProgressBlock(raw: Record<string, string>, expectedDurationUs?: number): FfmpegProgress {
  const outTimeUs = parseInteger(raw.out_time_us) ?? parseInteger(raw.out_time_ms) ?? parseClockTimeUs(raw.out_time);
  return {
    outTimeUs,
    totalSize: parseInteger(raw.total_size),
    frame: parseInteger(raw.frame),
    fps: parseDecimal(raw.fps),
    speed: parseDecimal(stripSuffix(raw.speed, 'x')),
    bitrateKbps: parseDecimal(stripSuffix(raw.bitrate, 'kbits/s')),
    percent: computePercent(outTimeUs, expectedDurationUs),
    done: raw.progress === 'end',
    raw,
  };
}

export function computePercent(outTimeUs: number | undefined, expectedDurationUs: number | undefined): number | undefined {
  if (outTimeUs === undefined || expectedDurationUs === undefined || expectedDurationUs <= 0) return undefined;
  return Math.min(100, Math.max(0, (outTimeUs / expectedDurationUs) * 100));
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const CLOCK_TIME = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined || !INTEGER.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

function parseDecimal(value: string | undefined): number | undefined {
  if (value === undefined || !DECIMAL.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function stripSuffix(value: string | undefined, suffix: string): string | undefined {
  if (value === undefined) return undefined;
  return value.endsWith(suffix) ? value.slice(0, -suffix.length).trim() : value;
}

/** `00:00:29.034667` or `-00:00:00.023220` → microseconds. */
function parseClockTimeUs(value: string | undefined): number | undefined {
  const match = value === undefined ? null : CLOCK_TIME.exec(value);
  if (!match) return undefined;
  const [, minus, hours, minutes, seconds, fraction = ''] = match;
  const us =
    ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1_000_000 + Number(fraction.padEnd(6, '0'));
  return minus ? -us : us;
}
