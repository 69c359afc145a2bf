import { describe, expect, test } from 'vitest';
import { createLineSplitter, LineScanner, MAX_LINE_LENGTH } from '../../src/supervisor/line-splitter.js';

async function linesOf(chunks: readonly string[]): Promise<string[]> {
  const splitter = createLineSplitter();
  const lines: string[] = [];
  splitter.on('data', (line: string) => lines.push(line));
  const ended = new Promise((resolve) => splitter.on('end', resolve));
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  await ended;
  return lines;
}

test('\\n, \\r\\n and a lone \\r all end lines; a partial line waits for the next chunk', async () => {
  expect(await linesOf(['a=1\nb=', '2\r\nc=3\rd=4'])).toEqual(['a=1', 'b=2', 'c=3', 'd=4']);
});

test('an overlong line is skipped, also when the stream ends inside it', async () => {
  const long = 'x'.repeat(MAX_LINE_LENGTH + 10);
  expect(await linesOf([`${long}\nok\n`])).toEqual(['ok']);
  expect(await linesOf(['ok\n', long.slice(0, 40_000), long.slice(40_000)])).toEqual(['ok']);
});

describe('LineScanner', () => {
  function scan(chunks: ReadonlyArray<string | Uint8Array>, maxLength?: number): string[] {
    const lines: string[] = [];
    const scanner = new LineScanner((text, start, end) => lines.push(text.slice(start, end)), maxLength === undefined ? {} : { maxLength });
    for (const chunk of chunks) scanner.write(chunk);
    scanner.end();
    return lines;
  }

  test('\\n, \\r\\n and a lone \\r end lines; a partial line waits; the last line comes at end()', () => {
    expect(scan(['a=1\nb=', '2\r\nc=3\rd=4'])).toEqual(['a=1', 'b=2', 'c=3', 'd=4']);
  });

  test('a \\r\\n split between chunks ends one line, not two', () => {
    expect(scan(['a=1\r', '\nb=2\r', '', '\n'])).toEqual(['a=1', 'b=2']);
    expect(scan(['a=1\r', 'b=2'])).toEqual(['a=1', 'b=2']);
  });

  test('empty lines are kept as empty lines', () => {
    expect(scan(['\n\na\n\r\n'])).toEqual(['', '', 'a', '']);
  });

  test('UTF-8 split between chunks is decoded whole', () => {
    const bytes = Buffer.from('k=é€😀\n');
    expect(scan([bytes.subarray(0, 3), bytes.subarray(3, 6), bytes.subarray(6, 9), bytes.subarray(9)])).toEqual(['k=é€😀']);
  });

  test('a line longer than maxLength is dropped, in one chunk, across chunks, and at the end; its neighbours stay', () => {
    expect(scan(['ok\n', 'x'.repeat(11), '\nfine\n'], 10)).toEqual(['ok', 'fine']);
    expect(scan(['ok\nxxxxxx', 'xxxxxx', 'xxx\rfine'], 10)).toEqual(['ok', 'fine']);
    expect(scan(['ok\nxxxxxx', 'xxxxxx'], 10)).toEqual(['ok']);
    expect(scan(['x'.repeat(10), '\n'], 10)).toEqual(['x'.repeat(10)]);
  });

  test('holds at most maxLength characters of an unfinished line', () => {
    const lines: string[] = [];
    const scanner = new LineScanner((text, start, end) => lines.push(text.slice(start, end)), { maxLength: 100 });
    for (let index = 0; index < 1_000; index++) scanner.write('y'.repeat(1_000));
    scanner.write('\nafter\n');
    expect(lines).toEqual(['after']);
  });

  test.each([0, -1, 1.5, Number.NaN])('rejects maxLength %s', (maxLength) => {
    expect(() => new LineScanner(() => {}, { maxLength })).toThrow(/maxLength must be a positive integer/);
  });
});
