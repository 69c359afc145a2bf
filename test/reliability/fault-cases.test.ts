/**
 * The fault table of the process-supervision reference (cases 1–25; docs/fault-cases.md maps
 * each case to its tests), one named test per case and variant: the supervisor on the fake ffmpeg, the ladder where output files are
 * involved, and real ffmpeg (the npm static 2018 build and Debian's 5.1) wherever the fault can
 * be produced for real. Cases already covered elsewhere (see docs/fault-cases.md) get a variant
 * here that adds something: a real binary, the ladder, a fake clock for exactness, or the
 * resource check (fds, handles, children, live runs, timers, abort listeners).
 */
import { execFileSync, spawn as nodeSpawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import type { RemuxError } from '../../src/remux/errors.js';
import { killAllLiveRuns, liveRunCount } from '../../src/supervisor/host-exit.js';
import { MAX_LINE_LENGTH } from '../../src/supervisor/line-splitter.js';
import type { SpawnFunction } from '../../src/supervisor/options.js';
import { FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { ERROR_WRITING_TRAILER } from '../../src/testing/scenario/ffmpeg-messages.js';
import { scenarios, UNRECOGNIZED_OPTION_STDERR } from '../../src/testing/scenario/builders.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';
import { createTempDir, ffprobeJson, generateTs, NPM_FFMPEG_PATH, removeTempDir, STATIC_BUILD_ENV } from '../helpers/media.js';
import { isProcessAlive, waitForProcessGone, waitUntilBlockedInPipeRead } from '../helpers/processes.js';
import { rejectionOf } from '../helpers/rejection.js';
import { createCountingClock, expectResourcesBackTo, isSameProcessAlive, snapshotResources } from '../helpers/resources.js';
import {
  cleanUpProcessesAndFakes,
  dotFilesIn,
  FAKE_ARGS,
  lavfiInput,
  ladderOnFake,
  makeFake,
  REAL_FFMPEG,
  record,
  recordLadder,
  SHORT,
  shellQuote,
  silentFifo,
  sleep,
  superviseFake,
  superviseReal,
  trackProcess,
  waitForGroupMember,
  waitUntilGone,
  writeScript,
} from './kit.js';

let dir: string;
/** A 3 s H.264 + AC-3 MPEG-TS recording. */
let input: string;
/** A complete MP4 of it, for fakes that "write" a good output. */
let goodMp4: string;
const fifosToClose: Array<() => void> = [];

beforeAll(async () => {
  dir = createTempDir('ffsup-faults-');
  input = await generateTs(dir, 'recording.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 3 });
  goodMp4 = join(dir, 'good.mp4');
  execFileSync(NPM_FFMPEG_PATH as string, ['-v', 'error', '-i', input, '-c:v', 'copy', '-c:a', 'aac', goodMp4], { env: STATIC_BUILD_ENV });
}, 60_000);

afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of fifosToClose.splice(0)) close();
  await cleanUpProcessesAndFakes();
});

afterAll(() => removeTempDir(dir));

/** A fresh directory under the shared one (one per test, so leftover checks see only that test). */
function freshDir(): string {
  return mkdtempSync(join(dir, 'case-'));
}

/** A silent FIFO whose write end we hold until the test ends. */
function fifo(name: string): string {
  const held = silentFifo(dir, `${name}-${Date.now()}.ts`);
  fifosToClose.push(held.close);
  return held.path;
}

/** Polls the recorded stderr lines for one matching `pattern` (the fake's `ready pid=` line comes once its signal handlers are installed). */
async function waitForStderr(lines: readonly string[], pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    await sleep(10);
  }
  throw new Error(`no stderr line matched ${pattern}; got ${JSON.stringify(lines)}`);
}

/** Kill calls aimed at `pid` or its group, as `[target, signal]`. */
/** The signals sent to `pid` or its group; signal 0 (an existence check, which sends nothing) is left out. */
function killsAt(spy: { mock: { calls: unknown[][] } }, pid: number): Array<[number, unknown]> {
  return spy.mock.calls
    .filter(([target, signal]) => Math.abs(Number(target)) === pid && signal !== 0)
    .map(([target, signal]) => [Number(target), signal]);
}

const realDebian = REAL_FFMPEG.filter((binary) => binary.path === '/usr/bin/ffmpeg');

// ---- 1, 2: the binary cannot be started --------------------------------------------------------

test('case 1: ffmpeg binary missing (ENOENT) → one spawn_failed rejection with the errno; no timers, listeners, fds, children or live runs left', async () => {
  const baseline = snapshotResources();
  const clock = createCountingClock();
  const controller = new AbortController();
  const supervisor = new FfmpegSupervisor({
    ffmpegPath: join(dir, 'no-such-ffmpeg'),
    args: [...FAKE_ARGS],
    clock,
    signal: controller.signal,
    timeoutMs: 60_000,
  });
  const events = record(supervisor);
  const error = await rejectionOf(supervisor.run());
  expect(error).toMatchObject({ name: 'FfmpegSpawnError', code: 'ERR_FFMPEG_SPAWN', outcome: { reason: 'spawn_failed', pid: undefined } });
  expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  expect(await rejectionOf(supervisor.run())).toBe(error); // one rejection, however often asked
  expect(events.exits).toHaveLength(1);
  expect(events.spawnedPids).toEqual([]);
  expect(clock.pending).toBe(0);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  await expectResourcesBackTo(baseline);
});

test('case 1 (ladder): ffprobe missing → RemuxError spawn_failed before any attempt; no temp files, no output', async () => {
  const out = freshDir();
  const { ladder, attempts } = recordLadder({ ffmpegPath: makeFake(scenarios.completes()).path, ffprobePath: join(dir, 'no-such-ffprobe') });
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4') }));
  expect(error).toMatchObject({ name: 'RemuxError', code: 'ERR_REMUX_FAILED', kind: 'spawn_failed', attempts: [] });
  expect(attempts).toEqual([]);
  expect(dotFilesIn(out)).toEqual([]);
  expect(existsSync(join(out, 'out.mp4'))).toBe(false);
});

test.each([
  ['ENOENT', () => join(dir, 'no-such-ffmpeg')],
  [
    'EACCES',
    () => {
      const path = join(dir, 'not-executable-ffmpeg');
      writeFileSync(path, '#!/bin/sh\n');
      chmodSync(path, 0o644);
      return path;
    },
  ],
])('case 1/2 (ladder): ffmpeg %s → RemuxError spawn_failed with the errno, before any attempt; no temp, no output', async (code, makePath) => {
  const out = freshDir();
  const { ladder, attempts } = recordLadder({ ffmpegPath: makePath() });
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4') }));
  expect(error).toMatchObject({ name: 'RemuxError', code: 'ERR_REMUX_FAILED', kind: 'spawn_failed', attempts: [] });
  expect(error.message).toContain(code);
  expect(attempts).toEqual([]);
  expect(dotFilesIn(out)).toEqual([]);
  expect(existsSync(join(out, 'out.mp4'))).toBe(false);
});

test.each([
  [
    'a file without the execute bit',
    'EACCES',
    () => {
      const path = join(dir, 'not-executable');
      writeFileSync(path, '#!/bin/sh\n');
      chmodSync(path, 0o644);
      return { ffmpegPath: path };
    },
  ],
  ['a directory', 'EACCES', () => ({ ffmpegPath: dir })],
  ['a real ffmpeg with a missing cwd', 'ENOENT', () => ({ ffmpegPath: NPM_FFMPEG_PATH as string, cwd: join(dir, 'no-such-cwd') })],
])('case 2: %s → spawn_failed (%s); exit once; nothing left', async (_what, code, makeOptions) => {
  const baseline = snapshotResources();
  const clock = createCountingClock();
  const supervisor = new FfmpegSupervisor({ args: ['-version'], clock, ...makeOptions() });
  const events = record(supervisor);
  const error = await rejectionOf(supervisor.run());
  expect(error.outcome?.reason).toBe('spawn_failed');
  expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
  expect(events.exits).toHaveLength(1);
  expect(clock.pending).toBe(0);
  await expectResourcesBackTo(baseline);
});

// ---- 3, 4: bad arguments, bad input --------------------------------------------------------------

test.each(REAL_FFMPEG)('case 3 on real ffmpeg ($name): an invalid option → exit 1 naming it, no stall, nothing left running', async ({ path }) => {
  const baseline = snapshotResources();
  const clock = createCountingClock();
  const { supervisor, events } = superviseReal(path, ['-definitely_not_an_option', '1'], { clock });
  const error = await rejectionOf(supervisor.run());
  expect(error.outcome).toMatchObject({ reason: 'failed', exitCode: 1 });
  expect(error.outcome?.stderrTail).toMatch(/definitely_not_an_option/);
  expect(events.stalls).toEqual([]);
  expect(clock.pending).toBe(0);
  await expectResourcesBackTo(baseline);
});

test('case 3 (ladder): ffmpeg rejects an option → RemuxError generic naming it, no climb, no stall, no temp, no output', async () => {
  const out = freshDir();
  const { ladder, attempts, stalls } = ladderOnFake(scenarios.failsWith({ stderr: UNRECOGNIZED_OPTION_STDERR }));
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4') }));
  expect(error.kind).toBe('generic');
  expect(error.message).toMatch(/Option not found|Unrecognized option/);
  expect(attempts).toEqual(['default']);
  expect(stalls).toEqual([]);
  expect(dotFilesIn(out)).toEqual([]);
  expect(existsSync(join(out, 'out.mp4'))).toBe(false);
});

test.each(REAL_FFMPEG.flatMap((binary) => [
  { ...binary, input: 'missing', stderr: /No such file or directory/ },
  { ...binary, input: 'garbage', stderr: /Invalid data found when processing input/ },
]))('case 4 on real ffmpeg ($name): $input input → failed, exit 1, the output path is never created', async ({ path, input: kind, stderr }) => {
  const out = freshDir();
  const source = join(out, 'in.ts');
  if (kind === 'garbage') writeFileSync(source, Buffer.from(Array.from({ length: 200_000 }, (_, index) => (index * 7919) & 0xff)));
  const output = join(out, 'out.mp4');
  const { supervisor } = superviseReal(path, ['-hide_banner', '-y', '-i', `file:${source}`, '-c', 'copy', '-f', 'mp4', `file:${output}`]);
  const error = await rejectionOf(supervisor.run());
  expect(error.outcome).toMatchObject({ reason: 'failed', exitCode: 1 });
  expect(error.outcome?.stderrTail).toMatch(stderr);
  expect(existsSync(output)).toBe(false);
});

test.each(REAL_FFMPEG)('case 4 (ladder, real $name): a garbage recording → RemuxError, no output, no temp files', async ({ path }) => {
  const out = freshDir();
  const garbage = join(out, 'garbage.ts');
  writeFileSync(garbage, Buffer.from(Array.from({ length: 300_000 }, (_, index) => (index * 7919) & 0xff)));
  const { ladder } = recordLadder({ ffmpegPath: path });
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [garbage], output: join(out, 'out.mp4') }));
  expect(error).toMatchObject({ name: 'RemuxError', code: 'ERR_REMUX_FAILED' });
  expect(error.message).toMatch(/Invalid data|cannot read|no streams/i);
  expect(existsSync(join(out, 'out.mp4'))).toBe(false);
  expect(dotFilesIn(out)).toEqual([]);
});

// ---- 5: happy path ----------------------------------------------------------------------------

test.each(REAL_FFMPEG)('case 5 on real ffmpeg ($name): success only after exit 0 with progress=end; pid gone; timers, fds, handles back', async ({ path }) => {
  const baseline = snapshotResources();
  const clock = createCountingClock();
  const output = join(freshDir(), 'out.mp4');
  const { supervisor, events } = superviseReal(
    path,
    ['-hide_banner', '-y', '-i', `file:${input}`, '-c:v', 'copy', '-c:a', 'aac', '-f', 'mp4', `file:${output}`],
    { clock },
  );
  const outcome = await supervisor.run();
  expect(outcome).toMatchObject({ reason: 'completed', exitCode: 0, signal: null, progressEnded: true });
  expect(events.exits).toEqual([outcome]); // 'exit' came before the promise settled
  expect(isProcessAlive(outcome.pid ?? -1)).toBe(false);
  expect(clock.pending).toBe(0);
  await expectResourcesBackTo(baseline);
});

test.each(REAL_FFMPEG)('case 5 (ladder, real $name): a checked MP4 renamed into place; no temp files; timers, fds, handles back', async ({ path }) => {
  const baseline = snapshotResources();
  const clock = createCountingClock();
  const out = freshDir();
  const { ladder } = recordLadder({ ffmpegPath: path, clock, stallTimeoutMs: 30_000 });
  const result = await ladder.remux({ inputs: [input], output: join(out, 'out.mp4') });
  expect(result.attempts.map((attempt) => [attempt.kind, attempt.outcome.reason])).toEqual([['none', 'completed']]);
  expect((await ffprobeJson(result.output)).streams.map((stream) => stream.codec_name).sort()).toEqual(['aac', 'h264']);
  expect(dotFilesIn(out)).toEqual([]);
  expect(clock.pending).toBe(0);
  await expectResourcesBackTo(baseline);
});

// ---- 6, 7, 8: the watchdog ---------------------------------------------------------------------

test('case 6: silent from the start and deaf to SIGTERM → stalled exactly at startupGrace + stallTimeout (startup phase), not timeout; SIGKILL exactly killGrace later; reaped', async () => {
  const clock = FakeTimers.createClock(0);
  const killSpy = vi.spyOn(process, 'kill');
  const { supervisor, events } = superviseFake(scenarios.ignoresSigterm(scenarios.silentHang()), {
    clock,
    startupGraceMs: 2_000,
    stallTimeoutMs: 1_000,
    killGraceMs: 3_000,
    timeoutMs: 60_000,
  });
  const settled = rejectionOf(supervisor.run());
  const pid = supervisor.pid as number;
  await waitForStderr(events.stderr, /^ready pid=/); // its SIGTERM handler is installed

  clock.tick(2_999);
  expect(events.stalls).toEqual([]); // never before startupGraceMs + stallTimeoutMs
  clock.tick(2); // due at 3 000; decided one turn of the clock later, so buffered progress could still count
  expect(events.stalls).toEqual([expect.objectContaining({ phase: 'startup', lastOutTimeUs: undefined })]);
  expect(events.stalls[0]?.stalledForMs).toBeGreaterThanOrEqual(3_000);
  await sleep(200);
  expect(isProcessAlive(pid)).toBe(true); // SIGTERM ignored
  expect(killsAt(killSpy, pid)).toEqual([[-pid, 'SIGTERM']]);
  clock.tick(2_999);
  expect(killsAt(killSpy, pid)).toHaveLength(1);
  clock.tick(1); // exactly killGraceMs after the SIGTERM
  const error = await settled;
  expect(error.outcome).toMatchObject({ reason: 'stalled', forcedKill: true, signal: 'SIGKILL' });
  expect(killsAt(killSpy, pid)).toEqual([
    [-pid, 'SIGTERM'],
    [-pid, 'SIGKILL'],
  ]);
  expect(await waitForProcessGone(pid)).toBe(true);
});

test('case 6 (ladder): a SIGTERM-deaf attempt that never gets past a zero block → RemuxError stalled after SIGKILL; one attempt; no temp, no output', async () => {
  const out = freshDir();
  const clock = FakeTimers.createClock(0);
  // One block of zeros (not forward progress: the stall stays in its startup phase), then silence.
  const { ladder, attempts, stalls } = ladderOnFake(scenarios.ignoresSigterm({ steps: [{ progress: {} }, { hang: true }] }), {
    clock,
    startupGraceMs: 1_000,
    stallTimeoutMs: 1_000,
    killGraceMs: 1_000,
  });
  const phases: string[] = [];
  ladder.on('stall', (stall) => phases.push(stall.phase));
  const ready = new Promise((resolve) => ladder.once('progress', resolve)); // the fake writes it once its handlers are installed
  const settled = rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4') }));
  await ready;
  clock.tick(2_001); // the stall (decided one clock turn after it is due): SIGTERM, ignored
  clock.tick(1_000); // the kill grace: SIGKILL
  const error = await settled;
  expect(error.kind).toBe('stalled');
  expect(error.attempts[0]?.outcome).toMatchObject({ reason: 'stalled', forcedKill: true, signal: 'SIGKILL' });
  expect(phases).toEqual(['startup']);
  expect(attempts).toEqual(['default']);
  expect(stalls).toEqual(['default']);
  expect(dotFilesIn(out)).toEqual([]);
  expect(existsSync(join(out, 'out.mp4'))).toBe(false);
});

test.each(REAL_FFMPEG)('case 6 on real ffmpeg ($name): an input that never sends a byte → stalled in the startup phase, stopped, reaped', async ({ path }) => {
  const source = fifo('silent');
  const { supervisor, events } = superviseReal(path, ['-hide_banner', '-i', `file:${source}`, '-c', 'copy', '-f', 'null', '-'], {
    stallTimeoutMs: 1_000,
    startupGraceMs: 500,
    killGraceMs: 1_000,
    timeoutMs: 60_000,
  });
  const error = await rejectionOf(supervisor.run());
  expect(error.code).toBe('ERR_FFMPEG_STALLED');
  expect(events.stalls).toHaveLength(1);
  expect(events.stalls[0]?.phase).toBe('startup');
  // Debian's 5.1 ignores SIGTERM in read() and needs the SIGKILL; the 2018 build exits 1.
  if (error.outcome?.forcedKill) expect(error.outcome.signal).toBe('SIGKILL');
  else expect(error.outcome?.exitCode).toBe(1);
  expect(isProcessAlive(error.outcome?.pid ?? -1)).toBe(false);
});

test('case 7: blocks keep coming but numbers do not move → stalled; the ladder does not climb and leaves no temp', async () => {
  const out = freshDir();
  const { ladder, attempts, stalls } = ladderOnFake(scenarios.frozenProgress({ advancing: 2, frozenBlocks: 500, everyMs: 10 }));
  let blocks = 0;
  ladder.on('progress', () => (blocks += 1));
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4') }));
  expect(error.kind).toBe('stalled');
  expect(blocks).toBeGreaterThan(10); // the blocks kept coming
  expect(attempts).toEqual(['default']);
  expect(stalls).toEqual(['default']);
  expect(dotFilesIn(out)).toEqual([]);
});

test.each(REAL_FFMPEG)('case 7 on real ffmpeg ($name): a filter that stops passing frames keeps blocks coming with frozen numbers → stalled', async ({ path }) => {
  const { supervisor, events } = superviseReal(
    path,
    ['-hide_banner', ...lavfiInput(undefined, { realtime: true }), '-vf', 'select=lt(n\\,5)', '-f', 'null', '-'],
    { stallTimeoutMs: 1_500, startupGraceMs: 3_000, killGraceMs: 2_000 },
  );
  const error = await rejectionOf(supervisor.run());
  expect(error.code).toBe('ERR_FFMPEG_STALLED');
  expect(events.stalls[0]).toMatchObject({ phase: 'running', lastOutTimeUs: 200_000 });
  expect(events.progress).toBeGreaterThanOrEqual(3); // frozen blocks arrived, and were not progress
  expect(isProcessAlive(error.outcome?.pid ?? -1)).toBe(false);
});

test('case 8: slow but advancing (1 µs of output time per block) → never stalled', async () => {
  const { supervisor, events } = superviseFake(
    scenarios.completes({ blocks: 8, everyMs: 250, outTimeStepUs: 1, frameStep: 0, bytesStep: 0 }),
    { stallTimeoutMs: 1_000, startupGraceMs: 10_000 },
  );
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  expect(outcome.lastProgress?.outTimeUs).toBe(8);
  expect(events.stalls).toEqual([]);
});

test.each(REAL_FFMPEG)('case 8 on real ffmpeg ($name): a real-time (-re) encode, one block every 0.5 s → never stalled', async ({ path }) => {
  const { supervisor, events } = superviseReal(path, ['-hide_banner', ...lavfiInput(2, { realtime: true }), '-f', 'null', '-'], {
    stallTimeoutMs: 2_000,
    startupGraceMs: 10_000,
  });
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  expect(events.stalls).toEqual([]);
});

// ---- 9, 10, 11, 12: stopping ------------------------------------------------------------------

/** The fake deaf to SIGTERM, or Debian's ffmpeg blocked in read() on a silent FIFO: only SIGKILL ends either. */
const deafToSigterm = [
  { name: 'fake ffmpeg', path: undefined as string | undefined },
  ...realDebian.map((binary) => ({ name: `real ${binary.name}`, path: binary.path as string | undefined })),
];

test.each(deafToSigterm)('case 9 ($name): a child deaf to SIGTERM gets SIGKILL at exactly killGraceMs on the clock; the reason stays timeout', async ({ path }) => {
  const clock = FakeTimers.createClock(0);
  const killSpy = vi.spyOn(process, 'kill');
  const options = { clock, timeoutMs: 1_000, killGraceMs: 5_000, stallTimeoutMs: 1e9, startupGraceMs: 0 };
  const { supervisor, events } =
    path === undefined
      ? superviseFake(scenarios.ignoresSigterm(scenarios.silentHang()), options)
      : superviseReal(path, ['-hide_banner', '-i', `file:${fifo('deaf')}`, '-f', 'null', '-'], options);
  const settled = rejectionOf(supervisor.run());
  const pid = supervisor.pid as number;
  if (path === undefined) await waitForStderr(events.stderr, /^ready pid=/);
  else await waitUntilBlockedInPipeRead(pid);

  clock.tick(1_000); // the deadline: SIGTERM, ignored
  await sleep(300);
  expect(killsAt(killSpy, pid)).toEqual([[-pid, 'SIGTERM']]);
  clock.tick(4_999);
  await sleep(100);
  expect(isProcessAlive(pid)).toBe(true);
  expect(killsAt(killSpy, pid)).toHaveLength(1);
  clock.tick(1); // exactly the kill grace
  const error = await settled;
  expect(killsAt(killSpy, pid)).toEqual([
    [-pid, 'SIGTERM'],
    [-pid, 'SIGKILL'],
  ]);
  expect(error.outcome).toMatchObject({ reason: 'timeout', forcedKill: true, signal: 'SIGKILL', exitCode: null });
  expect(await waitForProcessGone(pid)).toBe(true);
});

test.each(REAL_FFMPEG)('case 10 on real ffmpeg ($name): the deadline while progressing → timeout, not stalled; ffmpeg stops on SIGTERM', async ({ path }) => {
  const { supervisor, events } = superviseReal(path, ['-hide_banner', ...lavfiInput(60, { realtime: true }), '-f', 'null', '-'], {
    timeoutMs: 2_500,
    stallTimeoutMs: 10_000,
    killGraceMs: 5_000,
  });
  const error = await rejectionOf(supervisor.run());
  expect(error.code).toBe('ERR_FFMPEG_TIMEOUT');
  expect(error.outcome).toMatchObject({ reason: 'timeout', forcedKill: false, exitCode: 255 });
  expect(events.progress).toBeGreaterThan(0);
  expect(events.stalls).toEqual([]);
});

test('case 10 (ladder): the remux deadline while the attempt progresses → RemuxError timeout, no climb, no temp, no output', async () => {
  const out = freshDir();
  const { ladder, attempts, stalls } = ladderOnFake({ steps: [{ advance: { count: 100_000, everyMs: 20 } }] }, { stallTimeoutMs: 10_000 });
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4'), timeoutMs: 1_500 }));
  expect(error.kind).toBe('timeout');
  expect(attempts).toEqual(['default']);
  expect(stalls).toEqual([]);
  expect(dotFilesIn(out)).toEqual([]);
  expect(existsSync(join(out, 'out.mp4'))).toBe(false);
});

test('case 11: abort mid-run while ffmpeg answers SIGTERM with exit 0 (like `q`) → still aborted, never completed', async () => {
  const controller = new AbortController();
  const { supervisor } = superviseFake({ ...scenarios.progressThenHang({ blocks: 1 }), exitCodeOnSignal: 0 }, { signal: controller.signal });
  supervisor.once('progress', () => controller.abort(new Error('host shutting down')));
  const error = await rejectionOf(supervisor.run());
  expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', outcome: { reason: 'aborted', exitCode: 0 } });
  expect((error.cause as Error).message).toBe('host shutting down');
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
});

test.each(REAL_FFMPEG)("case 11 on real ffmpeg ($name): abort mid-run → aborted with the signal's reason; exit 255 is not success", async ({ path }) => {
  const controller = new AbortController();
  const { supervisor } = superviseReal(path, ['-hide_banner', ...lavfiInput(60, { realtime: true }), '-f', 'null', '-'], {
    signal: controller.signal,
  });
  supervisor.once('progress', () => controller.abort('user cancelled'));
  const error = await rejectionOf(supervisor.run());
  expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', cause: 'user cancelled', outcome: { reason: 'aborted', exitCode: 255 } });
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  expect(isProcessAlive(error.outcome?.pid ?? -1)).toBe(false);
});

test('case 12: an already-aborted signal → rejects with no spawn call at all (supervisor and ladder), no listener, no timer', async () => {
  const controller = new AbortController();
  controller.abort(new Error('too late'));
  const spawnCalls: string[] = [];
  const countingSpawn: SpawnFunction = (file, args, options) => {
    spawnCalls.push(file);
    return nodeSpawn(file, args, options);
  };
  const clock = createCountingClock();
  const supervisor = new FfmpegSupervisor({ ffmpegPath: NPM_FFMPEG_PATH, args: ['-version'], signal: controller.signal, spawn: countingSpawn, clock });
  const events = record(supervisor);
  const error = await rejectionOf(supervisor.run());
  expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', outcome: { reason: 'aborted', pid: undefined } });
  expect(events.exits).toHaveLength(1);

  const out = freshDir();
  const { ladder, attempts } = recordLadder({ ffmpegPath: NPM_FFMPEG_PATH, spawn: countingSpawn, clock });
  const remuxError = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4'), signal: controller.signal }));
  expect(remuxError.kind).toBe('aborted');
  expect(attempts).toEqual([]);
  expect(spawnCalls).toEqual([]);
  expect(clock.created).toBe(0);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  expect(liveRunCount()).toBe(0);
  expect(dotFilesIn(out)).toEqual([]);
});

// ---- 13, 14, 15, 16: races and reasons ---------------------------------------------------------

test('case 13: stall, deadline and abort all due after a successful exit (pipes still held) → completed; no signal sent', async () => {
  const clock = FakeTimers.createClock(0);
  const controller = new AbortController();
  const killSpy = vi.spyOn(process, 'kill');
  const { supervisor, events } = superviseFake(scenarios.withGrandchild(scenarios.completes({ blocks: 1, everyMs: 0 }), 30_000), {
    clock,
    stallTimeoutMs: 1_000,
    startupGraceMs: 0,
    timeoutMs: 2_000,
    pipeDrainMs: 10_000,
    signal: controller.signal,
  });
  const run = supervisor.run();
  const pid = supervisor.pid as number;
  await waitForStderr(events.stderr, /^grandchild pid=/);
  // Node reaps the child and runs 'exit' in the same callback: once /proc/<pid> is gone, the supervisor knows.
  while (existsSync(`/proc/${pid}`)) await sleep(10);

  clock.tick(1_000); // the stall would be due
  controller.abort(); // and the host aborts
  clock.tick(1_000); // and the deadline passes
  clock.tick(10_000); // the drain delay: the held pipes are cut, the run settles
  const outcome = await run;
  expect(outcome).toMatchObject({ reason: 'completed', exitCode: 0, forcedKill: false });
  expect(events.stalls).toEqual([]);
  expect(killsAt(killSpy, pid)).toEqual([]);
});

test.each([
  ['the abort timer was set first', 'aborted', true],
  ['the run started first (the stall defers one turn, the deadline does not)', 'timeout', false],
])('case 14: stall, deadline and abort due in the same clock tick, %s → %s wins; one SIGTERM; one settlement', async (_order, winner, abortFirst) => {
  const clock = FakeTimers.createClock(0);
  const controller = new AbortController();
  const killSpy = vi.spyOn(process, 'kill');
  if (abortFirst) clock.setTimeout(() => controller.abort(), 1_000);
  const { supervisor, events } = superviseFake(scenarios.silentHang(), {
    clock,
    stallTimeoutMs: 1_000,
    startupGraceMs: 0,
    timeoutMs: 1_000,
    killGraceMs: 5_000,
    signal: controller.signal,
  });
  const settled = rejectionOf(supervisor.run());
  if (!abortFirst) clock.setTimeout(() => controller.abort(), 1_000);
  const pid = supervisor.pid as number;
  await waitForStderr(events.stderr, /^ready pid=/);
  clock.tick(1_000);
  const error = await settled;
  expect(error.outcome?.reason).toBe(winner);
  expect(events.stalls).toEqual([]);
  expect(events.exits).toHaveLength(1);
  expect(killsAt(killSpy, pid)).toEqual([[-pid, 'SIGTERM']]);
});

test.each(REAL_FFMPEG)('case 15 on real ffmpeg ($name): aborted while still probing (exit 1 or SIGKILL) → aborted, not failed', async ({ path }) => {
  const controller = new AbortController();
  const { supervisor } = superviseReal(path, ['-hide_banner', '-i', `file:${fifo('probing')}`, '-c', 'copy', '-f', 'null', '-'], {
    signal: controller.signal,
    killGraceMs: 1_000,
  });
  const settled = rejectionOf(supervisor.run());
  await waitUntilBlockedInPipeRead(supervisor.pid as number);
  controller.abort('shutdown');
  const error = await settled;
  expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', outcome: { reason: 'aborted' } });
  // The 2018 build exits 1 ("Immediate exit requested"); Debian's ignores SIGTERM in read() and is SIGKILLed.
  expect([1, null]).toContain(error.outcome?.exitCode);
});

test('case 15 (ladder): an attempt stopped while probing exits 1 → RemuxError aborted, not generic; no climb', async () => {
  const out = freshDir();
  const controller = new AbortController();
  const { ladder, attempts } = ladderOnFake({ ...scenarios.progressThenHang({ blocks: 1 }), exitCodeOnSignal: 1 });
  ladder.once('progress', () => controller.abort());
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4'), signal: controller.signal }));
  expect(error.kind).toBe('aborted');
  expect(error.attempts[0]?.outcome).toMatchObject({ reason: 'aborted', exitCode: 1 });
  expect(attempts).toEqual(['default']);
  expect(dotFilesIn(out)).toEqual([]);
});

test.each(REAL_FFMPEG)('case 16 on real ffmpeg ($name): SIGKILL from outside (the OOM killer) → failed with SIGKILL, no latched reason', async ({ path }) => {
  const { supervisor } = superviseReal(path, ['-hide_banner', ...lavfiInput(60, { realtime: true }), '-f', 'null', '-']);
  supervisor.once('progress', () => process.kill(supervisor.pid as number, 'SIGKILL'));
  const error = await rejectionOf(supervisor.run());
  expect(error.code).toBe('ERR_FFMPEG_EXIT');
  expect(error.outcome).toMatchObject({ reason: 'failed', signal: 'SIGKILL', exitCode: null, forcedKill: false });
});

test('case 16 (ladder): an attempt killed from outside → RemuxError generic (not stalled/aborted), no climb, no temp, no output', async () => {
  const out = freshDir();
  const { ladder, attempts } = ladderOnFake(scenarios.crashes('SIGKILL'));
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(out, 'out.mp4') }));
  expect(error.kind).toBe('generic');
  expect(error.attempts[0]?.outcome).toMatchObject({ reason: 'failed', signal: 'SIGKILL' });
  expect(attempts).toEqual(['default']);
  expect(dotFilesIn(out)).toEqual([]);
  expect(existsSync(join(out, 'out.mp4'))).toBe(false);
});

// ---- 17: exit 0, broken output ------------------------------------------------------------------

test.skipIf(!existsSync('/dev/full')).each(REAL_FFMPEG)('case 17 on real ffmpeg ($name): a full device (/dev/full) → exit 0 with "No space left on device": the supervisor says completed and keeps the line (exit 0 proves nothing)', async ({ path }) => {
  const { supervisor } = superviseReal(path, ['-hide_banner', ...lavfiInput(1), '-c:v', 'mpeg4', '-f', 'mpegts', '-y', 'file:/dev/full']);
  const outcome = await supervisor.run();
  expect(outcome).toMatchObject({ reason: 'completed', exitCode: 0 });
  expect(outcome.stderrTail).toMatch(/No space left on device/);
});

test.each(REAL_FFMPEG)('case 17 (ladder, real $name): the disk fills while the trailer is written (RLIMIT_FSIZE) → exit 0 but output_invalid; the final path keeps its old file; no temp', async ({ path }) => {
  const out = freshDir();
  // The size a complete remux reaches, so the limit falls inside the trailer (measured window: 84–99 % of it).
  const reference = await recordLadder({ ffmpegPath: path }).ladder.remux({ inputs: [input], output: join(out, 'reference.mp4') });
  const limitBlocks = Math.floor((statSync(reference.output).size * 0.95) / 512);
  const limited = writeScript(
    join(out, 'ffmpeg-with-a-full-disk'),
    `trap '' XFSZ\nulimit -f ${limitBlocks}\nGCONV_PATH=/nonexistent-ffsup exec ${shellQuote(path)} "$@"`,
  );
  const output = join(out, 'out.mp4');
  writeFileSync(output, 'the previous good file');
  const { ladder, attempts } = recordLadder({ ffmpegPath: limited });
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
  expect(error.kind).toBe('output_invalid');
  expect(error.attempts[0]?.outcome).toMatchObject({ reason: 'completed', exitCode: 0 });
  expect(error.attempts[0]?.stderrTail).toMatch(/Error writing trailer.*File too large/);
  expect(attempts).toEqual(['default']);
  expect(readFileSync(output, 'utf8')).toBe('the previous good file');
  expect(dotFilesIn(out)).toEqual([]);
});

test('case 17 (ladder, fake): "Error writing trailer: No space left on device" then exit 0 → no_space; the sidecar error log says why', async () => {
  const out = freshDir();
  const scenario: FakeFfmpegScenario = {
    steps: [{ writeOutputText: 'half a file' }, { stderr: ERROR_WRITING_TRAILER }, { progress: { end: true } }, { exit: 0 }],
  };
  const { ladder } = ladderOnFake(scenario, { sidecars: true });
  const output = join(out, 'out.mp4');
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
  expect(error.kind).toBe('no_space');
  expect(existsSync(output)).toBe(false);
  expect(readFileSync(`${output}.err.log`, 'utf8')).toMatch(/No space left on device/);
  expect(dotFilesIn(out)).toEqual([]);
});

// ---- 18, 19, 20, 21: pipes -------------------------------------------------------------------

test.each(REAL_FFMPEG)('case 18 on real ffmpeg ($name): a wrapper script leaves a grandchild holding the pipes → the group kill removes it; settles at once', async ({ path }) => {
  const wrapper = writeScript(
    join(freshDir(), 'ffmpeg-wrapper'),
    `sleep 30 &\necho "grandchild pid=$!" >&2\nexec ${shellQuote(path)} "$@"`,
  );
  const { supervisor, events } = superviseReal(wrapper, ['-hide_banner', ...lavfiInput(60, { realtime: true }), '-f', 'null', '-'], {
    timeoutMs: 1_000,
    pipeDrainMs: 20_000, // if the grandchild survived, settling would take this long: the test would time out
  });
  const error = await rejectionOf(supervisor.run());
  expect(error.outcome?.reason).toBe('timeout');
  expect(events.descendants).toHaveLength(1); // the wrapper's sleep, seen alive
  expect(await waitUntilGone(events.descendants[0])).toBe(true);
});

test('case 18: a grandchild that escaped the group (setsid) keeps the pipes → settles after pipeDrainMs; our fds are closed; it survives (documented)', async () => {
  const baseline = snapshotResources();
  const fake = makeFake(scenarios.silentHang());
  const wrapper = writeScript(
    join(freshDir(), 'ffmpeg-with-escapee'),
    `setsid sleep 30 &\necho "escaped pid=$!" >&2\nexec ${shellQuote(fake.path)} "$@"`,
  );
  const supervisor = new FfmpegSupervisor({ ffmpegPath: wrapper, args: [...FAKE_ARGS], ...SHORT, pipeDrainMs: 300 });
  const events = record(supervisor);
  const error = await rejectionOf(supervisor.run());
  const [escaped] = events.descendants;
  expect(error.outcome?.reason).toBe('stalled');
  expect(escaped !== undefined && isSameProcessAlive(escaped)).toBe(true); // out of reach of a group kill: the host must not wait for it
  await expectResourcesBackTo(baseline);
});

// A wrapper script that does not `exec` leads the group and dies on the SIGTERM, while the ffmpeg
// it started ignores it: the group's SIGKILL must still reach ffmpeg after the leader is reaped.
test('case 18: a wrapper script without exec whose ffmpeg ignores SIGTERM → the group SIGKILL still reaches ffmpeg', async () => {
  const fake = makeFake(scenarios.ignoresSigterm(scenarios.progressThenHang({ blocks: 1 })));
  const wrapper = writeScript(join(freshDir(), 'ffmpeg-wrapper'), `${shellQuote(fake.path)} "$@"`); // no exec: sh leads the group
  const supervisor = new FfmpegSupervisor({ ffmpegPath: wrapper, args: [...FAKE_ARGS], stallTimeoutMs: 400, startupGraceMs: 30_000, killGraceMs: 300, pipeDrainMs: 300 });
  const events = record(supervisor);
  const error = await rejectionOf(supervisor.run());
  const worker = trackProcess(Number((await waitForStderr(events.stderr, /^ready pid=(\d+)/))[1]));
  expect(error.outcome?.reason).toBe('stalled');
  expect(await waitUntilGone(worker, 1_000)).toBe(true);
});

test.each(realDebian)('case 18 on real ffmpeg ($name): `sh -c ffmpeg` (no exec) stuck reading a silent input → ffmpeg is SIGKILLed with its group', async ({ path }) => {
  const wrapper = writeScript(join(freshDir(), 'ffmpeg-wrapper'), `${shellQuote(path)} "$@"\necho "never reached" >&2`);
  const { supervisor } = superviseReal(wrapper, ['-hide_banner', '-i', `file:${fifo('wrapped')}`, '-f', 'null', '-'], {
    stallTimeoutMs: 1_000,
    startupGraceMs: 0,
    killGraceMs: 500,
    pipeDrainMs: 500,
  });
  const settled = rejectionOf(supervisor.run());
  const ffmpeg = trackProcess(await waitForGroupMember(supervisor.pid as number, [path, '-progress']));
  const error = await settled;
  expect(error.outcome?.reason).toBe('stalled');
  expect(await waitUntilGone(ffmpeg, 1_000)).toBe(true);
});

test('case 19: a 3 MB stderr flood of \\r redraws and split UTF-8 → completed, the tail at its cap and clean, every line event bounded', async () => {
  const { supervisor, events } = superviseFake(scenarios.stderrFlood(3_000_000, { newlines: true }), { stderrTailBytes: 4_096 });
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  expect(Buffer.byteLength(outcome.stderrTail)).toBeLessThanOrEqual(4_096);
  expect(outcome.stderrTail).not.toMatch(/[\uFFFD\r]/);
  expect(events.stderr.some((line) => line.includes('Scène n°') && line.includes('🎬'))).toBe(true);
  expect(events.stderr.every((line) => !line.includes('\uFFFD'))).toBe(true);
  expect(Math.max(...events.stderr.map((line) => line.length))).toBeLessThanOrEqual(MAX_LINE_LENGTH);
});

test('case 19: 3 MB of stderr without a single line end → completes; what the line splitter holds stays bounded (cap + one chunk)', async () => {
  const { supervisor, events } = superviseFake(scenarios.stderrFlood(3_000_000, { newlines: false }), { stderrTailBytes: 4_096 });
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  expect(Buffer.byteLength(outcome.stderrTail)).toBeLessThanOrEqual(4_096);
  expect(Math.max(0, ...events.stderr.map((line) => line.length))).toBeLessThanOrEqual(MAX_LINE_LENGTH + 64 * 1024);
});

// split2 flushes what it holds at the end of the stream; the splitter must drop an overlong line there too.
test('case 19: a line longer than MAX_LINE_LENGTH that never ends is skipped, not emitted', async () => {
  const { supervisor, events } = superviseFake(scenarios.stderrFlood(200_000, { newlines: false }));
  await supervisor.run();
  expect(Math.max(0, ...events.stderr.map((line) => line.length))).toBeLessThanOrEqual(MAX_LINE_LENGTH);
});

test.each(REAL_FFMPEG)('case 19 on real ffmpeg ($name): -loglevel debug with UTF-8 metadata floods stderr → completed, tail capped, decodes cleanly', async ({ path }) => {
  const { supervisor, events } = superviseReal(
    path,
    ['-loglevel', 'debug', ...lavfiInput(2), '-metadata', 'title=Scène n°1, le café 🎬', '-c:v', 'mpeg4', '-f', 'matroska', '-y', '/dev/null'],
    { stderrTailBytes: 4_096 },
  );
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  expect(outcome.stderrTruncated).toBe(true);
  expect(Buffer.byteLength(outcome.stderrTail)).toBeLessThanOrEqual(4_096);
  expect(outcome.stderrTail).not.toContain('\uFFFD');
  expect(events.stderr.length).toBeGreaterThan(100);
});

test.each(REAL_FFMPEG)('case 20 on real ffmpeg ($name): 9 MB of media on stdout, nobody reading it → drained, never blocks; completes', async ({ path }) => {
  const { supervisor } = superviseReal(path, ['-hide_banner', ...lavfiInput(3), '-c:v', 'rawvideo', '-f', 'nut', 'pipe:1']);
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  expect(outcome.lastProgress?.totalSize).toBeGreaterThan(8_000_000); // far beyond a 64 KiB pipe buffer
});

test.each(REAL_FFMPEG)('case 21 on real ffmpeg ($name): stdin piped but never read (-nostdin), written during and after the run → EPIPE swallowed', async ({ path }) => {
  const { supervisor } = superviseReal(path, ['-hide_banner', ...lavfiInput(1), '-f', 'null', '-'], { stdin: 'pipe' });
  supervisor.on('spawn', () => supervisor.stdin?.write(Buffer.alloc(1024 * 1024, 0x71))); // 1 MiB of 'q': fills the pipe
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  supervisor.stdin?.write('q\n');
  await sleep(100); // an uncaught EPIPE would fail the run here
});

// ---- 22: host exit (the full matrix is in host-exit.test.ts) -----------------------------------

test('case 22: killAllLiveRuns() (what the exit hook and installShutdownHandlers call) SIGKILLs every live group: real and fake', async () => {
  const runs = [
    ...REAL_FFMPEG.map(({ path }) => superviseReal(path, ['-hide_banner', ...lavfiInput(60, { realtime: true }), '-f', 'null', '-'])),
    superviseFake(scenarios.ignoresSigterm(scenarios.silentHang())),
  ];
  const settled = runs.map(({ supervisor }) => rejectionOf(supervisor.run()));
  while (runs.some(({ events }) => events.spawnedPids.length === 0)) await sleep(10);
  expect(liveRunCount()).toBe(runs.length);
  expect(killAllLiveRuns()).toBe(runs.length);
  for (const error of await Promise.all(settled)) {
    expect(error.outcome).toMatchObject({ reason: 'failed', signal: 'SIGKILL' });
    expect(isProcessAlive(error.outcome?.pid ?? -1)).toBe(false);
  }
  expect(liveRunCount()).toBe(0);
});

// ---- 23: output path problems -----------------------------------------------------------------

test.each(REAL_FFMPEG)('case 23 on real ffmpeg ($name): the output exists, no -y, stdin an open pipe → no prompt hang (-nostdin): failed at once, file untouched', async ({ path }) => {
  const output = join(freshDir(), 'exists.mp4');
  writeFileSync(output, 'keep me');
  const { supervisor } = superviseReal(path, ['-hide_banner', '-i', `file:${input}`, '-c', 'copy', '-f', 'mp4', `file:${output}`], {
    stdin: 'pipe',
    timeoutMs: 20_000, // a prompt hang would end as 'timeout'
  });
  const error = await rejectionOf(supervisor.run());
  expect(error.outcome).toMatchObject({ reason: 'failed', exitCode: 1 });
  expect(error.outcome?.stderrTail).toMatch(/already exists/);
  expect(readFileSync(output, 'utf8')).toBe('keep me');
});

test.each(REAL_FFMPEG)('case 23 (ladder, real $name): the output directory is missing → RemuxError naming the path; nothing created', async ({ path }) => {
  const out = freshDir();
  const output = join(out, 'missing-dir', 'out.mp4');
  const { ladder } = recordLadder({ ffmpegPath: path });
  const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
  expect(error.kind).toBe('output_dir_missing');
  expect(error.message).toMatch(/the output directory \S*missing-dir does not exist/);
  expect(error.attempts).toEqual([]); // refused before probing or running anything
  expect(existsSync(dirname(output))).toBe(false);
  expect(dotFilesIn(out)).toEqual([]);
});

test.each(REAL_FFMPEG)('case 23 (ladder, real $name): two jobs on one existing output path at once → both succeed, the final file is one complete MP4, no temps', async ({ path }) => {
  const out = freshDir();
  const output = join(out, 'shared.mp4');
  writeFileSync(output, 'an older version');
  const { ladder, attemptArgs } = recordLadder({ ffmpegPath: path });
  const results = await Promise.all([ladder.remux({ inputs: [input], output }), ladder.remux({ inputs: [input], output })]);
  expect(results.map((result) => result.strategy)).toEqual(['default', 'default']);
  const temps = attemptArgs.map((args) => args.at(-1));
  expect(new Set(temps).size).toBe(2); // each job had its own temp file
  const probe = await ffprobeJson(output);
  expect(probe.streams.map((stream) => stream.codec_name).sort()).toEqual(['aac', 'h264']);
  expect(Number(probe.format.duration)).toBeGreaterThan(1.5);
  expect(dotFilesIn(out)).toEqual([]);
});

const shm = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev ? '/dev/shm' : undefined;

test.skipIf(shm === undefined || NPM_FFMPEG_PATH === undefined)(
  'case 23 (ladder, real): output on another file system than the input (/dev/shm) → the temp is written beside the output, so the rename never crosses devices',
  async () => {
    const out = mkdtempSync(join(shm as string, 'ffsup-xdev-'));
    try {
      // The hazard is real here: a rename from the input's file system fails.
      const elsewhere = join(freshDir(), 'x.mp4');
      writeFileSync(elsewhere, 'x');
      expect(() => renameSync(elsewhere, join(out, 'x.mp4'))).toThrow(expect.objectContaining({ code: 'EXDEV' }));

      const { ladder, attemptArgs } = recordLadder({ ffmpegPath: NPM_FFMPEG_PATH });
      const result = await ladder.remux({ inputs: [input], output: join(out, 'out.mp4') });
      const temp = (attemptArgs[0]?.at(-1) ?? '').replace(/^file:/, '');
      expect(dirname(temp)).toBe(out);
      expect(basename(temp)).toMatch(/^\.out\.tmp-\d+-[0-9a-f]+\.mp4$/);
      expect(existsSync(result.output)).toBe(true);
      expect(dotFilesIn(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);

// ---- 24: soak (the full soak is soak.test.ts) --------------------------------------------------

test('case 24: a burst of 24 jobs at once, mixed outcomes, each with its own signal → every listener, timer, fd, child and live run gone', async () => {
  const baseline = snapshotResources();
  const clock = createCountingClock();
  const mix: FakeFfmpegScenario[] = [
    scenarios.completes({ blocks: 2, everyMs: 10 }),
    scenarios.failsWith(),
    scenarios.progressThenHang({ blocks: 1 }),
    scenarios.ignoresSigterm(scenarios.silentHang()),
    scenarios.crashes('SIGKILL'),
    scenarios.withGrandchild(scenarios.progressThenHang({ blocks: 1 }), 30_000),
  ];
  const fakes = mix.map((scenario) => makeFake(scenario));
  const controllers = Array.from({ length: 24 }, () => new AbortController());
  const outcomes = await Promise.all(
    controllers.map((controller, index) => {
      const supervisor = new FfmpegSupervisor({
        ffmpegPath: (fakes[index % fakes.length] as { path: string }).path,
        args: [...FAKE_ARGS],
        ...SHORT,
        clock,
        signal: controller.signal,
      });
      record(supervisor);
      if (index % 4 === 3) supervisor.once('spawn', () => setTimeout(() => controller.abort(), 50));
      return supervisor.run().then(
        (outcome) => outcome.reason,
        (error: { outcome?: { reason: string } }) => error.outcome?.reason,
      );
    }),
  );
  expect(new Set(outcomes)).toEqual(new Set(['completed', 'failed', 'stalled', 'aborted']));
  for (const controller of controllers) expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  expect(clock.pending).toBe(0);
  await expectResourcesBackTo(baseline);
});

// ---- 25: a blocked event loop --------------------------------------------------------------------

test.each(REAL_FFMPEG)('case 25 on real ffmpeg ($name): the event loop blocked twice the stall timeout while ffmpeg keeps writing → no false stall', async ({ path }) => {
  const { supervisor, events } = superviseReal(path, ['-hide_banner', ...lavfiInput(4, { realtime: true }), '-f', 'null', '-'], {
    stallTimeoutMs: 1_500,
    startupGraceMs: 10_000,
  });
  supervisor.once('progress', () => {
    const until = Date.now() + 3_000; // ffmpeg writes ~6 blocks into the pipe meanwhile
    while (Date.now() < until) {
      // blocked
    }
  });
  const outcome = await supervisor.run();
  expect(outcome.reason).toBe('completed');
  expect(events.stalls).toEqual([]);
});
