import { expect, test } from 'vitest';
import { checkOutput, type OutputExpectations } from '../../src/remux/output-file.js';
import type { ProbedStream, ProbeResult } from '../../src/remux/types.js';

const base = { attachedPicture: false, visualImpaired: false, hearingImpaired: false, cleanEffects: false, programIds: [] };
const video = (startTimeSec: number, durationSec: number): ProbedStream =>
  ({ ...base, index: 0, codecType: 'video', codecName: 'h264', width: 320, height: 240, startTimeSec, durationSec });
const audio = (startTimeSec: number, durationSec: number): ProbedStream => ({ ...base, index: 1, codecType: 'audio', codecName: 'aac', startTimeSec, durationSec });
const mp4 = (streams: ProbedStream[], durationSec: number): ProbeResult => ({
  ok: true,
  ...(streams.some((s) => s.codecType === 'video') && { video: { codecName: 'h264', bitDepth: 8 } }),
  audio: streams.filter((s) => s.codecType === 'audio').map(() => ({ codecName: 'aac' })),
  audioTrackCount: streams.filter((s) => s.codecType === 'audio').length,
  durationSec,
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  streams,
});
const expected: OutputExpectations = { hasVideo: true, hasAudio: true, expectedDurationSec: 10 };

test('a good file passes', () => {
  expect(checkOutput(mp4([video(0.03, 10), audio(0, 10)], 10), 1_000, expected)).toBeUndefined();
});

test.each([
  ['picture 9 s after the sound (copy after a seek on a long GOP)', [video(9.03, 1), audio(0, 10)], 10, 'the picture starts 9.03 s after the sound'],
  ['no video although the input has some', [audio(0, 10)], 10, 'the output has no video stream'],
  ['a video track much shorter than the sound', [video(0, 3), audio(0, 10)], 10, 'the video lasts 3.0 s of the sound\'s 10.0 s'],
  ['a 990 s hole kept in the timeline (two recordings joined, copied with +igndts)', [video(0.08, 10), audio(0.05, 10.04)], 1000.2, 'the timeline runs 1000.2 s for 10.0 s of media: a timestamp jump was kept'],
] as const)('%s → a picture problem (climbs)', (_name, streams, duration, message) => {
  expect(checkOutput(mp4([...streams], duration), 1_000, expected)).toEqual({ message, picture: true });
});

test('too short against a trusted duration, or missing audio tracks → a problem that does not climb', () => {
  expect(checkOutput(mp4([video(0, 3), audio(0, 3)], 3), 1_000, expected)).toEqual({ message: 'the output lasts 3.0 s of an expected 10.0 s', picture: false });
  expect(checkOutput(mp4([video(0, 10), audio(0, 10)], 10), 1_000, { ...expected, audioTrackCount: 2 })).toEqual({ message: 'the output has 1 audio tracks of 2', picture: false });
});

test('an untrusted duration is not held against the file (a complete file is never rejected because a probe said 20 hours)', () => {
  expect(checkOutput(mp4([video(0, 8), audio(0, 8)], 8), 1_000, { ...expected, expectedDurationSec: undefined })).toBeUndefined();
});
