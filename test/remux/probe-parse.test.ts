import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bitDepthOf, needsLongAnalysis, parseProbeJson, PROBE_ENTRIES, probeArgs } from '../../src/remux/probe-parse.js';
import {
  createTempDir,
  generateTs,
  NPM_FFPROBE_PATH,
  removeTempDir,
  STATIC_BUILD_ENV,
  SYSTEM_FFPROBE_PATH,
  type GenerateTsOptions,
} from '../helpers/media.js';

const execFileAsync = promisify(execFile);

// What ffprobe 5.1 printed for probeArgs() on a libx264 + ac3 MPEG-TS (dispositions trimmed).
const REAL_FFPROBE_OUTPUT = `{
  "programs": [ { "streams": [ { "codec_name": "h264", "codec_type": "video" } ] } ],
  "streams": [
    { "codec_name": "h264", "profile": "High", "codec_type": "video", "width": 320, "height": 240,
      "pix_fmt": "yuv420p", "level": 13, "bits_per_raw_sample": "8", "disposition": { "default": 0, "attached_pic": 0 } },
    { "codec_name": "ac3", "codec_type": "audio", "sample_rate": "44100", "channels": 1,
      "channel_layout": "mono", "disposition": { "default": 0, "attached_pic": 0 } }
  ],
  "format": { "format_name": "mpegts", "duration": "2.005800" }
}`;

describe('probeArgs', () => {
  test('asks for JSON streams and format narrowed to the entries the ladder reads, input as file:', () => {
    expect(probeArgs('/rec/a.ts')).toEqual([
      '-v', 'quiet', '-analyzeduration', '20000000', '-probesize', '50000000', '-fflags', '+discardcorrupt', '-print_format', 'json', '-show_programs', '-show_streams', '-show_format',
      '-show_entries', PROBE_ENTRIES, 'file:/rec/a.ts',
    ]);
    expect(PROBE_ENTRIES).toBe(
      'stream=index,id,codec_type,codec_name,profile,level,pix_fmt,bits_per_raw_sample,sample_rate,channels,channel_layout,width,height,field_order,start_time,duration' +
        ':stream_disposition=attached_pic,visual_impaired,hearing_impaired,clean_effects:stream_tags=language:program=program_id:format=duration,start_time,format_name',
    );
  });

  test.each([
    ['concat:a.ts|b.ts', 'file:concat:a.ts|b.ts'],
    ['file:/x.ts', 'file:file:/x.ts'], // a file literally named `file:/x.ts`... is that file
    ['file:rec.ts', 'file:file:rec.ts'],
    ['rel dir/x.ts', 'file:rel dir/x.ts'],
  ])('%s → %s', (input, expected) => {
    expect(probeArgs(input).at(-1)).toBe(expected);
  });

  test('refuses an empty path', () => {
    expect(() => probeArgs('')).toThrow(TypeError);
  });

  test('with packets: the first N packets of all streams listed in the same run', () => {
    const args = probeArgs('/rec/a.ts', { packets: 1000 });
    expect(args.slice(-5)).toEqual(['-show_entries', `${PROBE_ENTRIES}:packet=stream_index,pts_time,dts_time,flags`, '-read_intervals', '%+#1000', 'file:/rec/a.ts']);
    expect(probeArgs('/rec/a.ts', { packets: 0 })).toEqual(probeArgs('/rec/a.ts'));
  });

  test('longAnalysis: false leaves ffprobe its own read limits', () => {
    expect(probeArgs('/rec/a.ts', { longAnalysis: false })).toEqual(probeArgs('/rec/a.ts').filter((arg) => !['-analyzeduration', '20000000', '-probesize', '50000000'].includes(arg)));
  });

  test.each([-1, 1.5, Number.NaN, '10'])('refuses packets: %s', (packets) => {
    expect(() => probeArgs('/rec/a.ts', { packets: packets as number })).toThrow(/options\.packets must be a whole number/);
  });
});

describe('bitDepthOf', () => {
  test.each<[string | undefined, string | number | undefined, number]>([
    ['yuv420p', '8', 8],
    ['yuv420p', undefined, 8],
    [undefined, undefined, 8],
    ['yuv420p10le', undefined, 10],
    ['yuv420p10be', '8', 10],
    ['yuv420p10', undefined, 10],
    ['yuv422p12be', undefined, 12],
    ['yuv444p14le', undefined, 14],
    ['yuv444p16le', undefined, 16],
    ['yuv420p9le', undefined, 9],
    ['YUV420P10LE', undefined, 10],
    ['gbrp10le', undefined, 10],
    ['yuva420p10le', undefined, 10],
    ['p010le', undefined, 10],
    ['p016be', undefined, 16],
    ['p210le', undefined, 10],
    ['gray10le', undefined, 10],
    ['gray12be', undefined, 12],
    // pix_fmt without a depth suffix falls through to bits_per_raw_sample (the source only read it for an empty pix_fmt)
    ['yuv420p', '10', 10],
    ['nv12', '8', 8],
    ['nv12', undefined, 8],
    ['', '10', 10],
    [undefined, 10, 10],
    [undefined, 'N/A', 8],
    [undefined, '0', 8],
    [undefined, '', 8],
  ])('pix_fmt %s, bits_per_raw_sample %s → %i', (pixFmt, bits, expected) => {
    expect(bitDepthOf(pixFmt, bits)).toBe(expected);
  });
});

describe('parseProbeJson', () => {
  test('reads real ffprobe output: first video, every audio, numbers from strings', () => {
    const { streams, ...summary } = parseProbeJson(REAL_FFPROBE_OUTPUT);
    expect(streams?.map((s) => [s.index, s.codecType, s.codecName])).toEqual([[0, 'video', 'h264'], [1, 'audio', 'ac3']]);
    expect(summary).toEqual({
      ok: true,
      video: {
        codecName: 'h264', profile: 'High', level: 13, pixFmt: 'yuv420p', bitsPerRawSample: 8, bitDepth: 8, width: 320, height: 240,
      },
      audio: [{ codecName: 'ac3', sampleRate: 44100, channels: 1, channelLayout: 'mono' }],
      audioTrackCount: 1,
      durationSec: 2.0058,
      formatName: 'mpegts',
    });
  });

  test('counts every audio track, skips attached pictures, reads 10-bit', () => {
    const result = parseProbeJson(JSON.stringify({
      streams: [
        { codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
        { codec_type: 'video', codec_name: 'HEVC', pix_fmt: 'yuv420p10le' },
        { codec_type: 'audio', codec_name: 'mp2' },
        { codec_type: 'audio', codec_name: 'ac3', sample_rate: 'N/A' },
        { codec_type: 'subtitle', codec_name: 'dvb_subtitle' },
      ],
      format: { duration: 'N/A' },
    }));
    expect(result.ok).toBe(true);
    expect(result.video).toEqual({ codecName: 'hevc', pixFmt: 'yuv420p10le', bitDepth: 10 });
    expect(result.audio.map((a) => a.codecName)).toEqual(['mp2', 'ac3']);
    expect(result.audio[1]).not.toHaveProperty('sampleRate');
    expect(result.audioTrackCount).toBe(2);
    expect(result).not.toHaveProperty('durationSec');
  });

  test('reads programs, indexes, dispositions, languages, field order and stream timing', () => {
    const result = parseProbeJson(JSON.stringify({
      programs: [{ program_id: 7, streams: [{ index: 4 }, { index: 9 }] }, { program_id: 8, streams: [{ index: 9 }] }],
      streams: [
        { index: 4, id: '0x100', codec_type: 'video', codec_name: 'mpeg2video', width: 720, height: 576, field_order: 'tt', start_time: '-3.700000', duration: '10.000000' },
        { index: 9, codec_type: 'audio', codec_name: 'mp2', sample_rate: '48000', channels: 2, tags: { language: 'deu' }, disposition: { visual_impaired: 1, clean_effects: 0 } },
      ],
      format: { format_name: 'mpegts', duration: '72054.1', start_time: '-3.7' },
    }));
    expect(result.startTimeSec).toBe(-3.7);
    expect(result.streams).toEqual([
      expect.objectContaining({ index: 4, id: '0x100', fieldOrder: 'tt', startTimeSec: -3.7, durationSec: 10, programIds: [7], visualImpaired: false }),
      expect.objectContaining({ index: 9, language: 'deu', visualImpaired: true, cleanEffects: false, programIds: [7, 8] }),
    ]);
  });

  test('audio only (radio) is ok, with no video', () => {
    const result = parseProbeJson('{"streams":[{"codec_type":"audio","codec_name":"mp2"}],"format":{}}');
    expect(result.ok).toBe(true);
    expect(result.video).toBeUndefined();
    expect(result.audioTrackCount).toBe(1);
  });

  test.each([
    ['empty text', '', /not JSON/],
    ['garbage', 'Segmentation fault', /not JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['what ffprobe prints for a missing file', '{\n\n}', /no audio or video stream/],
    ['only a data stream', '{"streams":[{"codec_type":"data"}]}', /no audio or video stream/],
    ['streams not an array', '{"streams":{"codec_type":"video"}}', /no audio or video stream/],
  ])('%s → ok false with an error', (_name, text, error) => {
    const result = parseProbeJson(text);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(error);
    expect(result.audio).toEqual([]);
    expect(result.audioTrackCount).toBe(0);
  });
});

describe('probeArgs + parseProbeJson against real ffprobe', () => {
  const ffprobes = [
    { name: 'npm static ffprobe', path: NPM_FFPROBE_PATH },
    { name: 'Debian ffprobe 5.1', path: SYSTEM_FFPROBE_PATH },
  ];
  const media: Array<{ name: string; options: GenerateTsOptions; codec?: string; bitDepth?: number; audio: string }> = [
    { name: 'h264-8bit.ts', options: { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 1 }, codec: 'h264', bitDepth: 8, audio: 'ac3' },
    { name: 'h264-10bit.ts', options: { videoCodec: 'libx264', pixFmt: 'yuv420p10le', audioCodec: 'mp2', durationSec: 1 }, codec: 'h264', bitDepth: 10, audio: 'mp2' },
    { name: 'hevc-10bit.ts', options: { videoCodec: 'libx265', pixFmt: 'yuv420p10le', audioCodec: 'aac', durationSec: 1 }, codec: 'hevc', bitDepth: 10, audio: 'aac' },
    { name: 'mpeg2.ts', options: { videoCodec: 'mpeg2video', audioCodec: 'mp2', durationSec: 1 }, codec: 'mpeg2video', bitDepth: 8, audio: 'mp2' },
    { name: 'radio.ts', options: { videoCodec: 'none', audioCodec: 'mp2', durationSec: 1 }, audio: 'mp2' },
  ];
  let dir: string | undefined;
  beforeAll(async () => {
    dir = createTempDir('ffsup-probe-');
    await Promise.all(media.map((m) => generateTs(dir as string, m.name, m.options)));
  });
  afterAll(() => removeTempDir(dir));

  describe.each(ffprobes)('$name', ({ path: ffprobePath }) => {
    test.skipIf(ffprobePath === undefined).each(media)('$name', async ({ name, codec, bitDepth, audio }) => {
      const { stdout } = await execFileAsync(ffprobePath as string, probeArgs(`${dir}/${name}`), { env: STATIC_BUILD_ENV });
      const result = parseProbeJson(stdout);
      expect(result.ok).toBe(true);
      expect(result.video?.codecName).toBe(codec);
      expect(result.video?.bitDepth).toBe(bitDepth);
      expect(result.audio.map((a) => a.codecName)).toEqual([audio]);
      expect(result.formatName).toBe('mpegts');
      expect(result.durationSec).toBeGreaterThan(0.9);
    });
  });
});

describe('needsLongAnalysis', () => {
  const stream = (fields: Record<string, unknown>) => ({ codec_name: 'x', disposition: {}, ...fields });
  const probe = (...streams: Array<Record<string, unknown>>) => parseProbeJson(JSON.stringify({ streams, format: { format_name: 'mpegts' } }));
  test.each([
    ['every stream with its parameters', probe(stream({ index: 0, codec_type: 'video', width: 320 }), stream({ index: 1, codec_type: 'audio', sample_rate: '48000' })), false],
    ['a video stream without dimensions', probe(stream({ index: 0, codec_type: 'video', width: 0 }), stream({ index: 1, codec_type: 'audio', sample_rate: '48000' })), true],
    ['an audio stream without a sample rate', probe(stream({ index: 0, codec_type: 'video', width: 320 }), stream({ index: 1, codec_type: 'audio', sample_rate: '0' })), true],
    ['an attached picture without dimensions does not count', probe(stream({ index: 0, codec_type: 'video', disposition: { attached_pic: 1 } }), stream({ index: 1, codec_type: 'audio', sample_rate: '44100' })), false],
    ['subtitles and data have no such parameters', probe(stream({ index: 0, codec_type: 'audio', sample_rate: '48000' }), stream({ index: 1, codec_type: 'subtitle' }), stream({ index: 2, codec_type: 'data' })), false],
    ['no usable answer', parseProbeJson('{}'), true],
  ])('%s → %s', (_name, result, expected) => {
    expect(needsLongAnalysis(result)).toBe(expected);
  });
});

test('the main entry exports the probe pieces a host can reuse', async () => {
  const entry = await import('../../src/index.js');
  expect(entry.probeArgs('/rec/a.ts', { packets: entry.INPUT_PROBE_PACKETS, longAnalysis: false })).toContain(`%+#${entry.INPUT_PROBE_PACKETS}`);
  expect(entry.needsLongAnalysis(entry.parseProbeJson('{}'))).toBe(true);
  expect(entry.PACKET_ENTRIES).toBe('packet=stream_index,pts_time,dts_time,flags');
});
