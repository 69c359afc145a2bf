import { describe, expect, test } from 'vitest';
import { buildStrategyArgs } from '../../src/remux/build-strategy-args.js';
import { resolveTranscodeOptions } from '../../src/remux/transcode-options.js';
import { transcodeVideoArgs } from '../../src/remux/video-encoder.js';
import { MODERN_FFMPEG_CAPABILITIES } from '../../src/supervisor/capabilities.js';

const settings = resolveTranscodeOptions({ preset: 'faster', crf: 22, vaapiDevice: '/dev/dri/renderD130' });
const DEINTERLACE = 'yadif=mode=send_frame';

describe('transcodeVideoArgs', () => {
  test.each([
    ['libx264', [], ['-c:v', 'libx264', '-preset', 'faster', '-crf', '22', '-pix_fmt', 'yuv420p', '-x264-params', 'keyint=100:min-keyint=100:scenecut=0']],
    ['h264_vaapi', ['-vaapi_device', '/dev/dri/renderD130'], ['-vf', 'format=nv12,hwupload', '-c:v', 'h264_vaapi', '-qp', '22', '-g', '100', '-keyint_min', '100']],
    ['h264_nvenc', [], ['-c:v', 'h264_nvenc', '-rc', 'vbr', '-cq', '22', '-b:v', '0', '-pix_fmt', 'yuv420p', '-g', '100', '-keyint_min', '100']],
    ['h264_qsv', [], ['-vf', 'format=nv12', '-c:v', 'h264_qsv', '-global_quality', '22', '-g', '100', '-keyint_min', '100']],
  ] as const)('%s', (encoder, beforeInput, video) => {
    expect(transcodeVideoArgs(encoder, settings)).toEqual({ beforeInput, video });
  });

  test('software filters run first; a hardware upload comes after them, in one -vf', () => {
    expect(transcodeVideoArgs('libx264', settings, { filters: [DEINTERLACE] }).video.slice(0, 2)).toEqual(['-vf', DEINTERLACE]);
    expect(transcodeVideoArgs('h264_vaapi', settings, { filters: [DEINTERLACE] }).video.slice(0, 2)).toEqual(['-vf', `${DEINTERLACE},format=nv12,hwupload`]);
    expect(transcodeVideoArgs('h264_qsv', settings, { filters: [DEINTERLACE] }).video.filter((arg) => arg === '-vf')).toHaveLength(1);
  });

  test('threads limit the decoder (before -i), the encoder and the filters', () => {
    const limited = transcodeVideoArgs('libx264', resolveTranscodeOptions({ threads: 2 }));
    expect(limited.beforeInput).toEqual(['-threads', '2']);
    expect(limited.video.slice(-4)).toEqual(['-threads', '2', '-filter_threads', '2']);
    expect(transcodeVideoArgs('libx264', resolveTranscodeOptions({ threads: 0 })).video).not.toContain('-threads');
  });

  test('a QSV device is passed only when given', () => {
    expect(transcodeVideoArgs('h264_qsv', resolveTranscodeOptions({ qsvDevice: '/dev/dri/renderD128' })).beforeInput).toEqual(['-qsv_device', '/dev/dri/renderD128']);
  });

  test('slots into the transcode rung: device and decoder threads before -i, the rest where the video args go', () => {
    const video = transcodeVideoArgs('h264_vaapi', resolveTranscodeOptions({ threads: 1 }));
    const args = buildStrategyArgs('transcode', {
      input: { kind: 'file', path: '/rec/in.ts' },
      output: '/rec/out.mp4',
      capabilities: MODERN_FFMPEG_CAPABILITIES,
      transcodeVideo: video,
    });
    const input = args.indexOf('-i');
    expect(args.indexOf('-vaapi_device')).toBeLessThan(input);
    expect(args.indexOf('-threads')).toBeLessThan(input);
    expect(args.slice(args.indexOf('0:a:0?') + 1, args.indexOf('-fps_mode'))).toEqual(video.video);
    // Copy rungs ignore it.
    const copy = buildStrategyArgs('default', { input: { kind: 'file', path: '/rec/in.ts' }, output: '/rec/out.mp4', capabilities: MODERN_FFMPEG_CAPABILITIES, transcodeVideo: video });
    expect(copy).not.toContain('-vaapi_device');
    expect(copy).not.toContain('-threads');
  });
});
