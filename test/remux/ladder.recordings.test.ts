import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RemuxError } from '../../src/remux/errors.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import type { RemuxResult } from '../../src/remux/ladder-types.js';
import { probeResultOfMp4, readMp4Movie } from '../../src/remux/read-mp4.js';
import { createTempDir, FFMPEG_BINARIES, type FfprobeJson, ffprobeJson, removeTempDir } from '../helpers/media.js';
import { detectInterlacing, RECORDINGS } from '../helpers/recordings.js';
import { rejectionOf } from '../helpers/rejection.js';

// What real recordings contain, made by the tests (see test/helpers/recordings.ts), through the
// ladder on both ffmpeg builds; every output is checked with ffprobe.

const binaries = FFMPEG_BINARIES.filter((binary) => binary.path !== undefined);
let dir: string;
const media: Record<string, string> = {};

beforeAll(async () => {
  dir = createTempDir('ffsup-recordings-');
  const made = await Promise.all([
    RECORDINGS.multiProgram(dir),
    RECORDINGS.emptyAudioPid(dir),
    RECORDINGS.emptyFirstVideoPid(dir),
    RECORDINGS.nothingDecodable(dir),
    RECORDINGS.audioDescriptionFirst(dir),
    RECORDINGS.longGop(dir, 5, '320x240'),
    RECORDINGS.longGop(dir, 60),
    RECORDINGS.midGop(dir),
    RECORDINGS.ptsWrap(dir),
    RECORDINGS.timestampJump(dir),
    RECORDINGS.interlacedMpeg2(dir),
    RECORDINGS.mpeg2FourTwoTwo(dir),
    RECORDINGS.eac3(dir),
    RECORDINGS.dts(dir),
    RECORDINGS.mpeg4Asp(dir),
    RECORDINGS.mkv(dir),
    RECORDINGS.mp4(dir),
    RECORDINGS.short(dir, 0.5),
    RECORDINGS.short(dir, 1.5),
    RECORDINGS.garbagePrefix(dir),
    RECORDINGS.short(dir, 0.12),
    RECORDINGS.midGopLate(dir),
    RECORDINGS.midGopLateManyTracks(dir),
    RECORDINGS.subtitlesAndData(dir),
    RECORDINGS.truncatedTail(dir),
  ]);
  const names = ['multiProgram', 'emptyAudioPid', 'emptyFirstVideoPid', 'nothingDecodable', 'audioDescriptionFirst', 'longGop5', 'longGop60',
    'midGop', 'ptsWrap', 'timestampJump', 'interlaced', 'fourTwoTwo', 'eac3', 'dts', 'mpeg4Asp', 'mkv', 'mp4', 'short05', 'short15', 'garbage', 'threeFrames', 'midGopLate', 'midGopLateManyTracks', 'subtitlesAndData', 'truncatedTail'];
  names.forEach((name, index) => {
    media[name] = made[index] as string;
  });
}, 120_000);

afterAll(() => removeTempDir(dir));

interface Expected {
  readonly strategy: RemuxResult['strategy'];
  /** Output duration bounds, seconds. */
  readonly seconds: readonly [number, number];
  readonly audioTracks?: number;
}

/** ffprobe of the output: H.264 4:2:0 video starting within 1 s of AAC audio, the duration and track count. */
async function expectPlayable(output: string, expected: Expected) {
  const probe = await ffprobeJson(output);
  const video = probe.streams.filter((s) => s['codec_type'] === 'video');
  const audio = probe.streams.filter((s) => s['codec_type'] === 'audio');
  expect(video).toHaveLength(1);
  expect(video[0]).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p' });
  expect(audio.map((s) => s['codec_name'])).toEqual(Array(expected.audioTracks ?? 1).fill('aac'));
  const videoStart = Number(video[0]?.['start_time']);
  const audioStart = Math.min(...audio.map((s) => Number(s['start_time'])));
  expect(videoStart - audioStart).toBeLessThanOrEqual(1);
  const duration = Number(probe.format['duration']);
  expect(duration).toBeGreaterThanOrEqual(expected.seconds[0]);
  expect(duration).toBeLessThanOrEqual(expected.seconds[1]);
  expect(Number(video[0]?.['duration'])).toBeGreaterThan(Math.min(duration * 0.8, duration - 0.05)); // the picture lasts as long as the sound
  await expectMoovReadAsFfprobe(output, probe);
  return probe;
}

/** The ladder checked this file by reading its `moov` in process: what it read is what ffprobe reads, to 2 ms. */
async function expectMoovReadAsFfprobe(output: string, probe: FfprobeJson) {
  const read = await readMp4Movie(output);
  expect(read).toBeDefined();
  const mine = probeResultOfMp4(read!.movie, read!.sizeBytes);
  const close = (value: unknown) => (value === undefined ? undefined : Math.round(Number(value) * 500) / 500);
  expect({
    durationSec: close(mine.durationSec),
    streams: mine.streams?.map((s) => ({ type: s.codecType, codec: s.codecName, start: close(s.startTimeSec), duration: close(s.durationSec) })),
  }).toEqual({
    durationSec: close(probe.format['duration']),
    streams: probe.streams.map((s) => ({ type: s['codec_type'], codec: s['codec_name'], start: close(s['start_time']), duration: close(s['duration']) })),
  });
}

const cases: ReadonlyArray<readonly [string, string, Expected]> = [
  ['two programs, 0:v:0 and 0:a:0 from different ones, absurd format.duration', 'multiProgram', { strategy: 'default', seconds: [3.5, 4.5] }],
  ['a declared audio PID without packets', 'emptyAudioPid', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['the first video PID declared but empty', 'emptyFirstVideoPid', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['DVB subtitle, teletext, SCTE-35 and data PIDs beside the A/V', 'subtitlesAndData', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['audio description first', 'audioDescriptionFirst', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['long GOP (keyint 250), 5 s: shorter than one GOP', 'longGop5', { strategy: 'default', seconds: [4.5, 5.5] }],
  ['long GOP (keyint 250), 60 s', 'longGop60', { strategy: 'default', seconds: [59, 61] }],
  ['a start in the middle of a GOP (audio trimmed to the first keyframe)', 'midGop', { strategy: 'default', seconds: [3.5, 4.5] }],
  ['a start in the middle of a 10 s GOP, the first keyframe 8 s into 12 s', 'midGopLate', { strategy: 'default', seconds: [3.5, 4.5] }],
  ['the same with six audio tracks: the keyframe lies beyond the packets the probe lists', 'midGopLateManyTracks', { strategy: 'default', seconds: [3.5, 4.5] }],
  ['a PTS wrap 3.7 s in', 'ptsWrap', { strategy: 'default', seconds: [9.5, 10.5] }],
  ['a 1,000 s timestamp jump (two recordings joined)', 'timestampJump', { strategy: 'default', seconds: [7, 9] }],
  ['interlaced MPEG-2', 'interlaced', { strategy: 'transcode', seconds: [2.5, 3.5] }],
  ['MPEG-2 4:2:2', 'fourTwoTwo', { strategy: 'transcode', seconds: [2.5, 3.5] }],
  ['E-AC-3 audio', 'eac3', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['DTS audio', 'dts', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['MPEG-4 ASP video', 'mpeg4Asp', { strategy: 'transcode', seconds: [2.5, 3.5] }],
  ['an MKV input', 'mkv', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['an MP4 input with AAC-LC', 'mp4', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['a 0.5 s recording', 'short05', { strategy: 'default', seconds: [0.4, 0.7] }],
  ['a 1.5 s recording', 'short15', { strategy: 'default', seconds: [1.3, 1.7] }],
  ['three frames (0.12 s)', 'threeFrames', { strategy: 'default', seconds: [0.1, 0.2] }],
  ['200 KB of garbage before the first packet', 'garbage', { strategy: 'default', seconds: [2.5, 3.5] }],
  ['the last TS packet cut off', 'truncatedTail', { strategy: 'default', seconds: [2.5, 3.5] }],
];

describe.each(binaries)('real recordings through the ladder ($name)', ({ name: binaryName, path: ffmpegPath }) => {
  const results: Record<string, RemuxResult> = {};

  test.each(cases)('%s → a playable MP4', async (_title, name, expected) => {
    const output = join(dir, `${name}-${Math.random().toString(36).slice(2)}.mp4`);
    const result = await new RemuxLadder({ ffmpegPath }).remux({ inputs: [media[name] as string], output });
    expect(result.strategy).toBe(expected.strategy);
    expect(result.attempts.map((attempt) => attempt.kind)).toEqual(['none']);
    await expectPlayable(output, expected);
    results[name] = result;
  }, 60_000);

  test('the stream choice of those files, as the decision tells it', () => {
    const multi = results['multiProgram']?.decision.streams;
    const multiProbe = results['multiProgram']?.probes[0];
    const pidOf = (index: number | undefined) => multiProbe?.streams?.find((s) => s.index === index)?.id;
    expect([pidOf(multi?.video?.index), pidOf(multi?.audio[0]?.index)]).toEqual(['0x100', '0x101']);
    expect(multi?.dropped.map((d) => [d.id, d.reason])).toEqual(expect.arrayContaining([['0x200', 'other_program'], ['0x201', 'other_program']]));
    expect(results['multiProgram']?.media.durationSec).toBeLessThan(5); // not format.duration's 20,000 s

    const emptyAudio = results['emptyAudioPid'];
    expect(emptyAudio?.decision.streams?.dropped).toEqual([expect.objectContaining({ id: '0x101', reason: 'no_parameters' })]);
    expect(emptyAudio?.decision.streams?.audio).toEqual([expect.objectContaining({ codecName: 'ac3' })]);
    expect(results['emptyFirstVideoPid']?.decision.streams?.dropped).toEqual([expect.objectContaining({ id: '0x100', reason: 'no_parameters' })]);
    expect(results['subtitlesAndData']?.decision.streams?.dropped.map((d) => [d.id, d.codecName, d.reason])).toEqual([
      ['0x102', 'dvb_subtitle', 'not_audio_or_video'],
      ['0x103', 'dvb_teletext', 'not_audio_or_video'],
      ['0x104', 'unknown', 'not_audio_or_video'],
      ['0x105', 'bin_data', 'not_audio_or_video'],
    ]);
    expect(results['audioDescriptionFirst']?.decision.streams?.audio).toEqual([expect.objectContaining({ language: 'deu' })]);
    expect(results['midGop']?.media.videoStartSec).toBeGreaterThan(1);
    expect(results['timestampJump']?.media.trusted).toBe(false);
    expect(results['interlaced']?.attempts[0]?.args).toContain('bwdif=mode=send_frame:parity=auto:deint=all');
    expect(results['mp4']?.attempts[0]?.args.join(' ')).toContain('-c:a:0 copy');
    expect(results['mkv']?.attempts[0]?.args).not.toContain('-fflags');
  });

  test('the interlaced source is deinterlaced: idet finds the source combed and the output progressive', async () => {
    const source = await detectInterlacing(media['interlaced'] as string);
    expect(source.interlaced).toBeGreaterThan(0.9 * (source.interlaced + source.progressive));
    const output = results['interlaced']?.output as string;
    const made = await detectInterlacing(output);
    expect(made.progressive).toBeGreaterThan(0.8 * (made.interlaced + made.progressive)); // measured: 71 of 75 frames
  }, 60_000);

  test("audioTracks 'all' keeps the description track too, main first, languages carried", async () => {
    const output = join(dir, `all-tracks-${Math.random().toString(36).slice(2)}.mp4`);
    await new RemuxLadder({ ffmpegPath, audioTracks: 'all' }).remux({ inputs: [media['audioDescriptionFirst'] as string], output });
    const probe = await expectPlayable(output, { strategy: 'default', seconds: [2.5, 3.5], audioTracks: 2 });
    const audio = probe.streams.filter((s) => s['codec_type'] === 'audio');
    expect(audio.map((s) => (s['tags'] as Record<string, string>)['language'])).toEqual(['deu', 'eng']);
    // The 2018 build's MP4 muxer writes no dispositions; 5.1 keeps the description flag.
    if (binaryName.includes('5.1')) expect(audio.map((s) => (s['disposition'] as Record<string, number>)['visual_impaired'])).toEqual([0, 1]);
  }, 60_000);

  test('a capture with nothing decodable → no_playable_streams, naming what it found, no ffmpeg run', async () => {
    const output = join(dir, 'nothing.mp4');
    const error = await rejectionOf<RemuxError>(new RemuxLadder({ ffmpegPath }).remux({ inputs: [media['nothingDecodable'] as string], output, id: 'job-7' }));
    expect(error).toMatchObject({ code: 'ERR_REMUX_FAILED', kind: 'no_playable_streams', attempts: [], id: 'job-7' });
    expect(error.message).toContain('#0 video h264 (0x100) without parameters (no packets)');
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
