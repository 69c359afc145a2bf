import { describe, expect, test } from 'vitest';
import { RemuxLadder } from '../../src/remux/ladder.js';
import { DEFAULT_TRANSCODE_OPTIONS, resolveTranscodeOptions } from '../../src/remux/transcode-options.js';
import { createFakeSpawn } from '../../src/testing/in-process/fake-spawn.js';
import { scenarios } from '../../src/testing/scenario/builders.js';

describe('resolveTranscodeOptions', () => {
  test('fills the defaults, then the ladder options, then the request options over them', () => {
    expect(resolveTranscodeOptions(undefined)).toEqual(DEFAULT_TRANSCODE_OPTIONS);
    const ladder = { encoder: 'auto', preset: 'faster', crf: 20, threads: 2, nice: 10 } as const;
    expect(resolveTranscodeOptions(ladder, { crf: 25, vaapiDevice: '/dev/dri/renderD129' })).toEqual({
      ...DEFAULT_TRANSCODE_OPTIONS,
      ...ladder,
      crf: 25,
      vaapiDevice: '/dev/dri/renderD129',
    });
  });

  test.each([
    [{ encoder: 'x264' }, /`transcode\.encoder` option must be one of "auto", "libx264", "h264_vaapi", "h264_nvenc", "h264_qsv"; got "x264"/],
    [{ encoder: 'hevc_vaapi' }, /`transcode\.encoder`.*got "hevc_vaapi"/],
    [{ preset: 'turbo' }, /`transcode\.preset` option must be one of "ultrafast".*"placebo"; got "turbo"/],
    [{ crf: 52 }, /`transcode\.crf` option must be an integer from 0 to 51; got 52/],
    [{ crf: 22.5 }, /`transcode\.crf`.*got 22\.5/],
    [{ crf: '23' }, /`transcode\.crf`.*got "23"/],
    [{ threads: -1 }, /`transcode\.threads` option must be an integer from 0 to 64; got -1/],
    [{ threads: Number.NaN }, /`transcode\.threads`.*got NaN/],
    [{ nice: -5 }, /`transcode\.nice` option must be an integer from 0 to 19; got -5/],
    [{ nice: 20 }, /`transcode\.nice`.*got 20/],
    [{ vaapiDevice: '' }, /`transcode\.vaapiDevice` option must be a non-empty device path; got ""/],
    [{ qsvDevice: 7 }, /`transcode\.qsvDevice`.*got 7/],
  ])('%j is refused with a TypeError naming the option and the value', (options, message) => {
    expect(() => resolveTranscodeOptions(options as never)).toThrow(TypeError);
    expect(() => resolveTranscodeOptions(options as never)).toThrow(message);
  });

  test('a request option is named as such', () => {
    expect(() => resolveTranscodeOptions({}, { crf: 99 }, 'request.transcode')).toThrow(/`request\.transcode\.crf`.*got 99/);
    expect(() => resolveTranscodeOptions('fast' as never)).toThrow(/`transcode` option must be an object; got "fast"/);
  });

  test('the ladder refuses a bad option when constructed, and a bad request before anything runs', async () => {
    expect(() => new RemuxLadder({ transcode: { encoder: 'nvenc' as never } })).toThrow(/`transcode\.encoder`.*"nvenc"/);
    const spawn = createFakeSpawn(scenarios.completes());
    const ladder = new RemuxLadder({ spawn });
    await expect(ladder.remux({ inputs: ['/nonexistent.ts'], output: '/tmp/x.mp4', transcode: { threads: 1.5 } })).rejects.toThrow(
      /`request\.transcode\.threads`.*got 1\.5/,
    );
    expect(spawn.calls).toEqual([]);
  });
});
