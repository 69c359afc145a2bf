import type { Transform } from 'node:stream';
import split2 from 'split2';

/** Line ends ffmpeg uses: `\n`, `\r\n`, and the lone `\r` of its redrawn stats line. */
const LINE_END = /\r?\n|\r/;

/** Longest line kept; longer ones (a flood with no line end) are skipped, never buffered without bound. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * A split2 stream of text lines with bounded memory. A `\r\n` cut between two chunks yields one
 * extra empty line, which callers ignore.
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
