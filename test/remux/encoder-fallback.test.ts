import { afterEach, describe, expect, test } from 'vitest';
import {
  encoderFailureDetail,
  failedEncodersOf,
  forgetFailedEncoders,
  isEncoderStartFailure,
  planEncoders,
  rememberFailedEncoder,
} from '../../src/remux/encoder-fallback.js';
import type { FfmpegOutcome } from '../../src/supervisor/outcome.js';
import type { FfmpegProgress } from '../../src/supervisor/progress-parser.js';

afterEach(() => forgetFailedEncoders());

const ALL = new Set(['libx264', 'h264_vaapi', 'h264_nvenc', 'h264_qsv']);

describe('planEncoders', () => {
  test('libx264 alone', () => {
    expect(planEncoders('libx264', ALL)).toEqual({ requested: 'libx264', candidates: ['libx264'], left: [] });
  });

  test('a hardware encoder, then libx264; not tried when the build does not list it', () => {
    expect(planEncoders('h264_vaapi', ALL).candidates).toEqual(['h264_vaapi', 'libx264']);
    expect(planEncoders('h264_vaapi', new Set(['libx264']))).toEqual({
      requested: 'h264_vaapi',
      candidates: ['libx264'],
      left: [{ encoder: 'h264_vaapi', reason: 'not_in_build', detail: 'this ffmpeg build does not list h264_vaapi', durationMs: 0 }],
    });
    // An unknown list (an injected spawn): tried.
    expect(planEncoders('h264_qsv', undefined).candidates).toEqual(['h264_qsv', 'libx264']);
  });

  test("'auto': every listed hardware encoder in order, skipping the ones that failed before", () => {
    expect(planEncoders('auto', ALL).candidates).toEqual(['h264_nvenc', 'h264_vaapi', 'h264_qsv', 'libx264']);
    const plan = planEncoders('auto', ALL, new Set(['h264_nvenc', 'h264_qsv'] as const));
    expect(plan.candidates).toEqual(['h264_vaapi', 'libx264']);
    expect(plan.left.map((left) => [left.encoder, left.reason])).toEqual([
      ['h264_nvenc', 'failed_before'],
      ['h264_qsv', 'failed_before'],
    ]);
    // An explicit choice ignores the memory.
    expect(planEncoders('h264_nvenc', ALL, new Set(['h264_nvenc'] as const)).candidates).toEqual(['h264_nvenc', 'libx264']);
  });
});

function outcome(reason: FfmpegOutcome['reason'], lastProgress?: Partial<FfmpegProgress>): FfmpegOutcome {
  return { reason, exitCode: reason === 'completed' ? 0 : 1, lastProgress } as unknown as FfmpegOutcome;
}

describe('isEncoderStartFailure', () => {
  test.each([
    ['failed with no progress at all', outcome('failed'), true],
    ['failed after a block with nothing written (frame 0, size 0)', outcome('failed', { frame: 0, outTimeUs: 0, totalSize: 0 }), true],
    ['failed after a block with N/A numbers', outcome('failed', { frame: undefined, outTimeUs: undefined, totalSize: undefined }), true],
    ['failed after frames', outcome('failed', { frame: 12, outTimeUs: 480_000, totalSize: 48 }), false],
    ['failed after output bytes only', outcome('failed', { frame: 0, totalSize: 1_024 }), false],
    ['stalled while starting', outcome('stalled'), false],
    ['aborted while starting', outcome('aborted'), false],
    ['timed out', outcome('timeout'), false],
    ['spawn failed', outcome('spawn_failed'), false],
    ['completed', outcome('completed'), false],
  ])('%s → %s', (_name, value, expected) => {
    expect(isEncoderStartFailure(value)).toBe(expected);
  });
});

describe('encoderFailureDetail', () => {
  // Measured with Debian's ffmpeg 5.1.9 on this machine (no /dev/dri, no NVIDIA driver).
  test.each([
    [
      'h264_vaapi',
      '[AVHWDeviceContext @ 0x563405d34b00] [error] No VA display found for device /dev/dri/renderD128.\n[error] Device creation failed: -22.\n[error] Failed to set value \'/dev/dri/renderD128\' for option \'vaapi_device\': Invalid argument\n[fatal] Error parsing global options: Invalid argument',
      '[AVHWDeviceContext @ 0x563405d34b00] [error] No VA display found for device /dev/dri/renderD128.',
    ],
    [
      'h264_nvenc',
      '[h264_nvenc @ 0x55d4b4ecdd00] [error] Cannot load libcuda.so.1\n[error] Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0 - maybe incorrect parameters such as bit_rate, rate, width or height',
      '[h264_nvenc @ 0x55d4b4ecdd00] [error] Cannot load libcuda.so.1',
    ],
    [
      'h264_qsv',
      '[h264_qsv @ 0x5561bbd66b00] [error] Error initializing an internal MFX session: unsupported (-3)\n[error] Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0',
      '[h264_qsv @ 0x5561bbd66b00] [error] Error initializing an internal MFX session: unsupported (-3)',
    ],
    ['unknown wording', 'some line\nthe last line\n', 'the last line'],
    ['nothing', '', 'exited before the first frame'],
  ])('%s', (_encoder, stderr, expected) => {
    expect(encoderFailureDetail(stderr)).toBe(expected);
  });
});

test('the memory is per binary, and can be forgotten', () => {
  rememberFailedEncoder('/usr/bin/ffmpeg', 'h264_vaapi');
  rememberFailedEncoder('/usr/bin/ffmpeg', 'h264_qsv');
  expect([...failedEncodersOf('/usr/bin/ffmpeg')]).toEqual(['h264_vaapi', 'h264_qsv']);
  expect([...failedEncodersOf('/opt/ffmpeg/bin/ffmpeg')]).toEqual([]);
  forgetFailedEncoders();
  expect([...failedEncodersOf('/usr/bin/ffmpeg')]).toEqual([]);
});
