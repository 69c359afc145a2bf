import { resolve } from 'node:path';

/**
 * The text of a concat-demuxer list (`ffconcat version 1.0`) for the given parts, in order,
 * to be read with `-f concat -safe 0 -i file:LIST`. Each path is made absolute (against the
 * current directory) and written as `file '<path>'` with every `'` written as `'\''`, the
 * demuxer's documented quoting; backslashes, spaces and `#` need nothing more inside quotes.
 *
 * A newline, carriage return or NUL cannot be quoted in a list (a crafted file name would
 * inject directives), so such a path is refused.
 *
 * @throws {TypeError} for an empty list, or a part that is not a non-empty string or holds
 *   `\n`, `\r` or NUL; the message names the part's index.
 */
export function buildConcatList(paths: readonly string[]): string {
  if (!Array.isArray(paths) || paths.length === 0) {
    throw new TypeError('buildConcatList: paths must be a non-empty array of file paths');
  }
  const lines = paths.map((path: unknown, index) => {
    if (typeof path !== 'string' || path === '') {
      throw new TypeError(`buildConcatList: part ${index} must be a non-empty string, got ${JSON.stringify(path)}`);
    }
    if (/[\n\r\0]/.test(path)) {
      throw new TypeError(
        `buildConcatList: part ${index} (${JSON.stringify(path)}) contains a newline, carriage return or NUL, which a concat list cannot quote`,
      );
    }
    return `file '${resolve(path).replaceAll("'", "'\\''")}'\n`;
  });
  return `ffconcat version 1.0\n${lines.join('')}`;
}
