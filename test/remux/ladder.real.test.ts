import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RemuxLadder } from '../../src/remux/ladder.js';
import type { RemuxResult } from '../../src/remux/ladder-types.js';
import { createTempDir, FFMPEG_BINARIES, ffprobeJson, generateTs, removeTempDir } from '../helpers/media.js';

const binaries = FFMPEG_BINARIES.filter((binary) => binary.path !== undefined);
let dir: string;
let h264: string;
let hevc: string;
let h264TenBit: string;
let mpeg2: string;

beforeAll(async () => {
  dir = createTempDir('ffsup-ladder-real-');
  [h264, hevc, h264TenBit, mpeg2] = await Promise.all([
    generateTs(dir, 'h264.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 4 }),
    generateTs(dir, 'hevc.ts', { videoCodec: 'libx265', audioCodec: 'ac3', durationSec: 2 }),
    generateTs(dir, 'h264-10bit.ts', { videoCodec: 'libx264', pixFmt: 'yuv420p10le', audioCodec: 'ac3', durationSec: 2 }),
    generateTs(dir, 'mpeg2.ts', { videoCodec: 'mpeg2video', audioCodec: 'mp2', durationSec: 2 }),
  ]);
}, 120_000);

afterAll(() => removeTempDir(dir));

async function outputStreams(path: string) {
  const probe = await ffprobeJson(path);
  return {
    codecs: probe.streams.map((stream) => stream.codec_name).sort(),
    duration: Number(probe.format.duration),
    pixFmt: probe.streams.find((stream) => stream.codec_type === 'video')?.pix_fmt,
  };
}

function leftovers(): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.'));
}

describe.each(binaries)('RemuxLadder with real ffmpeg ($name)', ({ path: ffmpegPath }) => {
  test('H.264 8-bit + AC-3 → default (copy): an H.264 + AAC MP4 of the right duration', async () => {
    const output = join(dir, `default-${Date.now()}.mp4`);
    const ladder = new RemuxLadder({ ffmpegPath, stallTimeoutMs: 30_000 });
    const percents: number[] = [];
    ladder.on('progress', (progress) => progress.percent !== undefined && percents.push(progress.percent));
    const result = await ladder.remux({ inputs: [h264], output });
    expect(result).toMatchObject({ output, strategy: 'default', decision: { strategy: 'default', videoCodec: 'h264', bitDepth: 8 } });
    expect(result.attempts.map((attempt) => [attempt.strategy, attempt.kind, attempt.outcome.reason])).toEqual([
      ['default', 'none', 'completed'],
    ]);
    const streams = await outputStreams(output);
    expect(streams.codecs).toEqual(['aac', 'h264']);
    expect(streams.duration).toBeGreaterThan(3.5); // the whole 4 s: no rung skips the start
    expect(streams.duration).toBeLessThan(4.5);
    expect(percents.at(-1)).toBe(100);
    expect(percents).toEqual([...percents].sort((a, b) => a - b)); // never goes back
    expect(leftovers()).toEqual([]);
  });

  test.each([
    ['HEVC', () => hevc, 'hevc'],
    ['10-bit H.264', () => h264TenBit, 'h264'],
    ['MPEG-2 + MP2', () => mpeg2, 'mpeg2video'],
  ])('%s → transcode → H.264 8-bit output', async (_name, input, codec) => {
    const output = join(dir, `transcode-${codec}-${Date.now()}.mp4`);
    const result: RemuxResult = await new RemuxLadder({ ffmpegPath }).remux({ inputs: [input()], output });
    expect(result.strategy).toBe('transcode');
    expect(result.decision.videoCodec).toBe(codec);
    const streams = await outputStreams(output);
    expect(streams.codecs).toEqual(['aac', 'h264']);
    expect(streams.pixFmt).toBe('yuv420p');
    expect(streams.duration).toBeGreaterThan(1.5);
  });

  test("a two-part recording whose names hold a quote and a space → one MP4 of the summed duration", async () => {
    const first = join(dir, "part one's.ts");
    const second = join(dir, "part two's.ts");
    writeFileSync(first, readFileSync(h264));
    writeFileSync(second, readFileSync(h264));
    const output = join(dir, `joined-${Date.now()}.mp4`);
    const result = await new RemuxLadder({ ffmpegPath }).remux({ inputs: [first, second], output });
    expect(result.probes).toHaveLength(2);
    const { duration, codecs } = await outputStreams(output);
    expect(codecs).toEqual(['aac', 'h264']);
    expect(duration).toBeGreaterThan(7.5); // both parts whole
    expect(duration).toBeLessThan(8.5);
    expect(leftovers()).toEqual([]); // the concat list is gone too
  });

  test('a file named like a protocol (concat:x.ts) is read as a file', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      writeFileSync('concat:x.ts', readFileSync(h264));
      const result = await new RemuxLadder({ ffmpegPath }).remux({ inputs: ['concat:x.ts'], output: 'from-concat-name.mp4' });
      expect(result.strategy).toBe('default');
      expect(result.attempts[0]?.args).toContain('file:concat:x.ts');
      expect(existsSync(join(dir, 'from-concat-name.mp4'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a damaged head (garbage over the first 8 KiB) still gives a playable MP4 with its video', async () => {
    const damaged = join(dir, `damaged-${Date.now()}.ts`);
    const bytes = readFileSync(h264);
    for (let index = 0; index < 8 * 1024; index += 1) bytes[index] = (index * 7919) & 0xff;
    writeFileSync(damaged, bytes);
    const output = join(dir, `damaged-${Date.now()}.mp4`);
    const result = await new RemuxLadder({ ffmpegPath }).remux({ inputs: [damaged], output });
    expect(['default', 'fallback', 'transcode']).toContain(result.strategy);
    const { codecs, duration } = await outputStreams(output);
    expect(codecs).toContain('h264');
    expect(duration).toBeGreaterThan(1);
  });
});

test('a missing ffmpeg or ffprobe is a RemuxError of kind spawn_failed, naming the binary', async () => {
  const output = join(dir, 'never.mp4');
  const noFfmpeg = await new RemuxLadder({ ffmpegPath: join(dir, 'no-ffmpeg') }).remux({ inputs: [h264], output }).catch((caught: unknown) => caught);
  expect(noFfmpeg).toMatchObject({ code: 'ERR_REMUX_FAILED', kind: 'spawn_failed' });
  expect((noFfmpeg as Error).message).toMatch(/^ffmpeg could not be started \(ENOENT\)/);
  const noFfprobe = await new RemuxLadder({ ffprobePath: join(dir, 'no-ffprobe') }).remux({ inputs: [h264], output }).catch((caught: unknown) => caught);
  expect(noFfprobe).toMatchObject({ code: 'ERR_REMUX_FAILED', kind: 'spawn_failed' });
  expect((noFfprobe as Error).message).toMatch(/^ffprobe could not be started \(ENOENT\)/);
  expect(existsSync(output)).toBe(false);
});

test('a missing input fails fast with a clear error and creates nothing', async () => {
  const output = join(dir, 'never.mp4');
  const error = await new RemuxLadder().remux({ inputs: [join(dir, 'missing.ts')], output }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'ERR_REMUX_FAILED', kind: 'input_unreadable', attempts: [] });
  expect((error as Error).message).toMatch(/input part 0 .*missing\.ts.* cannot be read/);
  expect(existsSync(output)).toBe(false);
});
