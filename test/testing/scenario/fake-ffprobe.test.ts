import { afterEach, describe, expect, test } from 'vitest';
import { decideStrategy } from '../../../src/remux/decide-strategy.js';
import { probeMedia } from '../../../src/remux/probe-media.js';
import { parseProbeJson } from '../../../src/remux/probe-parse.js';
import { isFfprobeCall } from '../../../src/testing/scenario/command-line.js';
import { createFakeFfmpeg, type FakeFfmpeg } from '../../../src/testing/subprocess/fake-ffmpeg.js';
import { renderProbeJson } from '../../../src/testing/scenario/fake-ffprobe.js';
import { scenarios } from '../../../src/testing/scenario/builders.js';

describe('renderProbeJson', () => {
  test.each([
    [undefined, 'a.ts', { strategy: 'default', videoCodec: 'h264', bitDepth: 8, audioTrackCount: 1 }],
    [{ videoCodec: 'hevc' }, 'a.ts', { strategy: 'transcode', videoCodec: 'hevc' }],
    [{ pixFmt: 'yuv420p10le' }, 'a.ts', { strategy: 'transcode', videoCodec: 'h264', bitDepth: 10 }],
    [{ videoCodec: 'none', audioCodecs: ['mp2', 'ac3'] }, 'radio.ts', { strategy: 'default', hasVideo: false, audioTrackCount: 2 }],
    [{ videoCodec: 'vc1' }, 'a.ts', { strategy: 'transcode' }], // decodable, not browser-playable
  ])('probe %j of %s decides %j', (probe, file, decision) => {
    expect(decideStrategy(parseProbeJson(renderProbeJson(probe, file)))).toMatchObject(decision);
  });

  test('an MP4 (the ladder checking its output) reads as H.264 8-bit + AAC in an mp4 container', () => {
    const parsed = parseProbeJson(renderProbeJson({ videoCodec: 'hevc', pixFmt: 'yuv420p10le', durationSec: 7 }, '/out/.x.tmp-1.mp4'));
    expect(parsed).toMatchObject({ ok: true, durationSec: 7, formatName: 'mov,mp4,m4a,3gp,3g2,mj2', video: { codecName: 'h264', bitDepth: 8 } });
    expect(parsed.audio.map((stream) => stream.codecName)).toEqual(['aac']);
  });

  test('issue 14: an MP4 is described as a complete, sane file: H.264 yuv420p + AAC, both from 0, lasting the scenario', () => {
    const json = JSON.parse(renderProbeJson({ durationSec: 42.5, audioCodecs: ['ac3', 'mp2'] }, 'file.mp4')) as {
      streams: Array<Record<string, unknown>>;
      format: Record<string, unknown>;
    };
    expect(json.streams).toHaveLength(2); // the ladder maps one audio track
    expect(json.streams[0]).toMatchObject({ index: 0, codec_type: 'video', codec_name: 'h264', pix_fmt: 'yuv420p', start_time: '0.000000', duration: '42.500000', bits_per_raw_sample: '8' });
    expect(json.streams[1]).toMatchObject({ index: 1, codec_type: 'audio', codec_name: 'aac', profile: 'LC', start_time: '0.000000', duration: '42.500000' });
    expect(json.format).toMatchObject({ nb_streams: 2, start_time: '0.000000', duration: '42.500000', format_name: 'mov,mp4,m4a,3gp,3g2,mj2' });
    for (const stream of json.streams) {
      const [num, den] = String(stream.time_base).split('/').map(Number);
      expect((Number(stream.duration_ts) * (num ?? 0)) / (den ?? 1)).toBeCloseTo(42.5, 6);
    }
  });

  test('a radio MP4 has the audio alone', () => {
    const json = JSON.parse(renderProbeJson({ videoCodec: 'none' }, 'radio.mp4')) as { streams: Array<{ codec_type: string }> };
    expect(json.streams.map((stream) => stream.codec_type)).toEqual(['audio']);
  });
});

test.each([
  ['/usr/bin/ffprobe', ['x.ts'], true],
  ['C:\\ffmpeg\\bin\\ffprobe.exe', ['x.ts'], true],
  ['/usr/bin/ffmpeg', ['-show_streams', 'x.ts'], true],
  ['/opt/ffprobe-dir/ffmpeg', ['-i', 'x.ts'], false],
])('isFfprobeCall(%s, %j) → %s', (file, args, expected) => {
  expect(isFfprobeCall(file, args)).toBe(expected);
});

describe('the fake ffmpeg program as ffprobePath', () => {
  let fake: FakeFfmpeg | undefined;
  afterEach(() => fake?.cleanup());

  test('answers the probe the ladder sends (-show_streams) with the scenario probe', async () => {
    fake = createFakeFfmpeg({ ...scenarios.silentHang(), probe: { durationSec: 42 } });
    const probe = await probeMedia('/nowhere/recording.ts', { ffprobePath: fake.path });
    expect(probe).toMatchObject({ ok: true, durationSec: 42, formatName: 'mpegts', video: { codecName: 'h264' }, audioTrackCount: 1 });
  });
});
