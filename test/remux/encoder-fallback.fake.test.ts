import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { forgetFailedEncoders } from '../../src/remux/encoder-fallback.js';
import { RemuxError } from '../../src/remux/errors.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import type { RemuxLadderEvents, RemuxLadderOptions } from '../../src/remux/ladder-types.js';
import { MODERN_FFMPEG_CAPABILITIES } from '../../src/supervisor/capabilities.js';
import { runUntilSettled } from '../../src/testing/clocks.js';
import { createFakeSpawn } from '../../src/testing/in-process/fake-spawn.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';
import { scenarios } from '../../src/testing/scenario/builders.js';

// In-process fakes on a fake clock: the paths real ffmpeg cannot produce here (a hardware
// encoder that fails after writing frames, stalls while starting, or is aborted).
const HEVC = { probe: { videoCodec: 'hevc' } } as const;
const NVENC_START_FAILURE = [
  '[h264_nvenc @ 0x55d4b4ecdd00] [error] Cannot load libcuda.so.1',
  '[error] Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0 - maybe incorrect parameters such as bit_rate, rate, width or height',
];

let dir: string;
let input: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ffsup-encoder-fake-'));
  input = path.join(dir, 'recording.ts');
  writeFileSync(input, 'the fake ffprobe never reads this');
});
afterEach(() => forgetFailedEncoders());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withProbe = (scenario: FakeFfmpegScenario): FakeFfmpegScenario => ({ ...scenario, ...HEVC });
const failsToStart = () => withProbe(scenarios.failsWith({ stderr: NVENC_START_FAILURE, exitCode: 1 }));
const completes = (text: string) => withProbe(scenarios.completes({ outputText: text }));
const leftovers = () => readdirSync(dir).filter((name) => name.startsWith('.'));

function setUp(list: readonly FakeFfmpegScenario[], options: Partial<RemuxLadderOptions> = {}) {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn(list, { clock });
  const ladder = new RemuxLadder({ spawn, clock, ...options });
  const events: Parameters<RemuxLadderEvents['attempt']>[0][] = [];
  ladder.on('attempt', (event) => events.push(event));
  const ffmpegArgs = () => spawn.calls.filter((call) => call.tool === 'ffmpeg').map((call) => call.args);
  return { clock, spawn, ladder, events, ffmpegArgs };
}

describe('hardware encoder fallback on the fake', () => {
  test('a start failure falls back to libx264 in the same attempt: one attempt, two attempt events', async () => {
    const { clock, ladder, events, ffmpegArgs } = setUp([failsToStart(), completes('from libx264')], { transcode: { encoder: 'h264_nvenc' } });
    const output = path.join(dir, 'fell-back.mp4');
    const result = await runUntilSettled(clock, ladder.remux({ inputs: [input], output }));
    expect(readFileSync(output, 'utf8')).toBe('from libx264');
    expect(result.attempts.map((attempt) => [attempt.strategy, attempt.kind, attempt.encoder?.encoder])).toEqual([['transcode', 'none', 'libx264']]);
    expect(result.encoder).toEqual({
      requested: 'h264_nvenc',
      encoder: 'libx264',
      left: [{ encoder: 'h264_nvenc', reason: 'init_failed', detail: NVENC_START_FAILURE[0], durationMs: expect.any(Number), exitCode: 1 }],
    });
    expect(events.map((event) => [event.strategy, event.index, event.encoder?.encoder])).toEqual([
      ['transcode', 0, 'h264_nvenc'],
      ['transcode', 0, 'libx264'],
    ]);
    expect(ffmpegArgs().map((args) => args[args.indexOf('-c:v') + 1])).toEqual(['h264_nvenc', 'libx264']);
    expect(leftovers()).toEqual([]);
  });

  test('a hardware encoder that fails after writing frames fails the attempt: no switch to libx264', async () => {
    const midRun = withProbe({
      steps: [
        { advance: { count: 3, everyMs: 100 } },
        { stderr: '[h264_vaapi @ 0x1] [error] Failed to end picture encode issue: 1 (operation failed).' },
        { stderr: '[error] Error submitting video frame to the encoder' },
        { exit: 1 },
      ],
    });
    const { clock, ladder, events, ffmpegArgs } = setUp([midRun, completes('must not be written')], { transcode: { encoder: 'h264_vaapi' } });
    const output = path.join(dir, 'mid-run.mp4');
    const error = await runUntilSettled(clock, ladder.remux({ inputs: [input], output })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemuxError);
    const attempts = (error as RemuxError).attempts;
    expect(attempts.map((attempt) => [attempt.strategy, attempt.kind, attempt.encoder?.encoder])).toEqual([['transcode', 'generic', 'h264_vaapi']]);
    expect(attempts[0]?.encoder?.left).toEqual([]);
    expect(events).toHaveLength(1);
    expect(ffmpegArgs()).toHaveLength(1);
    expect(leftovers()).toEqual([]);
  });

  test('a hardware encoder that hangs while starting is a stall, not a fallback', async () => {
    const { clock, ladder, ffmpegArgs } = setUp([withProbe(scenarios.silentHang()), completes('must not be written')], {
      transcode: { encoder: 'h264_qsv' },
      startupGraceMs: 1_000,
      stallTimeoutMs: 2_000,
    });
    const error = await runUntilSettled(clock, ladder.remux({ inputs: [input], output: path.join(dir, 'hang.mp4') })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'stalled' });
    expect((error as RemuxError).attempts[0]?.encoder?.encoder).toBe('h264_qsv');
    expect(ffmpegArgs()).toHaveLength(1);
  });

  test('an abort while the hardware encoder starts ends the remux: no fallback run', async () => {
    const controller = new AbortController();
    const { clock, ladder, ffmpegArgs } = setUp([withProbe(scenarios.silentHang()), completes('must not be written')], { transcode: { encoder: 'h264_vaapi' } });
    ladder.on('attempt', () => clock.setTimeout(() => controller.abort(new Error('host shutdown')), 50));
    const error = await runUntilSettled(clock, ladder.remux({ inputs: [input], output: path.join(dir, 'aborted.mp4'), signal: controller.signal })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(ffmpegArgs()).toHaveLength(1);
  });

  test('libx264 failing to start is the attempt failure (nothing further to fall back to)', async () => {
    const { clock, ladder, ffmpegArgs } = setUp([failsToStart(), failsToStart(), completes('must not be written')], { transcode: { encoder: 'h264_nvenc' } });
    const error = await runUntilSettled(clock, ladder.remux({ inputs: [input], output: path.join(dir, 'both.mp4') })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'generic' });
    const [attempt] = (error as RemuxError).attempts;
    expect(attempt?.encoder).toMatchObject({ encoder: 'libx264', left: [{ encoder: 'h264_nvenc', reason: 'init_failed' }] });
    expect(ffmpegArgs()).toHaveLength(2);
  });
});

describe("'auto' on the fake", () => {
  test('tries only the hardware encoders the build lists, in order, then libx264', async () => {
    const capabilities = { ...MODERN_FFMPEG_CAPABILITIES, encoders: ['libx264', 'h264_vaapi', 'h264_qsv'] };
    const { clock, ladder, ffmpegArgs } = setUp([failsToStart(), failsToStart(), completes('auto')], { transcode: { encoder: 'auto' }, capabilities });
    const result = await runUntilSettled(clock, ladder.remux({ inputs: [input], output: path.join(dir, 'auto-listed.mp4') }));
    expect(ffmpegArgs().map((args) => args[args.indexOf('-c:v') + 1])).toEqual(['h264_vaapi', 'h264_qsv', 'libx264']);
    expect(result.encoder?.left.map((entry) => [entry.encoder, entry.reason])).toEqual([
      ['h264_nvenc', 'not_in_build'],
      ['h264_vaapi', 'init_failed'],
      ['h264_qsv', 'init_failed'],
    ]);
  });

  test('remembers a failed start per binary for later remuxes in the process; another binary starts afresh', async () => {
    const capabilities = { ...MODERN_FFMPEG_CAPABILITIES, encoders: ['libx264', 'h264_vaapi'] };
    const first = setUp([failsToStart(), completes('first')], { transcode: { encoder: 'auto' }, capabilities, ffmpegPath: '/opt/a/ffmpeg' });
    await runUntilSettled(first.clock, first.ladder.remux({ inputs: [input], output: path.join(dir, 'auto-a1.mp4') }));
    expect(first.ffmpegArgs()).toHaveLength(2);

    const again = setUp([completes('again')], { transcode: { encoder: 'auto' }, capabilities, ffmpegPath: '/opt/a/ffmpeg' });
    const result = await runUntilSettled(again.clock, again.ladder.remux({ inputs: [input], output: path.join(dir, 'auto-a2.mp4') }));
    expect(again.ffmpegArgs().map((args) => args[args.indexOf('-c:v') + 1])).toEqual(['libx264']);
    expect(result.encoder?.left.map((entry) => [entry.encoder, entry.reason, entry.durationMs])).toEqual([
      ['h264_nvenc', 'not_in_build', 0],
      ['h264_vaapi', 'failed_before', 0],
      ['h264_qsv', 'not_in_build', 0],
    ]);

    const other = setUp([failsToStart(), completes('other')], { transcode: { encoder: 'auto' }, capabilities, ffmpegPath: '/opt/b/ffmpeg' });
    await runUntilSettled(other.clock, other.ladder.remux({ inputs: [input], output: path.join(dir, 'auto-b.mp4') }));
    expect(other.ffmpegArgs().map((args) => args[args.indexOf('-c:v') + 1])).toEqual(['h264_vaapi', 'libx264']);
  });

  test('does not remember a hardware encoder that failed after frames (a failure of that job, not of the device)', async () => {
    const capabilities = { ...MODERN_FFMPEG_CAPABILITIES, encoders: ['libx264', 'h264_vaapi'] };
    const midRun = withProbe({ steps: [{ advance: { count: 2, everyMs: 100 } }, { stderr: 'Error submitting video frame to the encoder' }, { exit: 1 }] });
    const first = setUp([midRun], { transcode: { encoder: 'auto' }, capabilities });
    await runUntilSettled(first.clock, first.ladder.remux({ inputs: [input], output: path.join(dir, 'auto-mid.mp4') })).catch(() => undefined);
    const second = setUp([completes('second')], { transcode: { encoder: 'auto' }, capabilities });
    await runUntilSettled(second.clock, second.ladder.remux({ inputs: [input], output: path.join(dir, 'auto-mid-2.mp4') }));
    expect(second.ffmpegArgs().map((args) => args[args.indexOf('-c:v') + 1])).toEqual(['h264_vaapi']);
  });

  test('copy rungs are untouched by the transcode option', async () => {
    const { clock, ladder, events } = setUp([scenarios.completes({ outputText: 'copied' })], { transcode: { encoder: 'h264_vaapi', threads: 2, nice: 10 } });
    const result = await runUntilSettled(clock, ladder.remux({ inputs: [input], output: path.join(dir, 'copy.mp4') }));
    expect(result.strategy).toBe('default');
    expect(result.encoder).toBeUndefined();
    expect(events[0]?.encoder).toBeUndefined();
    expect(events[0]?.args).not.toContain('-threads');
  });
});
