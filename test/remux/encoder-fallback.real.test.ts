import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { forgetFailedEncoders } from '../../src/remux/encoder-fallback.js';
import { probeCapabilities } from '../../src/supervisor/capabilities.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import type { RemuxLadderEvents } from '../../src/remux/ladder-types.js';
import type { VideoEncoderName } from '../../src/remux/transcode-options.js';
import { createTempDir, ffprobeJson, generateTs, removeTempDir, SYSTEM_FFMPEG_PATH } from '../helpers/media.js';

/**
 * Debian's ffmpeg 5.1 lists h264_vaapi, h264_nvenc and h264_qsv, and this machine has no GPU, no
 * render node and no driver: each one really fails to start. Skipped where the binary is absent,
 * lacks an encoder, or the hardware is there (the encoder would then work).
 */
const HARDWARE: readonly VideoEncoderName[] = ['h264_vaapi', 'h264_nvenc', 'h264_qsv'];
const listed = new Set(SYSTEM_FFMPEG_PATH ? await probeCapabilities(SYSTEM_FFMPEG_PATH).then((capabilities) => capabilities.encoders, () => []) : []);
const hardwarePresent = existsSync('/dev/dri') || existsSync('/dev/nvidiactl');
const canFail = (encoder: VideoEncoderName) => SYSTEM_FFMPEG_PATH !== undefined && listed.has(encoder) && !hardwarePresent;

type AttemptEvent = Parameters<RemuxLadderEvents['attempt']>[0];

let dir: string;
let hevc: string;
let longerHevc: string;

beforeAll(async () => {
  dir = createTempDir('ffsup-encoder-fallback-');
  if (SYSTEM_FFMPEG_PATH) {
    hevc = await generateTs(dir, 'hevc.ts', { videoCodec: 'libx265', audioCodec: 'ac3', durationSec: 2, ffmpegPath: SYSTEM_FFMPEG_PATH });
    // Long enough for progress blocks to arrive while the single-threaded transcode runs.
    longerHevc = await generateTs(dir, 'hevc-12s.ts', { videoCodec: 'libx265', audioCodec: 'ac3', durationSec: 12, ffmpegPath: SYSTEM_FFMPEG_PATH });
  }
}, 60_000);
afterEach(() => forgetFailedEncoders());
afterAll(() => removeTempDir(dir));

function ladderFor(encoder: 'auto' | VideoEncoderName) {
  const ladder = new RemuxLadder({ ffmpegPath: SYSTEM_FFMPEG_PATH, ffprobePath: '/usr/bin/ffprobe', transcode: { encoder } });
  const events: AttemptEvent[] = [];
  const attemptEnds: string[] = [];
  ladder.on('attempt', (event) => events.push(event));
  ladder.on('attemptEnd', (attempt) => attemptEnds.push(attempt.strategy));
  return { ladder, events, attemptEnds };
}

const leftovers = () => readdirSync(dir).filter((name) => name.startsWith('.'));

describe('hardware encoder fallback with real Debian ffmpeg (no hardware here)', () => {
  for (const encoder of HARDWARE) test.skipIf(!canFail(encoder))(`${encoder} fails to start, and libx264 makes the MP4 in the same attempt`, async () => {
    const output = join(dir, `${encoder}.mp4`);
    const { ladder, events, attemptEnds } = ladderFor(encoder);
    const result = await ladder.remux({ inputs: [hevc], output });

    expect(result.strategy).toBe('transcode');
    expect(result.attempts).toHaveLength(1); // the failed start is not an attempt of its own
    expect(attemptEnds).toEqual(['transcode']);
    expect(result.encoder).toMatchObject({ requested: encoder, encoder: 'libx264' });
    expect(result.encoder?.left).toHaveLength(1);
    const [left] = result.encoder?.left ?? [];
    expect(left).toMatchObject({ encoder, reason: 'init_failed', exitCode: 1 });
    // The reason is ffmpeg's own line about the missing device or driver.
    expect(left?.detail).toMatch(/VA display|Device creation|libcuda|MFX session|opening encoder/i);
    expect(left?.durationMs).toBeGreaterThan(0);

    // Two `attempt` events for one attempt index: the hardware encoder, then libx264 saying why.
    expect(events.map((event) => [event.index, event.encoder?.encoder])).toEqual([[0, encoder], [0, 'libx264']]);
    expect(events[0]?.args).toContain(encoder);
    expect(events[1]?.args).toContain('libx264');
    expect(events[1]?.encoder?.left.map((entry) => entry.encoder)).toEqual([encoder]);

    const probe = await ffprobeJson(output);
    expect(probe.streams.find((stream) => stream.codec_type === 'video')?.codec_name).toBe('h264');
    expect(leftovers()).toEqual([]);
  }, 60_000);

  test.skipIf(!HARDWARE.every(canFail))("'auto' tries each listed hardware encoder once, then remembers the failures for this binary", async () => {
    const first = ladderFor('auto');
    const firstResult = await first.ladder.remux({ inputs: [hevc], output: join(dir, 'auto-1.mp4') });
    expect(firstResult.encoder?.encoder).toBe('libx264');
    expect(firstResult.encoder?.left.map((entry) => [entry.encoder, entry.reason])).toEqual([
      ['h264_nvenc', 'init_failed'],
      ['h264_vaapi', 'init_failed'],
      ['h264_qsv', 'init_failed'],
    ]);
    expect(first.events.map((event) => event.encoder?.encoder)).toEqual(['h264_nvenc', 'h264_vaapi', 'h264_qsv', 'libx264']);

    // A second ladder in the same process, same binary: straight to libx264, nothing started in vain.
    const second = ladderFor('auto');
    const secondResult = await second.ladder.remux({ inputs: [hevc], output: join(dir, 'auto-2.mp4') });
    expect(second.events.map((event) => event.encoder?.encoder)).toEqual(['libx264']);
    expect(secondResult.encoder?.left.map((entry) => [entry.encoder, entry.reason, entry.durationMs])).toEqual([
      ['h264_nvenc', 'failed_before', 0],
      ['h264_vaapi', 'failed_before', 0],
      ['h264_qsv', 'failed_before', 0],
    ]);

    // An explicit choice is tried again: the host named it.
    const explicit = ladderFor('h264_vaapi');
    await explicit.ladder.remux({ inputs: [hevc], output: join(dir, 'explicit.mp4') });
    expect(explicit.events.map((event) => event.encoder?.encoder)).toEqual(['h264_vaapi', 'libx264']);
  }, 120_000);

  test.skipIf(!canFail('h264_vaapi'))('a per-request encoder overrides the ladder option', async () => {
    const { ladder, events } = ladderFor('libx264');
    const result = await ladder.remux({ inputs: [hevc], output: join(dir, 'per-request.mp4'), transcode: { encoder: 'h264_vaapi', vaapiDevice: '/dev/dri/renderD129' } });
    expect(events[0]?.args).toEqual(expect.arrayContaining(['-vaapi_device', '/dev/dri/renderD129']));
    expect(result.encoder?.left[0]?.detail).toContain('/dev/dri/renderD129');
  }, 60_000);
});

describe('transcode resource limits with real Debian ffmpeg', () => {
  test.skipIf(SYSTEM_FFMPEG_PATH === undefined || process.platform !== 'linux')(
    'nice lowers every thread of the running ffmpeg, and threads caps the encoder',
    async () => {
      const ladder = new RemuxLadder({ ffmpegPath: SYSTEM_FFMPEG_PATH, ffprobePath: '/usr/bin/ffprobe', transcode: { nice: 15, threads: 1 } });
      const seen: { pid: number; nice: number[]; autogroup: string | undefined }[] = [];
      let args: readonly string[] = [];
      ladder.on('attempt', (event) => (args = event.args));
      ladder.on('progress', () => {
        const pid = ffmpegPidOf(args);
        if (pid === undefined || seen.length > 0) return;
        seen.push({ pid, nice: threadNiceValues(pid), autogroup: readOptional(`/proc/${pid}/autogroup`) });
      });
      await ladder.remux({ inputs: [longerHevc], output: join(dir, 'nice.mp4') });
      expect(args).toEqual(expect.arrayContaining(['-threads', '1', '-filter_threads', '1']));
      expect(seen).toHaveLength(1);
      expect(seen[0]?.nice.length).toBeGreaterThan(0);
      expect(new Set(seen[0]?.nice)).toEqual(new Set([15]));
      if (seen[0]?.autogroup !== undefined) expect(seen[0].autogroup).toMatch(/nice 15$/m);
    },
    60_000,
  );
});

/** The pid of our ffmpeg run: a child of this process whose command line is these args. */
function ffmpegPidOf(args: readonly string[]): number | undefined {
  const output = args.at(-1);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = readOptional(`/proc/${entry}/cmdline`);
    if (cmdline !== undefined && output !== undefined && cmdline.split('\0').includes(output) && cmdline.startsWith(SYSTEM_FFMPEG_PATH as string)) {
      const stat = readOptional(`/proc/${entry}/stat`);
      const ppid = stat === undefined ? undefined : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) return Number(entry);
    }
  }
  return undefined;
}

/** The nice value (field 19 of `/proc/<pid>/task/<tid>/stat`) of every thread of `pid`. */
function threadNiceValues(pid: number): number[] {
  const values: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readOptional(`/proc/${pid}/task/${tid}/stat`);
    if (stat !== undefined) values.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return values;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
