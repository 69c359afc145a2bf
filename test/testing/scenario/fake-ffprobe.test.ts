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
    [{ videoCodec: 'vc1' }, 'a.ts', { strategy: 'unsupported' }],
  ])('probe %j of %s decides %j', (probe, file, decision) => {
    expect(decideStrategy(parseProbeJson(renderProbeJson(probe, file)))).toMatchObject(decision);
  });

  test('an MP4 (the ladder checking its output) reads as H.264 8-bit + AAC in an mp4 container', () => {
    const parsed = parseProbeJson(renderProbeJson({ videoCodec: 'hevc', pixFmt: 'yuv420p10le', durationSec: 7 }, '/out/.x.tmp-1.mp4'));
    expect(parsed).toMatchObject({ ok: true, durationSec: 7, formatName: 'mov,mp4,m4a,3gp,3g2,mj2', video: { codecName: 'h264', bitDepth: 8 } });
    expect(parsed.audio.map((stream) => stream.codecName)).toEqual(['aac']);
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
