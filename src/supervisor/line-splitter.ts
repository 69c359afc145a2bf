import type { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import split2 from 'split2';

/** Line ends ffmpeg uses: `\n`, `\r\n`, and the lone `\r` of its redrawn stats line. */
const LINE_END = /\r?\n|\r/;

/** Longest line kept; longer ones (a flood with no line end) are skipped, never buffered without bound. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * A split2 stream of text lines with bounded memory, for stderr (where lines go on to listeners
 * as a stream). A `\r\n` cut between two chunks yields one extra empty line, which callers ignore.
 */
export function createLineSplitter(): Transform {
  // `skipOverflow` exists in split2 4.x but is missing from its type definitions.
  const options: split2.Options & { skipOverflow: boolean } = { maxLength: MAX_LINE_LENGTH, skipOverflow: true };
  // At the end of the stream split2 flushes what it holds even when it overflowed: the mapper
  // drops such a line (split2 skips a mapped `undefined`).
  return split2(LINE_END, dropOverlong, options);
}

function dropOverlong(line: string): string | undefined {
  return line.length > MAX_LINE_LENGTH ? undefined : line;
}

const LF = 10;
const CR = 13;

/** Receives one line as `text.slice(start, end)`, without copying it out first. */
export type LineCallback = (text: string, start: number, end: number) => void;

/**
 * The progress pipe's line scanner: a plain callback per line, no stream in between. It keeps the
 * partial line between chunks (decoding UTF-8 across them), ends lines at `\n`, `\r\n` (also when
 * the two fall in different chunks) and a lone `\r`, and drops a line longer than `maxLength`,
 * including one still open when the stream ends; it never holds more than `maxLength` characters.
 */
export class LineScanner {
  readonly #onLine: LineCallback;
  readonly #maxLength: number;
  readonly #decoder = new StringDecoder('utf8');
  #carry = '';
  /** Inside an overlong line: everything up to its end is dropped. */
  #skipping = false;
  /** The last chunk ended with `\r`: a `\n` starting the next one ends no extra line. */
  #afterCarriageReturn = false;

  constructor(onLine: LineCallback, { maxLength = MAX_LINE_LENGTH }: { readonly maxLength?: number } = {}) {
    if (!Number.isSafeInteger(maxLength) || maxLength < 1) throw new TypeError(`maxLength must be a positive integer, got ${String(maxLength)}`);
    this.#onLine = onLine;
    this.#maxLength = maxLength;
  }

  write(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    if (text.length === 0) return;
    let lineStart = 0;
    if (this.#afterCarriageReturn) {
      this.#afterCarriageReturn = false;
      if (text.charCodeAt(0) === LF) lineStart = 1;
    }
    // The next \n and \r, each searched again only once passed: one pass over the text.
    let lf = text.indexOf('\n', lineStart);
    let cr = text.indexOf('\r', lineStart);
    while (lf !== -1 || cr !== -1) {
      let lineEnd: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        lineEnd = lf;
        next = lf + 1;
      } else {
        lineEnd = cr;
        next = cr + 1;
        if (next === text.length) this.#afterCarriageReturn = true;
        else if (text.charCodeAt(next) === LF) next += 1;
      }
      this.#endLine(text, lineStart, lineEnd);
      lineStart = next;
      if (lf !== -1 && lf < lineStart) lf = text.indexOf('\n', lineStart);
      if (cr !== -1 && cr < lineStart) cr = text.indexOf('\r', lineStart);
    }
    if (lineStart < text.length) this.#keep(lineStart === 0 ? text : text.slice(lineStart));
  }

  /** Flushes the last line (without a line end) unless it is overlong. */
  end(): void {
    const rest = this.#decoder.end();
    if (rest.length > 0) this.write(rest);
    const line = this.#carry;
    const skipped = this.#skipping;
    this.#carry = '';
    this.#skipping = false;
    if (line.length > 0 && !skipped) this.#onLine(line, 0, line.length);
  }

  #endLine(text: string, start: number, end: number): void {
    const skipped = this.#skipping;
    this.#skipping = false;
    if (this.#carry.length === 0) {
      if (!skipped && end - start <= this.#maxLength) this.#onLine(text, start, end);
      return;
    }
    const line = this.#carry + text.slice(start, end);
    this.#carry = '';
    if (!skipped && line.length <= this.#maxLength) this.#onLine(line, 0, line.length);
  }

  /** Holds the start of an unfinished line; one that grows past `maxLength` is dropped up to its end. */
  #keep(rest: string): void {
    if (this.#skipping) return;
    if (this.#carry.length + rest.length > this.#maxLength) {
      this.#carry = '';
      this.#skipping = true;
    } else {
      this.#carry += rest;
    }
  }
}
