import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildStrategyArgs,
  DEFAULT_REMUX_LOG_LEVEL,
  STRATEGY_TABLE,
  type BuildStrategyArgsOptions,
} from '../../src/remux/build-strategy-args.js';
import { classifyRemuxError } from '../../src/remux/classify-remux-error.js';
import { buildConcatList } from '../../src/remux/concat-list.js';
import type { RemuxStrategy } from '../../src/remux/types.js';
import { probeCapabilities, type FfmpegCapabilities } from '../../src/supervisor/capabilities.js';
import { createTempDir, FFMPEG_BINARIES, ffprobeJson, generateTs, removeTempDir, STATIC_BUILD_ENV } from '../helpers/media.js';

const execFileAsync = promisify(execFile);

const NPM_2018: FfmpegCapabilities = { version: 'N-47683-g0e8eb07980-static', hasFpsMode: false, encoders: ['libx264', 'aac'] };
const DEBIAN_5_1: FfmpegCapabilities = { version: '5.1.9-0+deb12u1', hasFpsMode: true, encoders: ['libx264', 'aac'] };
const CAPABILITY_SETS = [
  { name: 'npm 2018 build', capabilities: NPM_2018 },
  { name: 'Debian 5.1', capabilities: DEBIAN_5_1 },
];
const STRATEGIES: RemuxStrategy[] = ['default', 'fallback', 'transcode'];

function build(strategy: RemuxStrategy, overrides: Partial<BuildStrategyArgsOptions> = {}): string[] {
  return buildStrategyArgs(strategy, {
    input: { kind: 'file', path: '/rec/in.ts' },
    output: '/cache/out.mp4.tmp',
    capabilities: DEBIAN_5_1,
    ...overrides,
  });
}

function valueAfter(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

describe('buildStrategyArgs: exact arguments', () => {
  test('default, file input, Debian 5.1', () => {
    expect(build('default')).toEqual([
      '-y', '-nostdin', '-hide_banner', '-loglevel', 'level+warning',
      '-analyzeduration', '20000000', '-probesize', '50000000',
      '-fflags', '+genpts+discardcorrupt', '-err_detect', 'ignore_err',
      '-i', 'file:/rec/in.ts',
      '-map', '0:v:0?', '-map', '0:a:0?',
      '-c:v', 'copy',
      '-c:a:0', 'aac', '-b:a:0', '192k', '-profile:a:0', 'aac_low', '-ar:a:0', '48000', '-ac:a:0', '2',
      '-filter:a:0', 'asetpts=PTS-STARTPTS,aresample=async=1000:first_pts=0,aformat=channel_layouts=stereo',
      '-avoid_negative_ts', 'make_zero',
      '-sn', '-dn', '-movflags', '+faststart', '-f', 'mp4', 'file:/cache/out.mp4.tmp',
    ]);
  });

  test('fallback differs from default by +igndts, -max_interleave_delta 0 and the simpler audio filter', () => {
    const args = build('fallback');
    expect(args).not.toContain('-ss');
    expect(valueAfter(args, '-fflags')).toBe('+genpts+discardcorrupt+igndts');
    expect(valueAfter(args, '-max_interleave_delta')).toBe('0');
    expect(valueAfter(args, '-filter:a:0')).toBe('aresample=async=1:first_pts=0,aformat=channel_layouts=stereo');
    expect(valueAfter(args, '-c:v')).toBe('copy');
  });

  test.each(CAPABILITY_SETS)('transcode with $name', ({ capabilities }) => {
    const args = build('transcode', { capabilities });
    const frameRateMode = capabilities.hasFpsMode ? ['-fps_mode', 'cfr'] : ['-vsync', 'cfr'];
    expect(args.join(' ')).toContain(
      ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-pix_fmt', 'yuv420p',
        '-x264-params', 'keyint=100:min-keyint=100:scenecut=0', ...frameRateMode].join(' '),
    );
    expect(valueAfter(args, '-fflags')).toBe('+genpts+discardcorrupt');
    expect(args).not.toContain(capabilities.hasFpsMode ? '-vsync' : '-fps_mode');
    expect(args).not.toContain('-ss');
    expect(args).not.toContain('-err_detect');
  });
});

describe.each(CAPABILITY_SETS)('buildStrategyArgs with $name', ({ capabilities }) => {
  test.each(STRATEGIES)('%s: global flags first, file: paths, flags on the right side of -i', (strategy) => {
    const args = build(strategy, { capabilities });
    const inputIndex = args.indexOf('-i');
    expect(args.slice(0, 5)).toEqual(['-y', '-nostdin', '-hide_banner', '-loglevel', DEFAULT_REMUX_LOG_LEVEL]);
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(args[inputIndex + 1]).toBe('file:/rec/in.ts');
    expect(args.at(-1)).toBe('file:/cache/out.mp4.tmp');
    expect(args.slice(-7, -1)).toEqual(['-sn', '-dn', '-movflags', '+faststart', '-f', 'mp4']);
    expect(args.indexOf('-fflags')).toBeLessThan(inputIndex);
    for (const muxerFlag of ['-avoid_negative_ts', '-max_interleave_delta', '-map', '-c:v', '-c:a:0', '-filter:a:0']) {
      if (args.includes(muxerFlag)) expect(args.indexOf(muxerFlag)).toBeGreaterThan(inputIndex);
    }
    expect(args).not.toContain('-ss'); // no rung seeks: a seek drops copied video up to the next keyframe
    if (strategy !== 'transcode') {
      expect(valueAfter(args, '-avoid_negative_ts')).toBe('make_zero');
      expect(args).not.toContain('-vsync');
      expect(args).not.toContain('-fps_mode');
    }
    for (const absent of ['-progress', '-stats_period', '-async']) expect(args).not.toContain(absent);
    expect(valueAfter(args, '-c:a:0')).toBe('aac');
    expect(args.join(' ')).toContain('-map 0:v:0? -map 0:a:0?');
  });

  test.each(STRATEGIES)('%s: concat input', (strategy) => {
    const args = build(strategy, { capabilities, input: { kind: 'concat', listPath: '/tmp/job 1/list.txt' } });
    const inputIndex = args.indexOf('-i');
    expect(args.slice(inputIndex - 4, inputIndex + 2)).toEqual(['-f', 'concat', '-safe', '0', '-i', 'file:/tmp/job 1/list.txt']);
  });

  test.each(STRATEGIES)('%s: radio (hasVideo false) maps audio only, no video flags', (strategy) => {
    const args = build(strategy, { capabilities, hasVideo: false });
    expect(args).toContain('-vn');
    expect(args).not.toContain('0:v:0?');
    for (const absent of ['-c:v', '-fps_mode', '-vsync', '-x264-params']) expect(args).not.toContain(absent);
    expect(valueAfter(args, '-map')).toBe('0:a:0?');
  });
});

describe('buildStrategyArgs: inputs and options', () => {
  test('every path gets its own file: prefix, so a file named file:rec.ts is that file; a protocol-looking name is a file', () => {
    const args = build('default', { input: { kind: 'file', path: 'file:rec.ts' }, output: 'concat:out.mp4' });
    expect(valueAfter(args, '-i')).toBe('file:file:rec.ts');
    expect(args.at(-1)).toBe('file:concat:out.mp4');
  });

  const plan = {
    video: { index: 3, codecName: 'mpeg2video', interlaced: true },
    audio: [
      { index: 5, codecName: 'aac', copy: true, language: 'deu' },
      { index: 1, codecName: 'ac3', copy: false },
    ],
    dropped: [],
  };

  test('a stream plan maps by absolute index, copies AAC-LC, re-encodes the rest per output track', () => {
    const args = build('default', { streams: plan });
    expect(args.join(' ')).toContain('-map 0:3 -map 0:5 -map 0:1 -c:v copy -c:a:0 copy -c:a:1 aac');
    expect(valueAfter(args, '-filter:a:1')).toBe('asetpts=PTS-STARTPTS,aresample=async=1000:first_pts=0,aformat=channel_layouts=stereo');
    expect(args).not.toContain('-filter:a:0');
  });

  test('a picture starting 3.8 s in trims every audio track to it (copied AAC is then re-encoded), and keeps its timeline', () => {
    const args = build('default', { streams: plan, videoStartSec: 3.8314 });
    expect(valueAfter(args, '-c:a:0')).toBe('aac');
    expect(valueAfter(args, '-filter:a:0')).toBe('atrim=start=3.831,aresample=async=1000,aformat=channel_layouts=stereo');
    expect(valueAfter(args, '-filter:a:1')).toBe('atrim=start=3.831,aresample=async=1000,aformat=channel_layouts=stereo');
    expect(valueAfter(build('fallback', { videoStartSec: 2 }), '-filter:a:0')).toBe('atrim=start=2.000,aresample=async=1,aformat=channel_layouts=stereo');
    expect(valueAfter(build('default', { videoStartSec: 0.05 }), '-filter:a:0')).not.toContain('atrim'); // a clean start
  });

  test('transcode deinterlaces an interlaced source before the encoder; copy rungs never filter video', () => {
    const args = build('transcode', { streams: plan });
    expect(valueAfter(args, '-filter:v')).toBe('bwdif=mode=send_frame:parity=auto:deint=all');
    expect(args.indexOf('-filter:v')).toBeLessThan(args.indexOf('-c:v'));
    expect(build('transcode', { streams: { ...plan, video: { ...plan.video, interlaced: false } } })).not.toContain('-filter:v');
    expect(build('default', { streams: plan })).not.toContain('-filter:v');
  });

  test('a non-TS input (MKV, MP4) gets no DVB demuxer flags', () => {
    const args = build('default', { isMpegTs: false });
    expect(args).not.toContain('-fflags');
    expect(args).not.toContain('-err_detect');
  });

  test('logLevel can be changed', () => {
    expect(valueAfter(build('fallback', { logLevel: 'info' }), '-loglevel')).toBe('info');
  });

  test.each<[string, () => unknown, RegExp]>([
    ['unknown strategy', () => build('copy' as RemuxStrategy), /unknown strategy "copy"/],
    ['empty output', () => build('default', { output: '' }), /output must be a non-empty string/],
    ['empty input path', () => build('default', { input: { kind: 'file', path: '' } }), /input\.path/],
    ['empty list path', () => build('default', { input: { kind: 'concat', listPath: '' } }), /input\.listPath/],
    ['unknown input kind', () => build('default', { input: { kind: 'url' } as never }), /input must be/],
    ['empty logLevel', () => build('default', { logLevel: '' }), /logLevel/],
  ])('%s → TypeError', (_name, run, message) => {
    expect(run).toThrow(TypeError);
    expect(run).toThrow(message);
  });

  test('STRATEGY_TABLE lists the three rungs in ladder order, with notes', () => {
    expect(STRATEGY_TABLE.map((row) => row.strategy)).toEqual(STRATEGIES);
    for (const row of STRATEGY_TABLE) {
      expect(row.summary).not.toBe('');
      expect(row.notes.length).toBeGreaterThan(0);
    }
  });
});

describe('every strategy runs with real ffmpeg (proves each flag is accepted by the build)', () => {
  let dir: string | undefined;
  let source = '';
  let listPath = '';
  beforeAll(async () => {
    dir = createTempDir('ffsup-strategy-');
    source = await generateTs(dir, 'rec 1.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 2 });
    const second = await generateTs(dir, "rec 2's.ts", { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 1 });
    listPath = join(dir, 'parts.ffconcat');
    writeFileSync(listPath, buildConcatList([source, second]));
  });
  afterAll(() => removeTempDir(dir));

  describe.each(FFMPEG_BINARIES)('$name', ({ path: ffmpegPath }) => {
    const cases = [
      ...STRATEGIES.map((strategy) => ({ strategy, input: 'file' as const, hasVideo: true, seconds: 2 })),
      ...STRATEGIES.map((strategy) => ({ strategy, input: 'concat' as const, hasVideo: true, seconds: 3 })),
      ...STRATEGIES.map((strategy) => ({ strategy, input: 'file' as const, hasVideo: false, seconds: 2 })),
    ];
    test.skipIf(ffmpegPath === undefined).each(cases)(
      '$strategy, $input input, video $hasVideo → exit 0, H.264 + AAC MP4',
      async ({ strategy, input, hasVideo, seconds }) => {
        const binary = ffmpegPath as string;
        const capabilities = await probeCapabilities(binary);
        const output = join(dir as string, `out ${strategy} ${input} ${hasVideo} ${Math.random()}.mp4`);
        const args = buildStrategyArgs(strategy, {
          input: input === 'file' ? { kind: 'file', path: source } : { kind: 'concat', listPath },
          output,
          capabilities,
          hasVideo,
        });
        const { stderr } = await execFileAsync(binary, args, { timeout: 60_000, env: STATIC_BUILD_ENV });
        expect(classifyRemuxError(stderr, 0)).toMatchObject({ kind: 'none', warnings: [] });
        expect(stderr).not.toMatch(/deprecated|unrecognized|not used for any stream/i);

        const probe = await ffprobeJson(output);
        expect(probe.format['format_name']).toContain('mp4');
        expect(probe.streams.map((s) => `${String(s['codec_type'])}:${String(s['codec_name'])}`)).toEqual(
          hasVideo ? ['video:h264', 'audio:aac'] : ['audio:aac'],
        );
        const audio = probe.streams.find((s) => s['codec_type'] === 'audio');
        expect(audio).toMatchObject({ sample_rate: '48000', channels: 2 });
        if (hasVideo) expect(probe.streams[0]).toMatchObject({ pix_fmt: 'yuv420p' });
        expect(Math.abs(Number(probe.format['duration']) - seconds)).toBeLessThan(0.5);
      },
    );
  });
});
