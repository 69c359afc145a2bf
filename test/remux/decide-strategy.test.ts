import { describe, expect, test } from 'vitest';
import { decideStrategy, normalizeVideoCodec } from '../../src/remux/decide-strategy.js';
import { bitDepthOf } from '../../src/remux/probe-parse.js';
import type { ProbeResult } from '../../src/remux/types.js';

function probeWithVideo(codecName: string, pixFmt?: string, bitsPerRawSample?: string): ProbeResult {
  return {
    ok: true,
    video: { codecName, ...(pixFmt && { pixFmt }), bitDepth: bitDepthOf(pixFmt, bitsPerRawSample) },
    audio: [{ codecName: 'ac3' }, { codecName: 'mp2' }],
    audioTrackCount: 2,
  };
}

describe('decideStrategy: the decision table', () => {
  test.each([
    // hevc / h265, any depth → transcode
    ['hevc', 'yuv420p', undefined, 'transcode', 8],
    ['hevc', 'yuv420p10le', undefined, 'transcode', 10],
    ['h265', 'yuv420p', undefined, 'transcode', 8],
    ['HEVC', 'p010le', undefined, 'transcode', 10],
    // h264 ≥ 10-bit → transcode, every spelling of the depth
    ['h264', 'yuv420p10le', undefined, 'transcode', 10],
    ['h264', 'yuv420p10be', undefined, 'transcode', 10],
    ['h264', 'yuv422p10le', undefined, 'transcode', 10],
    ['h264', 'yuv422p12be', undefined, 'transcode', 12],
    ['h264', 'yuv444p14le', undefined, 'transcode', 14],
    ['h264', 'yuv444p16le', undefined, 'transcode', 16],
    ['h264', 'yuv420p9le', undefined, 'transcode', 9],
    ['h264', 'p010le', undefined, 'transcode', 10],
    ['h264', 'gray10le', undefined, 'transcode', 10],
    ['h264', 'yuv420p', '10', 'transcode', 10],
    ['h264', undefined, '10', 'transcode', 10],
    // h264 8-bit → default (copy)
    ['h264', 'yuv420p', '8', 'default', 8],
    ['h264', 'yuvj420p', undefined, 'default', 8],
    ['h264', undefined, undefined, 'default', 8],
    ['H264', 'yuv420p', undefined, 'default', 8],
    // mpeg2video, any → transcode
    ['mpeg2video', 'yuv420p', undefined, 'transcode', 8],
    ['mpeg2video', 'yuv422p', '8', 'transcode', 8],
  ] as const)('%s pix_fmt=%s bits=%s → %s', (codec, pixFmt, bits, strategy, bitDepth) => {
    const decision = decideStrategy(probeWithVideo(codec, pixFmt, bits));
    expect(decision).toMatchObject({
      strategy,
      videoCodec: normalizeVideoCodec(codec),
      bitDepth,
      audioTrackCount: 2,
      hasVideo: true,
      probeFailed: false,
    });
    expect(decision.reason).toMatch(new RegExp(normalizeVideoCodec(codec)));
  });

  test.each(['vc1', 'mpeg4', 'av1', 'vp9', 'mpeg1video'])('%s (decodable, not browser-playable) → transcode', (codec) => {
    const decision = decideStrategy(probeWithVideo(codec, 'yuv420p'));
    expect(decision).toMatchObject({ strategy: 'transcode', videoCodec: codec, hasVideo: true, probeFailed: false });
    expect(decision.reason).toContain(codec);
  });

  test('h264 4:2:2 and 4:4:4 at 8 bits → transcode (browsers play only 4:2:0)', () => {
    expect(decideStrategy(probeWithVideo('h264', 'yuv422p'))).toMatchObject({ strategy: 'transcode', bitDepth: 8 });
    expect(decideStrategy(probeWithVideo('h264', 'yuv444p'))).toMatchObject({ strategy: 'transcode', bitDepth: 8 });
  });

  test('a codec ffprobe cannot name → unsupported (codec_unsupported), fail fast', () => {
    const decision = decideStrategy(probeWithVideo('unknown', 'yuv420p'));
    expect(decision).toMatchObject({ strategy: 'unsupported', kind: 'codec_unsupported', videoCodec: 'unknown', hasVideo: true });
  });

  test.each<[string, ProbeResult]>([
    ['ffprobe failed', { ok: false, audio: [], audioTrackCount: 0, error: 'ffprobe output is not JSON' }],
    ['no stream at all', { ok: true, audio: [], audioTrackCount: 0 }],
  ])('%s → default, assuming h264 8-bit', (_name, probe) => {
    const decision = decideStrategy(probe);
    expect(decision).toMatchObject({
      strategy: 'default', videoCodec: 'h264', bitDepth: 8, hasVideo: true, probeFailed: true, audioTrackCount: 0,
    });
    expect(decision.reason).toMatch(/probe failed.*assuming h264 8-bit/);
  });

  test('the probe error is kept in the reason', () => {
    const decision = decideStrategy({ ok: false, audio: [], audioTrackCount: 0, error: 'killed after 30 s' });
    expect(decision.reason).toContain('killed after 30 s');
  });

  test('no video stream (radio) → default, audio only, not a probe failure', () => {
    const decision = decideStrategy({ ok: true, audio: [{ codecName: 'mp2' }], audioTrackCount: 1 });
    expect(decision).toEqual({
      strategy: 'default',
      reason: expect.stringMatching(/no video stream \(radio\).*audio/),
      audioTrackCount: 1,
      hasVideo: false,
      probeFailed: false,
      isMpegTs: true,
    });
  });

  test('audio codecs never change the decision', () => {
    for (const codecName of ['ac3', 'eac3', 'mp2', 'aac_latm', 'aac']) {
      const probe: ProbeResult = { ...probeWithVideo('h264', 'yuv420p'), audio: [{ codecName }], audioTrackCount: 1 };
      expect(decideStrategy(probe).strategy).toBe('default');
    }
  });
});

describe('normalizeVideoCodec', () => {
  test.each([
    ['h265', 'hevc'],
    ['HEVC', 'hevc'],
    ['avc', 'h264'],
    [' H264 ', 'h264'],
    ['mpeg2video', 'mpeg2video'],
    ['vc1', 'vc1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeVideoCodec(input)).toBe(expected);
  });
});
