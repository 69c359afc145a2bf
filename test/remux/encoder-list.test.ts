import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { encodersOf, parseEncoderList } from '../../src/remux/encoder-list.js';
import { MODERN_FFMPEG_CAPABILITIES } from '../../src/supervisor/capabilities.js';
import { FFMPEG_BINARIES, STATIC_BUILD_ENV } from '../helpers/media.js';

const SAMPLE = [
  'Encoders:',
  ' V..... = Video',
  ' A..... = Audio',
  ' S..... = Subtitle',
  ' .F.... = Frame-level multithreading',
  ' ------',
  ' V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)',
  ' V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)',
  ' V..... h264_qsv             H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (Intel Quick Sync Video acceleration) (codec h264)',
  ' A....D aac                  AAC (Advanced Audio Coding)',
  ' S..... dvbsub               DVB subtitles (codec dvb_subtitle)',
  '',
].join('\n');

test('parseEncoderList reads the names below the legend, and none of the legend', () => {
  expect([...parseEncoderList(SAMPLE)]).toEqual(['libx264', 'h264_nvenc', 'h264_qsv', 'aac', 'dvbsub']);
});

test('an encoders list in the capabilities is used as is (no process started)', async () => {
  const list = await encodersOf('/nonexistent/ffmpeg', { ...MODERN_FFMPEG_CAPABILITIES, encoders: ['libx264', 'h264_vaapi'] } as never);
  expect([...list]).toEqual(['libx264', 'h264_vaapi']);
});

test('a binary that cannot run gives a rejected promise, which is not cached', async () => {
  await expect(encodersOf('/nonexistent/ffmpeg', undefined)).rejects.toThrow(/ENOENT/);
  await expect(encodersOf('/nonexistent/ffmpeg', undefined)).rejects.toThrow(/ENOENT/);
});

test.each(FFMPEG_BINARIES.filter((binary) => binary.path !== undefined))('the real list of $name has libx264 and matches its own text', async ({ path }) => {
  const list = await encodersOf(path as string, undefined);
  expect(list.has('libx264')).toBe(true);
  expect(list.has('aac')).toBe(true);
  const text = execFileSync(path as string, ['-hide_banner', '-encoders'], { encoding: 'utf8', env: STATIC_BUILD_ENV });
  const h264Lines = text.split('\n').filter((line) => /^ V\S* h264_\w+/.test(line)).map((line) => line.trim().split(/\s+/)[1]);
  expect(h264Lines.every((name) => list.has(name as string))).toBe(true);
});
