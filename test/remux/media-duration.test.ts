import { expect, test } from 'vitest';
import { mediaDurationOf } from '../../src/remux/media-duration.js';
import type { ProbedStream, ProbeResult, StreamPlan } from '../../src/remux/types.js';

const stream = (index: number, codecType: string, durationSec?: number): ProbedStream => ({
  index, codecType, codecName: 'x', attachedPicture: false, visualImpaired: false, hearingImpaired: false, cleanEffects: false, programIds: [],
  ...(durationSec !== undefined && { durationSec }),
});
const probe = (durationSec: number | undefined, streams: ProbedStream[]): ProbeResult =>
  ({ ok: true, audio: [], audioTrackCount: 0, streams, ...(durationSec !== undefined && { durationSec }) });
const plan: StreamPlan = { video: { index: 0, codecName: 'h264', interlaced: false }, audio: [{ index: 1, codecName: 'mp2', copy: false }], dropped: [] };

test('a multi-program capture: the chosen streams\' durations, not format.duration', () => {
  const result = mediaDurationOf([probe(72_054, [stream(0, 'video', 4), stream(1, 'audio', 4.02), stream(2, 'video', 72_054)])], plan, 4e6);
  expect(result).toEqual({ durationSec: 4.02, trusted: true });
});

test('parts add up; a part without stream durations uses its container duration', () => {
  expect(mediaDurationOf([probe(10, [stream(0, 'video', 10)]), probe(5, [])], plan, 10e6)).toEqual({ durationSec: 15, trusted: true });
});

test('a duration that implies less than 32 kbit/s of video recording is not trusted (a 1,000 s timestamp jump)', () => {
  expect(mediaDurationOf([probe(1_004, [stream(0, 'video', 1_004), stream(1, 'audio', 1_004)])], plan, 300_000)).toEqual({ durationSec: 1_004, trusted: false });
});

test('no duration at all → undefined, not trusted', () => {
  expect(mediaDurationOf([probe(undefined, [stream(0, 'video')])], plan, 1e6)).toEqual({ durationSec: undefined, trusted: false });
});
