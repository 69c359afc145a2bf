import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { childBoxes, Mp4ReadError, parseMoov } from '../../src/remux/mp4-moov.js';
import { checkOutput } from '../../src/remux/output-file.js';
import { probeMedia } from '../../src/remux/probe-media.js';
import { probeResultOfMp4, readMp4Movie } from '../../src/remux/read-mp4.js';
import type { ProbeResult } from '../../src/remux/types.js';
import { createTempDir, FFMPEG_BINARIES, NPM_FFPROBE_PATH, removeTempDir, STATIC_BUILD_ENV, SYSTEM_FFMPEG_PATH, SYSTEM_FFPROBE_PATH } from '../helpers/media.js';
import { ffmpeg, RECORDINGS } from '../helpers/recordings.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const FFPROBE = SYSTEM_FFPROBE_PATH ?? NPM_FFPROBE_PATH;
const source = (seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=duration=${seconds}:size=160x120:rate=25`, '-f', 'lavfi', '-i', `sine=duration=${seconds}:sample_rate=48000`];

/** MP4s as real ffmpeg writes them, each a case the output check must read as ffprobe does. */
const CASES: ReadonlyArray<{ name: string; args: (dir: string) => string[] }> = [
  { name: 'H.264 with B-frames + AAC (edit lists for both), faststart', args: () => [...source(3), '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-c:a', 'aac', '-movflags', '+faststart'] },
  { name: 'moov at the end', args: () => [...source(3), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'] },
  { name: 'the picture 3 s after the sound (an empty edit)', args: () => ['-f', 'lavfi', '-i', 'sine=duration=6', '-itsoffset', '3', '-f', 'lavfi', '-i', 'testsrc2=duration=3:size=160x120:rate=25', '-map', '1:v', '-map', '0:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'] },
  { name: 'audio only', args: () => ['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'aac'] },
  { name: 'video only, MPEG-4 part 2', args: () => ['-f', 'lavfi', '-i', 'testsrc2=duration=2:size=160x120:rate=25', '-c:v', 'mpeg4'] },
];

function summary(probe: ProbeResult) {
  return {
    ok: probe.ok,
    audioTrackCount: probe.audioTrackCount,
    hasVideo: probe.video !== undefined,
    durationSec: probe.durationSec,
    streams: (probe.streams ?? []).map((s) => ({ codecType: s.codecType, codecName: s.codecName, width: s.width, startTimeSec: s.startTimeSec, durationSec: s.durationSec })),
  };
}

/** Numbers within 2 ms: ffprobe prints six decimals of the same rational. */
function expectClose(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 500) / 500 : value))).toBe(
    JSON.stringify(expected, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 500) / 500 : value)),
  );
}

let dir: string;
beforeAll(() => {
  dir = createTempDir('ffsup-mp4-');
});
afterAll(() => removeTempDir(dir));

describe.each(FFMPEG_BINARIES)('reading the moov of MP4s written by $name', ({ path: ffmpegPath }) => {
  test.skipIf(ffmpegPath === undefined || FFPROBE === undefined).each(CASES)('$name: what ffprobe reads', async ({ name, args }) => {
    const output = join(dir, `${name.replace(/\W+/g, '-')}-${ffmpegPath === SYSTEM_FFMPEG_PATH ? 'debian' : 'npm'}.mp4`);
    await execFileAsync(ffmpegPath as string, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args(dir), '-shortest', output], { env: STATIC_BUILD_ENV });
    const read = await readMp4Movie(output);
    expect(read).toBeDefined();
    const mine = probeResultOfMp4(read!.movie, read!.sizeBytes);
    const theirs = await probeMedia(output, { ffprobePath: FFPROBE });
    expectClose(summary(mine), summary(theirs));
  });
});

test.skipIf(SYSTEM_FFMPEG_PATH === undefined)('a copy that kept a 990 s timestamp jump: the check sees the hole without ffprobe', async () => {
  const input = await RECORDINGS.timestampJump(dir);
  const output = join(dir, 'hole.mp4');
  await ffmpeg(['-fflags', '+igndts+genpts', '-i', `file:${input}`, '-map', '0:v', '-map', '0:a', '-c:v', 'copy', '-c:a', 'aac', '-movflags', '+faststart', output]);
  const read = await readMp4Movie(output);
  const probe = probeResultOfMp4(read!.movie, read!.sizeBytes);
  expect(probe.durationSec).toBeGreaterThan(990);
  expect(checkOutput(probe, read!.sizeBytes, { hasVideo: true, hasAudio: true, expectedDurationSec: undefined })?.message).toMatch(/a timestamp jump was kept/);
});

describe('files the reader leaves to ffprobe, and files it rejects', () => {
  let good: string;
  beforeAll(async () => {
    good = join(dir, 'good.mp4');
    await ffmpeg([...source(2), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-movflags', '+faststart', '-shortest', good]);
  });

  test('a faststart file cut short: its samples run past the end, so it is unreadable (ffprobe still says ok)', async () => {
    const cut = join(dir, 'cut.mp4');
    copyFileSync(good, cut);
    truncateSync(cut, readFileSync(good).length - 2_000);
    const read = await readMp4Movie(cut);
    const probe = probeResultOfMp4(read!.movie, read!.sizeBytes);
    expect(probe.ok).toBe(false);
    expect(probe.error).toMatch(/past the end of the file/);
    expect(checkOutput(probe, read!.sizeBytes, { hasVideo: true, hasAudio: true, expectedDurationSec: 2 })?.message).toMatch(/^the output cannot be read/);
  });

  test.each([
    ['an MPEG-TS', (path: string) => writeFileSync(path, Buffer.alloc(188 * 10, 0x47))],
    ['an empty file', (path: string) => writeFileSync(path, '')],
    ['an MP4 whose moov was never written (cut before the trailer)', (path: string) => writeFileSync(path, readFileSync(good).subarray(0, 40))],
    ['a box that claims more bytes than the file has', (path: string) => {
      const bytes = Buffer.from(readFileSync(good));
      const moovAt = bytes.indexOf('moov') - 4;
      bytes.writeUInt32BE(bytes.length * 2, moovAt);
      writeFileSync(path, bytes);
    }],
  ])('%s → undefined (ffprobe decides)', async (_name, write) => {
    const path = join(dir, 'other.mp4');
    write(path);
    await expect(readMp4Movie(path)).resolves.toBeUndefined();
  });

  test.skipIf(SYSTEM_FFMPEG_PATH === undefined)('a fragmented MP4 → undefined (ffprobe decides)', async () => {
    const path = join(dir, 'fragmented.mp4');
    await ffmpeg([...source(2), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-movflags', '+frag_keyframe+empty_moov', '-shortest', path]);
    await expect(readMp4Movie(path)).resolves.toBeUndefined();
  });

  test('a missing file → undefined', async () => {
    await expect(readMp4Movie(join(dir, 'missing.mp4'))).resolves.toBeUndefined();
  });

  test('any damage to the moov gives a result or an Mp4ReadError, never another exception', () => {
    const bytes = readFileSync(good);
    const moov = [...childBoxes(bytes, 0, bytes.length)].find((box) => box.type === 'moov')!;
    const content = bytes.subarray(moov.start, moov.end);
    // Bytes and whole 32-bit fields (sizes, counts) overwritten, and the end cut off.
    const word = fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff), fc.nat({ max: 0xffffffff }));
    const edit = fc.tuple(fc.nat(content.length - 4), fc.oneof(fc.nat(255).map((b) => ({ byte: b })), word.map((w) => ({ word: w }))));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), fc.nat(content.length), (edits, cut) => {
        const damaged = Buffer.from(content);
        for (const [at, value] of edits) {
          if ('byte' in value) damaged[at] = value.byte;
          else damaged.writeUInt32BE(value.word, at);
        }
        const started = performance.now();
        try {
          parseMoov(damaged.subarray(0, Math.max(cut, 8)));
        } catch (error) {
          expect(error).toBeInstanceOf(Mp4ReadError);
        }
        // No table makes the reader loop: a few ms even for a damaged file (generous for a busy machine).
        expect(performance.now() - started).toBeLessThan(1_000);
      }),
      { numRuns: 2_000 },
    );
  });
});
