import { LineScanner } from './line-splitter.js';
import { parseClockTimeUs, parseDecimal, parseDecimalWithUnit, parseInteger, trimmed } from './progress-numbers.js';

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

/** What `pushChunk()` and `end()` return when no block completed (shared, frozen). */
const NO_BLOCKS: readonly FfmpegProgress[] = Object.freeze([]);

/**
 * Turns `key=value` lines into blocks. A block ends at a whole `progress=continue|end` line;
 * lines without `=` are ignored; a block cut off by the process dying is never emitted.
 *
 * Feed it either the raw bytes of the progress pipe (`pushChunk()` per chunk, `end()` once at the
 * end of the stream: lines are split by a {@link LineScanner}) or lines split elsewhere
 * (`pushLine()`). Do not mix the two on one parser.
 */
export class ProgressParser {
  #pending: Record<string, string> = {};
  readonly #expectedDurationUs: number | undefined;
  #scanner: LineScanner | undefined;
  #completed: FfmpegProgress[] = [];

  constructor(expectedDurationUs?: number) {
    this.#expectedDurationUs = expectedDurationUs;
  }

  /** Feeds one line (no line terminator); returns the block it completes, if any. */
  pushLine(line: string): FfmpegProgress | undefined {
    return this.#pushRange(line, 0, line.length);
  }

  /** Feeds a chunk of the progress stream (bytes or text); returns the blocks it completes, in order. */
  pushChunk(chunk: Uint8Array | string): readonly FfmpegProgress[] {
    this.#scanner ??= new LineScanner((text, start, end) => {
      const block = this.#pushRange(text, start, end);
      if (block) this.#completed.push(block);
    });
    this.#scanner.write(chunk);
    return this.#takeCompleted();
  }

  /** The stream ended: the last line, when it has no line end, can still complete a block. */
  end(): readonly FfmpegProgress[] {
    this.#scanner?.end();
    return this.#takeCompleted();
  }

  #takeCompleted(): readonly FfmpegProgress[] {
    if (this.#completed.length === 0) return NO_BLOCKS;
    const completed = this.#completed;
    this.#completed = [];
    return completed;
  }

  /** One line, `text.slice(start, end)`, read in place. */
  #pushRange(text: string, start: number, end: number): FfmpegProgress | undefined {
    const separator = text.indexOf('=', start);
    if (separator <= start || separator >= end) return undefined;
    const key = trimmed(text.slice(start, separator));
    if (key.length === 0) return undefined;
    const value = trimmed(text.slice(separator + 1, end));
    if (key !== 'progress') {
      this.#pending[key] = value;
      return undefined;
    }
    // A block ends only at a whole `progress=continue|end`: a line cut by the process dying
    // (`progress=en`) does not complete one.
    if (value !== 'continue' && value !== 'end') return undefined;
    const raw = this.#pending;
    raw.progress = value;
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
    speed: parseDecimalWithUnit(raw.speed, 'x'),
    bitrateKbps: parseDecimalWithUnit(raw.bitrate, 'kbits/s'),
    percent: computePercent(outTimeUs, expectedDurationUs),
    done: raw.progress === 'end',
    raw,
  };
}

export function computePercent(outTimeUs: number | undefined, expectedDurationUs: number | undefined): number | undefined {
  if (outTimeUs === undefined || expectedDurationUs === undefined || expectedDurationUs <= 0) return undefined;
  return Math.min(100, Math.max(0, (outTimeUs / expectedDurationUs) * 100));
}
