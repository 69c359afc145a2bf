import { describe, expect, test } from 'vitest';
import { parseCliArgs } from '../../src/cli/parse-args.js';
import { resolveTranscodeOptions } from '../../src/remux/transcode-options.js';

const remux = (...flags: string[]) => parseCliArgs(['remux', 'rec.ts', '-o', 'rec.mp4', ...flags]);

describe('remux transcode flags', () => {
  test('without a transcode flag, transcode is undefined (the library decides)', () => {
    const request = remux();
    expect(request.command).toBe('remux');
    expect(request).toHaveProperty('transcode', undefined);
  });

  test.each([
    [['--encoder', 'auto'], { encoder: 'auto' }],
    [['--encoder', 'libx264'], { encoder: 'libx264' }],
    [['--encoder', 'h264_vaapi'], { encoder: 'h264_vaapi' }],
    [['--encoder=h264_nvenc'], { encoder: 'h264_nvenc' }],
    [['--encoder', 'h264_qsv'], { encoder: 'h264_qsv' }],
    [['--preset', 'ultrafast'], { preset: 'ultrafast' }],
    [['--preset', 'veryfast'], { preset: 'veryfast' }],
    [['--preset', 'placebo'], { preset: 'placebo' }],
    [['--crf', '0'], { crf: 0 }],
    [['--crf', '21'], { crf: 21 }],
    [['--crf=51'], { crf: 51 }],
    [['--crf', '007'], { crf: 7 }],
    [['--threads', '0'], { threads: 0 }],
    [['--threads', '4'], { threads: 4 }],
    [['--threads', '64'], { threads: 64 }],
    [['--nice', '0'], { nice: 0 }],
    [['--nice', '10'], { nice: 10 }],
    [['--nice', '19'], { nice: 19 }],
    [['--vaapi-device', '/dev/dri/renderD129'], { vaapiDevice: '/dev/dri/renderD129' }],
    [['--vaapi-device', '-odd device'], { vaapiDevice: '-odd device' }],
    [['--qsv-device', '/dev/dri/renderD128'], { qsvDevice: '/dev/dri/renderD128' }],
    [
      ['--encoder', 'auto', '--preset', 'fast', '--crf', '30', '--threads', '2', '--nice', '15', '--vaapi-device', '/dev/dri/card1', '--qsv-device', '/dev/dri/renderD130'],
      { encoder: 'auto', preset: 'fast', crf: 30, threads: 2, nice: 15, vaapiDevice: '/dev/dri/card1', qsvDevice: '/dev/dri/renderD130' },
    ],
  ])('%j', (flags, transcode) => {
    const request = remux(...flags);
    // Exactly the flags given: the rest stays the library's default.
    expect(request).toEqual(expect.objectContaining({ command: 'remux', transcode }));
    expect(Object.keys((request as { transcode: object }).transcode)).toEqual(Object.keys(transcode));
    // What the parser accepts, the library accepts.
    expect(() => resolveTranscodeOptions((request as { transcode: object }).transcode)).not.toThrow();
  });

  test.each([
    [['--encoder', 'x264'], "unknown --encoder 'x264' (use auto, libx264, h264_vaapi, h264_nvenc or h264_qsv)"],
    [['--encoder', 'H264_VAAPI'], "unknown --encoder 'H264_VAAPI' (use auto, libx264, h264_vaapi, h264_nvenc or h264_qsv)"],
    [['--encoder', ''], "unknown --encoder '' (use auto, libx264, h264_vaapi, h264_nvenc or h264_qsv)"],
    [['--preset', 'turbo'], "unknown --preset 'turbo' (use ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo)"],
    [['--preset', 'Medium'], "unknown --preset 'Medium' (use ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo)"],
    [['--crf', '52'], "--crf must be a whole number from 0 to 51; got '52'"],
    [['--crf', '1.5'], "--crf must be a whole number from 0 to 51; got '1.5'"],
    [['--crf', 'abc'], "--crf must be a whole number from 0 to 51; got 'abc'"],
    [['--crf', '-1'], "--crf must be a whole number from 0 to 51; got '-1'"],
    [['--crf', '1e1'], "--crf must be a whole number from 0 to 51; got '1e1'"],
    [['--crf', ''], "--crf must be a whole number from 0 to 51; got ''"],
    [['--crf', ' 21'], "--crf must be a whole number from 0 to 51; got ' 21'"],
    [['--crf', '0x10'], "--crf must be a whole number from 0 to 51; got '0x10'"],
    [['--threads', '65'], "--threads must be a whole number from 0 to 64; got '65'"],
    [['--threads', '1.5'], "--threads must be a whole number from 0 to 64; got '1.5'"],
    [['--threads', 'abc'], "--threads must be a whole number from 0 to 64; got 'abc'"],
    [['--threads', '-1'], "--threads must be a whole number from 0 to 64; got '-1'"],
    [['--threads', '1e1'], "--threads must be a whole number from 0 to 64; got '1e1'"],
    [['--threads', ''], "--threads must be a whole number from 0 to 64; got ''"],
    [['--threads', '+4'], "--threads must be a whole number from 0 to 64; got '+4'"],
    [['--nice', '20'], "--nice must be a whole number from 0 to 19; got '20'"],
    [['--nice', '1.5'], "--nice must be a whole number from 0 to 19; got '1.5'"],
    [['--nice', 'abc'], "--nice must be a whole number from 0 to 19; got 'abc'"],
    [['--nice', '-1'], "--nice must be a whole number from 0 to 19; got '-1'"],
    [['--nice=-5'], "--nice must be a whole number from 0 to 19; got '-5'"],
    [['--nice', '1e1'], "--nice must be a whole number from 0 to 19; got '1e1'"],
    [['--nice', ''], "--nice must be a whole number from 0 to 19; got ''"],
    [['--vaapi-device', ''], '--vaapi-device needs a path'],
    [['--vaapi-device', '/dev/dri/render\nD128'], "--vaapi-device must not contain a line break or NUL; got '/dev/dri/render\\nD128'"],
    [['--qsv-device', ''], '--qsv-device needs a path'],
    [['--qsv-device', '/dev/\0x'], "--qsv-device must not contain a line break or NUL; got '/dev/\\u0000x'"],
    [['--crf'], "option '--crf <value>' argument missing"],
    [['--encoder'], "option '--encoder <value>' argument missing"],
  ])('%j is a usage error', (flags, message) => {
    expect(remux(...flags)).toEqual({ command: 'usage-error', message });
  });

  test('the transcode flags belong to remux: run does not take them', () => {
    expect(parseCliArgs(['run', '--crf', '21', '--', '-i', 'x', 'y'])).toEqual({ command: 'usage-error', message: "unknown option '--crf'" });
  });
});
