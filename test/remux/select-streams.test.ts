import { describe, expect, test } from 'vitest';
import { decideStrategy } from '../../src/remux/decide-strategy.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import { selectStreams } from '../../src/remux/select-streams.js';
import type { ProbedStream, ProbeResult } from '../../src/remux/types.js';

const base = { attachedPicture: false, visualImpaired: false, hearingImpaired: false, cleanEffects: false, programIds: [] as number[] };
const v = (index: number, extra: Partial<ProbedStream> = {}): ProbedStream =>
  ({ ...base, index, codecType: 'video', codecName: 'h264', width: 720, height: 576, pixFmt: 'yuv420p', bitDepth: 8, ...extra });
const a = (index: number, extra: Partial<ProbedStream> = {}): ProbedStream =>
  ({ ...base, index, codecType: 'audio', codecName: 'mp2', sampleRate: 48000, channels: 2, ...extra });
const other = (index: number, codecType: string, codecName: string): ProbedStream => ({ ...base, index, codecType, codecName });

function probeOf(streams: ProbedStream[], formatName = 'mpegts'): ProbeResult {
  return { ok: true, video: { codecName: 'h264', bitDepth: 8 }, audio: [], audioTrackCount: streams.filter((s) => s.codecType === 'audio').length, streams, formatName };
}

describe('selectStreams', () => {
  test('a PID declared without packets (no dimensions / no sample rate) is dropped as no_parameters', () => {
    const choice = selectStreams(probeOf([v(0, { width: 0, height: 0, pixFmt: undefined }), a(1, { sampleRate: 0, channels: 0, codecName: 'mp3' }), v(2), a(3)]));
    expect(choice.video?.index).toBe(2);
    expect(choice.audio.map((s) => s.index)).toEqual([3]);
    expect(choice.dropped).toEqual([
      { index: 0, codecType: 'video', codecName: 'h264', reason: 'no_parameters' },
      { index: 1, codecType: 'audio', codecName: 'mp3', reason: 'no_parameters' },
    ]);
  });

  test('audio comes from the video\'s program, not the first audio of the file', () => {
    const streams = [v(0, { programIds: [2] }), a(1, { programIds: [2] }), v(2, { programIds: [1], width: 1920, height: 1080 }), a(3, { programIds: [1] })];
    const choice = selectStreams(probeOf(streams));
    expect(choice).toMatchObject({ programId: 1, video: { index: 2 }, audio: [{ index: 3 }] });
    expect(choice.dropped.map((d) => [d.index, d.reason])).toEqual([[0, 'other_program'], [1, 'other_program']]);
  });

  test('main audio is preferred over audio description and clean effects; subtitles, teletext, data, cover art dropped', () => {
    const streams = [
      v(0), a(1, { visualImpaired: true, language: 'deu' }), a(2, { cleanEffects: true }), a(3, { language: 'deu' }),
      other(4, 'subtitle', 'dvb_subtitle'), other(5, 'subtitle', 'dvb_teletext'), other(6, 'data', 'unknown'), v(7, { attachedPicture: true, codecName: 'mjpeg' }),
    ];
    const choice = selectStreams(probeOf(streams));
    expect(choice.audio.map((s) => s.index)).toEqual([3]);
    expect(Object.fromEntries(choice.dropped.map((d) => [d.index, d.reason]))).toEqual({
      1: 'audio_description', 2: 'clean_effects', 4: 'not_audio_or_video', 5: 'not_audio_or_video', 6: 'not_audio_or_video', 7: 'attached_picture',
    });
  });

  test("'all' keeps every usable track, main first; languages keep the wanted ones, else the main track", () => {
    const streams = [v(0), a(1, { visualImpaired: true, language: 'eng' }), a(2, { language: 'deu' }), a(3, { language: 'eng' })];
    expect(selectStreams(probeOf(streams), 'all').audio.map((s) => s.index)).toEqual([2, 3, 1]);
    expect(selectStreams(probeOf(streams), { languages: ['ENG'] }).audio.map((s) => s.index)).toEqual([3, 1]);
    const none = selectStreams(probeOf(streams), { languages: ['fra'] });
    expect(none.audio.map((s) => s.index)).toEqual([2]);
    expect(none.dropped.find((d) => d.index === 3)?.reason).toBe('language_not_wanted');
  });
});

describe('decideStrategy with streams', () => {
  test('nothing with parameters → unsupported, kind no_playable_streams, naming what was found', () => {
    const decision = decideStrategy(probeOf([v(0, { width: 0, height: 0, id: '0x100' }), a(1, { sampleRate: 0, id: '0x101' }), other(2, 'data', 'scte_35')]));
    expect(decision).toMatchObject({ strategy: 'unsupported', kind: 'no_playable_streams' });
    expect(decision.reason).toBe(
      'no decodable audio or video stream: found #0 video h264 (0x100) without parameters (no packets), #1 audio mp2 (0x101) without parameters (no packets), #2 data scte_35',
    );
  });

  test('the plan maps by index, flags interlacing, copies AAC-LC stereo only, and knows a non-TS input', () => {
    const decision = decideStrategy(
      probeOf([v(0, { codecName: 'mpeg2video', fieldOrder: 'tt' }), a(1, { codecName: 'aac', profile: 'LC' }), a(2, { codecName: 'aac', profile: 'LC', channels: 6 })], 'matroska,webm'),
      { audioTracks: 'all' },
    );
    expect(decision).toMatchObject({
      strategy: 'transcode',
      isMpegTs: false,
      streams: { video: { index: 0, interlaced: true }, audio: [{ index: 1, copy: true }, { index: 2, copy: false }] },
    });
  });
});

test.each([['everything'], [{ languages: [] }], [{ languages: ['deu', 3] }], [null]])('audioTracks %j → TypeError naming the option', (value) => {
  expect(() => new RemuxLadder({ audioTracks: value as never })).toThrow(/`audioTracks` option must be 'main', 'all' or \{ languages/);
});
