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
  readonly #pending = new PendingBlock();
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
    let slot = slotAt(text, start, separator);
    let key: string | undefined;
    if (slot === NO_SLOT) {
      key = trimmed(text.slice(start, separator));
      if (key.length === 0) return undefined;
      slot = SLOT_OF_KEY.get(key) ?? NO_SLOT;
    }
    const value = trimmed(text.slice(separator + 1, end));
    if (slot !== NO_SLOT) {
      this.#pending.slots[slot] = value;
      return undefined;
    }
    if (key !== 'progress') {
      this.#pending.setOther(key as string, value);
      return undefined;
    }
    // A block ends only at a whole `progress=continue|end`: a line cut by the process dying
    // (`progress=en`) does not complete one.
    if (value !== 'continue' && value !== 'end') return undefined;
    return parseProgressBlock(this.#pending.take(value), this.#expectedDurationUs);
  }
}

/** The keys ffmpeg writes in (nearly) every block, in its order: each has a slot of its own. */
const SLOT_KEYS = ['frame', 'fps', 'stream_0_0_q', 'bitrate', 'total_size', 'out_time_us', 'out_time_ms', 'out_time', 'dup_frames', 'drop_frames', 'speed'] as const;
const SLOT_OF_KEY = new Map<string, number>(SLOT_KEYS.map((key, slot) => [key, slot]));
const NO_SLOT = -1;

/**
 * The slot of the key in `text.slice(start, end)` when it is one of {@link SLOT_KEYS} written as
 * is, else {@link NO_SLOT}: found without copying the key.
 */
function slotAt(text: string, start: number, end: number): number {
  let slot: number;
  switch (end - start) {
    case 3: slot = 1; break;
    case 5: slot = text.charCodeAt(start) === 0x66 ? 0 : 10; break;
    case 7: slot = 3; break;
    case 8: slot = 7; break;
    case 10: slot = text.charCodeAt(start) === 0x74 ? 4 : 8; break;
    case 11: slot = text.charCodeAt(start) === 0x64 ? 9 : text.charCodeAt(start + 9) === 0x75 ? 5 : 6; break;
    case 12: slot = 2; break;
    default: return NO_SLOT;
  }
  return text.startsWith(SLOT_KEYS[slot] as string, start) ? slot : NO_SLOT;
}

/**
 * The keys of the block being read. The usual keys go to fixed slots and the block's `raw` is
 * built from them with one store per key, in ffmpeg's order; a per-line store of a new key on a
 * growing object cost more than the rest of the parse.
 */
class PendingBlock {
  readonly slots: Array<string | undefined> = new Array<string | undefined>(SLOT_KEYS.length).fill(undefined);
  #others: Record<string, string> | undefined;

  setOther(key: string, value: string): void {
    (this.#others ??= {})[key] = value;
  }

  /** The block's keys as one object, `progress` last; the slots are emptied for the next block. */
  take(progress: string): Record<string, string> {
    const s = this.slots;
    const raw: Record<string, string> = {};
    if (s[0] !== undefined) raw.frame = s[0];
    if (s[1] !== undefined) raw.fps = s[1];
    if (s[2] !== undefined) raw.stream_0_0_q = s[2];
    if (s[3] !== undefined) raw.bitrate = s[3];
    if (s[4] !== undefined) raw.total_size = s[4];
    if (s[5] !== undefined) raw.out_time_us = s[5];
    if (s[6] !== undefined) raw.out_time_ms = s[6];
    if (s[7] !== undefined) raw.out_time = s[7];
    if (s[8] !== undefined) raw.dup_frames = s[8];
    if (s[9] !== undefined) raw.drop_frames = s[9];
    if (s[10] !== undefined) raw.speed = s[10];
    if (this.#others !== undefined) Object.assign(raw, this.#others);
    raw.progress = progress;
    s.fill(undefined);
    this.#others = undefined;
    return raw;
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
