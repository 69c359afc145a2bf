import { expect, test } from 'vitest';
import { createLineSplitter, MAX_LINE_LENGTH } from '../../src/supervisor/line-splitter.js';

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
