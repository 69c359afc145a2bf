import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

// The +faststart pass rewrites the whole MP4 after ffmpeg's last progress block. On slow
// storage (writes throttled to 2 MB/s by an LD_PRELOAD shim: Debian's dynamic ffmpeg only, the
// 2018 build is static) that silence lasts about 2 s for a 3 MB file, twice the stall timeout.

const STALL_TIMEOUT_MS = 1_000;
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
  expect(existsSync(output)).toBe(true);
}, 60_000);
