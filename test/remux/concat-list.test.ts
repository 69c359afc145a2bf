import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildConcatList } from '../../src/remux/concat-list.js';
import { createTempDir, FFMPEG_BINARIES, ffprobeJson, generateTs, removeTempDir, STATIC_BUILD_ENV } from '../helpers/media.js';

const execFileAsync = promisify(execFile);

describe('buildConcatList', () => {
  test('writes the ffconcat header and one quoted, absolute file line per part, in order', () => {
    expect(buildConcatList(['/rec/a.ts', '/rec/b.ts'])).toBe("ffconcat version 1.0\nfile '/rec/a.ts'\nfile '/rec/b.ts'\n");
  });

  test.each([
    ["/rec/it's.ts", "file '/rec/it'\\''s.ts'"],
    ["/rec/''.ts", "file '/rec/'\\'''\\''.ts'"],
    ['/rec/with space.ts', "file '/rec/with space.ts'"],
    ['/rec/back\\slash #1 $HOME.ts', "file '/rec/back\\slash #1 $HOME.ts'"],
    ['/rec/concat:x.ts', "file '/rec/concat:x.ts'"],
    ['/rec/tab\there.ts', "file '/rec/tab\there.ts'"],
  ])('quotes %s', (path, line) => {
    expect(buildConcatList([path]).split('\n')[1]).toBe(line);
  });

  test('relative paths are made absolute against the current directory', () => {
    expect(buildConcatList(['rec/a.ts', '../b.ts'])).toBe(
      `ffconcat version 1.0\nfile '${resolve('rec/a.ts')}'\nfile '${resolve('../b.ts')}'\n`,
    );
  });

  test.each([
    ['a newline', ['/rec/a.ts', '/rec/b.ts\nfile /etc/passwd'], /part 1 .*newline, carriage return or NUL/],
    ['a carriage return', ['/rec/a\r.ts'], /part 0 .*newline, carriage return or NUL/],
    ['a NUL', ['/rec/a.ts', '/rec/b.ts', '/rec/c\0.ts'], /part 2 /],
    ['an empty path', ['/rec/a.ts', ''], /part 1 must be a non-empty string/],
    ['a non-string', [42 as unknown as string], /part 0 must be a non-empty string/],
  ])('refuses a path with %s, naming the part index', (_name, paths, message) => {
    expect(() => buildConcatList(paths)).toThrow(TypeError);
    expect(() => buildConcatList(paths)).toThrow(message);
  });

  test('refuses an empty list', () => {
    expect(() => buildConcatList([])).toThrow(TypeError);
    expect(() => buildConcatList([])).toThrow(/non-empty array/);
  });
});

describe('buildConcatList with real ffmpeg: parts named with quotes and spaces', () => {
  let dir: string | undefined;
  let listPath = '';
  beforeAll(async () => {
    dir = createTempDir("ffsup-concat it's ");
    const first = await generateTs(dir, "part 1 it's.ts", { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 1 });
    const second = await generateTs(dir, "part 2 'quoted'.ts", { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 1 });
    listPath = join(dir, "list it's.ffconcat");
    writeFileSync(listPath, buildConcatList([first, second]));
  });
  afterAll(() => removeTempDir(dir));

  describe.each(FFMPEG_BINARIES)('$name', ({ path: ffmpegPath }) => {
    test.skipIf(ffmpegPath === undefined)('concatenates both parts (-f concat -safe 0 -i file:LIST)', async () => {
      const output = join(dir as string, `joined ${Math.random()}.mp4`);
      await execFileAsync(
        ffmpegPath as string,
        ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', `file:${listPath}`,
          '-c:v', 'copy', '-c:a', 'aac', '-f', 'mp4', `file:${output}`],
        { timeout: 60_000, env: STATIC_BUILD_ENV },
      );
      const probe = await ffprobeJson(output);
      expect(Number(probe.format['duration'])).toBeGreaterThan(1.8);
      expect(Number(probe.format['duration'])).toBeLessThan(2.3);
    });
  });
});
