import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildStrategyArgs } from '../../src/remux/build-strategy-args.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import { probeCapabilities } from '../../src/supervisor/capabilities.js';
import type { FfmpegError } from '../../src/supervisor/errors.js';
import { FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { createTempDir, ffprobeJson, removeTempDir, SYSTEM_FFMPEG_PATH } from '../helpers/media.js';
import { ffmpeg } from '../helpers/recordings.js';
import { rejectionOf } from '../helpers/rejection.js';
import type { RemuxError } from '../../src/remux/errors.js';

// The +faststart pass rewrites the whole MP4 after ffmpeg's last progress block. On slow
// storage (writes throttled to 2 MB/s by an LD_PRELOAD shim: Debian's dynamic ffmpeg only, the
// 2018 build is static) that silence lasts well over the 1 s stall timeout for a 2.4 MB file.

const STALL_TIMEOUT_MS = 1_000;
const HANG_WRITE_AFTER = 3_200_000;
/** Size of the MP4 the ladder makes of the recording (set by the completing test). */
let completeSize = 0;
let dir: string;
let shim: string | undefined;
let recording: string;

beforeAll(async () => {
  dir = createTempDir('ffsup-faststart-');
  try {
    shim = join(dir, 'slow-write.so');
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', shim, join(import.meta.dirname, '../fixtures/slow-write.c'), '-ldl'], { stdio: 'pipe' });
  } catch (error) {
    shim = undefined;
    console.warn(`skipping the faststart test: cannot build the write shim with gcc (${(error as Error).message.split('\n')[0]})`);
  }
  recording = join(dir, 'rec.ts');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=duration=20:size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=duration=20',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'mp2', '-f', 'mpegts', `file:${recording}`]);
}, 60_000);

afterAll(() => removeTempDir(dir));

const slowEnv = () => ({ ...process.env, LD_PRELOAD: shim, SLOW_WRITE_BPS: '2000000' });

test.skipIf(SYSTEM_FFMPEG_PATH === undefined)('control: on that storage, a plain supervisor calls the faststart pass a stall', async (context) => {
  if (!shim) context.skip();
  const ffmpegPath = SYSTEM_FFMPEG_PATH as string;
  const args = buildStrategyArgs('default', { input: { kind: 'file', path: recording }, output: join(dir, 'control.mp4'), capabilities: await probeCapabilities(ffmpegPath) });
  const supervisor = new FfmpegSupervisor({ ffmpegPath, args, env: slowEnv(), stallTimeoutMs: STALL_TIMEOUT_MS, startupGraceMs: 10_000, killGraceMs: 500 });
  const ended: boolean[] = [];
  supervisor.on('stall', (stall) => ended.push(stall.lastProgress?.done ?? false));
  const error = await rejectionOf<FfmpegError>(supervisor.run());
  expect(error.outcome?.reason).toBe('stalled');
  expect(ended).toEqual([false]); // stalled after the last progress block, before progress=end
}, 60_000);

test.skipIf(SYSTEM_FFMPEG_PATH === undefined)('the ladder counts the rewrite\'s writes as progress: the remux completes with a 1 s stall timeout', async (context) => {
  if (!shim) context.skip();
  const output = join(dir, 'slow.mp4');
  const ladder = new RemuxLadder({ ffmpegPath: SYSTEM_FFMPEG_PATH, env: slowEnv(), stallTimeoutMs: STALL_TIMEOUT_MS, startupGraceMs: 10_000, killGraceMs: 500 });
  const stalls: unknown[] = [];
  ladder.on('stall', (stall) => stalls.push(stall));
  const result = await ladder.remux({ inputs: [recording], output });
  expect(stalls).toEqual([]);
  expect(result.attempts.map((attempt) => [attempt.strategy, attempt.kind])).toEqual([['default', 'none']]);
  expect(result.attempts[0]?.durationMs).toBeGreaterThan(2 * STALL_TIMEOUT_MS); // the slow storage really was slow
  const probe = await ffprobeJson(output);
  expect(Number(probe.format['duration'])).toBeGreaterThan(19.5);
  completeSize = statSync(output).size;
  expect(existsSync(output)).toBe(true);
}, 60_000);

test.skipIf(SYSTEM_FFMPEG_PATH === undefined)('an ffmpeg stuck in the rewrite (its storage stops answering) is still stopped within the stated bound', async (context) => {
  if (!shim) context.skip();
  const output = join(dir, 'stuck.mp4');
  // The main pass writes about 2.4 MB; the rewrite hangs once 3.2 MB have been written in all.
  const env = { ...slowEnv(), SLOW_WRITE_BPS: '4000000', HANG_WRITE_AFTER: String(HANG_WRITE_AFTER) };
  const killGraceMs = 500;
  const ladder = new RemuxLadder({ ffmpegPath: SYSTEM_FFMPEG_PATH, env, stallTimeoutMs: STALL_TIMEOUT_MS, startupGraceMs: 10_000, killGraceMs });
  const stalls: Array<{ stalledForMs: number; done: boolean | undefined; outTimeUs: number | undefined; at: number }> = [];
  ladder.on('stall', (stall) =>
    stalls.push({ stalledForMs: stall.stalledForMs, done: stall.lastProgress?.done, outTimeUs: stall.lastOutTimeUs, at: Date.now() }),
  );
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [recording], output }));
  const settledAt = Date.now();
  expect(error.kind).toBe('stalled');
  expect(stalls).toHaveLength(1);
  expect(stalls[0]?.done).toBe(false); // after the last progress block, before progress=end: the rewrite
  // The whole MP4 is smaller than the hang threshold, so the main pass had written all of it: the hang was in the rewrite.
  expect(completeSize).toBeGreaterThan(0);
  expect(completeSize).toBeLessThan(HANG_WRITE_AFTER);
  // README: at most stallTimeoutMs + min(1 s, stallTimeoutMs / 4) + 1 s after the last write (generous here for a busy machine).
  expect(stalls[0]?.stalledForMs).toBeLessThan(STALL_TIMEOUT_MS + STALL_TIMEOUT_MS / 4 + 1_000 + 1_000);
  expect(settledAt - (stalls[0]?.at ?? 0)).toBeLessThan(killGraceMs + 2_000); // SIGTERM is not enough: SIGKILL, reaped
  expect(error.attempts[0]?.outcome).toMatchObject({ reason: 'stalled', forcedKill: true });
  expect(existsSync(output)).toBe(false);
}, 60_000);
