import { spawn as nodeSpawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import FakeTimers from '@sinonjs/fake-timers';
import { afterEach, describe, expect, test } from 'vitest';
import type { FfmpegError } from '../../../src/supervisor/errors.js';
import type { FfmpegOutcome } from '../../../src/supervisor/outcome.js';
import { FfmpegSupervisor, type FfmpegSupervisorEvents } from '../../../src/supervisor/supervisor.js';
import { probeMedia } from '../../../src/remux/probe-media.js';
import { parseCapabilities } from '../../../src/supervisor/capabilities.js';
import { runUntilSettled } from '../../../src/testing/clocks.js';
import { createFakeFfmpeg, type FakeFfmpeg } from '../../../src/testing/subprocess/fake-ffmpeg.js';
import { createFakeSpawn, type FakeSpawn } from '../../../src/testing/in-process/fake-spawn.js';
import { NON_MONOTONIC_DTS } from '../../../src/testing/scenario/ffmpeg-messages.js';
import type { FakeFfmpegScenario } from '../../../src/testing/scenario/format.js';
import { scenarios } from '../../../src/testing/scenario/builders.js';
import { isProcessAlive } from '../../helpers/processes.js';
import { rejectionOf } from '../../helpers/rejection.js';

const ARGS = ['-i', 'file:in.ts', '-c', 'copy', '-f', 'mp4', 'file:/dev/null'];

/** A supervised run on a created fake clock; `stallAt` is the fake time of the `stall` event. */
async function superviseFake(
  scenario: FakeFfmpegScenario | FakeSpawn,
  options: { args?: string[]; timeoutMs?: number; signal?: AbortSignal; killGraceMs?: number } = {},
) {
  const clock = FakeTimers.createClock();
  const spawn = typeof scenario === 'function' ? scenario : createFakeSpawn(scenario, { clock });
  const supervisor = new FfmpegSupervisor({ args: options.args ?? ARGS, spawn, clock, ...options });
  const events: Array<[keyof FfmpegSupervisorEvents, number]> = [];
  for (const name of ['spawn', 'progress', 'stall', 'exit'] as const) supervisor.on(name, () => events.push([name, clock.now]));
  const realStart = performance.now();
  const outcome = await runUntilSettled(clock, supervisor.run()).catch((error: FfmpegError) => error);
  const realMs = performance.now() - realStart;
  const error = outcome instanceof Error ? outcome : undefined;
  const result: FfmpegOutcome = error?.outcome ?? (outcome as FfmpegOutcome);
  const at = (name: keyof FfmpegSupervisorEvents) => events.filter(([event]) => event === name).map(([, time]) => time);
  return { clock, spawn, supervisor, outcome: result, error, realMs, at, leftTimers: clock.countTimers() };
}

describe('createFakeSpawn under a created fake clock (passed as `clock`)', () => {
  test('completes → completed, every block on time, nothing left on the clock', async () => {
    const run = await superviseFake(scenarios.completes({ blocks: 3, everyMs: 20 }));
    expect(run.error).toBeUndefined();
    expect(run.outcome).toMatchObject({ reason: 'completed', exitCode: 0, signal: null, forcedKill: false, progressEnded: true });
    expect(run.outcome.durationMs).toBe(60);
    expect(run.at('progress')).toEqual([20, 40, 60, 60]);
    expect(run.outcome.stderrTail).toBe(`ready pid=${run.outcome.pid}\n`);
    expect(run.leftTimers).toBe(0);
  });

  test('progress then hang → stalled exactly at the deadline (+1 ms drain turn), stopped by SIGTERM', async () => {
    const run = await superviseFake(scenarios.progressThenHang({ blocks: 3, everyMs: 20 }));
    expect(run.error?.code).toBe('ERR_FFMPEG_STALLED');
    expect(run.at('stall')).toEqual([60 + 90_000 + 1]);
    expect(run.outcome).toMatchObject({ reason: 'stalled', exitCode: 255, signal: null, forcedKill: false, durationMs: 90_061 });
    expect(run.outcome.stderrTail).toMatch(/Exiting normally, received signal 15\.\n$/);
    expect(run.outcome.lastProgress).toMatchObject({ outTimeUs: 3_000_000, done: true }); // ffmpeg's last report on SIGTERM
    expect(run.leftTimers).toBe(0);
    // 90 s of fake time in (much) less than a tenth of it in real time, even on a busy machine.
    expect(run.realMs).toBeLessThan(run.outcome.durationMs / 10);
  });

  test('ignoring SIGTERM → SIGKILL after exactly killGraceMs, forcedKill', async () => {
    const run = await superviseFake(scenarios.ignoresSigterm(scenarios.progressThenHang({ blocks: 3, everyMs: 20 })));
    expect(run.at('stall')).toEqual([90_061]);
    expect(run.outcome).toMatchObject({ reason: 'stalled', exitCode: null, signal: 'SIGKILL', forcedKill: true, durationMs: 90_061 + 5_000 });
    expect(run.spawn.calls[0]?.child?.signalsReceived).toEqual(['SIGTERM', 'SIGKILL']);
    expect(run.outcome.stderrTail).toContain('received signal 15, ignoring it');
  });

  test('silent from the start → stalled in the startup phase after startupGraceMs + stallTimeoutMs', async () => {
    const clock = FakeTimers.createClock();
    const spawn = createFakeSpawn(scenarios.silentHang(), { clock });
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn, clock });
    const stalls: unknown[] = [];
    supervisor.on('stall', (stall) => stalls.push({ ...stall, at: clock.now }));
    const error = await rejectionOf(runUntilSettled(clock, supervisor.run()));
    expect(stalls).toEqual([expect.objectContaining({ phase: 'startup', stalledForMs: 120_001, at: 120_001, lastOutTimeUs: undefined })]);
    expect(error.outcome?.reason).toBe('stalled');
  });

  test('frozen progress (same numbers again and again) → stalled from the last block that moved', async () => {
    const run = await superviseFake(scenarios.frozenProgress({ advancing: 2, frozenBlocks: 50, everyMs: 20 }));
    expect(run.at('progress').length).toBeGreaterThan(50);
    expect(run.at('stall')).toEqual([40 + 90_000 + 1]);
    expect(run.outcome.reason).toBe('stalled');
  });

  test('abort from the host → aborted at the abort, the reason as cause', async () => {
    const clock = FakeTimers.createClock();
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(new Error('shutting down')), 1_000);
    const spawn = createFakeSpawn(scenarios.progressThenHang(), { clock });
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn, clock, signal: controller.signal });
    const error = await rejectionOf(runUntilSettled(clock, supervisor.run()));
    expect(error.code).toBe('ERR_FFMPEG_ABORTED');
    expect((error.cause as Error).message).toBe('shutting down');
    expect(error.outcome).toMatchObject({ reason: 'aborted', exitCode: 255, durationMs: 1_000 });
  });

  test('timeoutMs → timeout exactly then', async () => {
    const run = await superviseFake(scenarios.progressThenHang(), { timeoutMs: 10_000 });
    expect(run.error?.code).toBe('ERR_FFMPEG_TIMEOUT');
    expect(run.outcome).toMatchObject({ reason: 'timeout', durationMs: 10_000, exitCode: 255 });
  });

  test.each(['ENOENT', 'EACCES'] as const)('createFakeSpawn.failing(%s) → spawn_failed, like a missing binary', async (code) => {
    const spawn = createFakeSpawn.failing(code);
    const run = await superviseFake(spawn);
    expect(run.error?.code).toBe('ERR_FFMPEG_SPAWN');
    expect(run.error?.cause).toMatchObject({ code, syscall: 'spawn ffmpeg', path: 'ffmpeg', message: `spawn ffmpeg ${code}` });
    expect(run.outcome).toMatchObject({ reason: 'spawn_failed', pid: undefined, exitCode: null });
    expect(run.at('spawn')).toEqual([]);
    expect(run.at('exit')).toHaveLength(1);
    expect(spawn.calls).toEqual([expect.objectContaining({ tool: 'ffmpeg', file: 'ffmpeg', child: undefined })]);
  });

  test('failsWith → failed with the exit code and the stderr lines', async () => {
    const run = await superviseFake(scenarios.failsWith({ stderr: [NON_MONOTONIC_DTS], exitCode: 1 }));
    expect(run.error?.code).toBe('ERR_FFMPEG_EXIT');
    expect(run.outcome).toMatchObject({ reason: 'failed', exitCode: 1 });
    expect(run.outcome.stderrTail).toContain(NON_MONOTONIC_DTS);
  });

  test('crashes(SIGSEGV) → failed, killed by that signal', async () => {
    const run = await superviseFake(scenarios.crashes('SIGSEGV'));
    expect(run.outcome).toMatchObject({ reason: 'failed', exitCode: null, signal: 'SIGSEGV' });
  });

  test('the fake pid is never a real process, and the supervisor never signals it as one', async () => {
    const run = await superviseFake(scenarios.ignoresSigterm(scenarios.silentHang()));
    const pid = run.outcome.pid ?? 0;
    expect(pid).toBeGreaterThan(4_194_304);
    expect(isProcessAlive(pid)).toBe(false);
    expect(run.outcome.forcedKill).toBe(true);
  });
});

describe('createFakeSpawn: what the fake plays', () => {
  const dirs: string[] = [];
  const fakes: FakeFfmpeg[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    for (const fake of fakes.splice(0)) fake.cleanup();
  });

  test.each([3, 1] as const)('progress on pipe:%i reaches the supervisor', async (progressFd) => {
    const clock = FakeTimers.createClock();
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn: createFakeSpawn(scenarios.completes(), { clock }), clock, progressFd });
    let blocks = 0;
    supervisor.on('progress', () => blocks++);
    expect(await runUntilSettled(clock, supervisor.run())).toMatchObject({ reason: 'completed', progressEnded: true });
    expect(blocks).toBe(4);
  });

  test('writes output files in-process (writeOutputText to the last argument)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-spawn-'));
    dirs.push(dir);
    const output = path.join(dir, 'out.mp4');
    const run = await superviseFake(scenarios.completes({ outputText: 'fake mp4' }), { args: ['-i', 'file:in.ts', `file:${output}`] });
    expect(run.outcome.reason).toBe('completed');
    expect(readFileSync(output, 'utf8')).toBe('fake mp4');
  });

  test('a list of scenarios: the n-th ffmpeg run plays the n-th, the last one repeats', async () => {
    const clock = FakeTimers.createClock();
    const spawn = createFakeSpawn([scenarios.failsWith(), scenarios.completes({ blocks: 1 })], { clock });
    const reasons: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = new FfmpegSupervisor({ args: ARGS, spawn, clock }).run();
      reasons.push(await runUntilSettled(clock, run).then((outcome) => outcome.reason, (error: FfmpegError) => error.outcome?.reason ?? ''));
    }
    expect(reasons).toEqual(['failed', 'completed', 'completed']);
    expect(spawn.calls.map((call) => call.tool)).toEqual(['ffmpeg', 'ffmpeg', 'ffmpeg']);
  });

  test('answers ffprobe with the scenario probe (and the defaults): probeMedia reads it', async () => {
    const clock = FakeTimers.createClock();
    const spawn = createFakeSpawn({ ...scenarios.silentHang(), probe: { durationSec: 12.5, audioCodecs: ['ac3', 'mp2'] } }, { clock });
    const probe = await runUntilSettled(clock, probeMedia('/recordings/a.ts', { ffprobePath: '/usr/local/bin/ffprobe', spawn, clock }));
    expect(probe).toMatchObject({ ok: true, durationSec: 12.5, formatName: 'mpegts', audioTrackCount: 2, video: { codecName: 'h264', bitDepth: 8 } });
    expect(spawn.calls).toEqual([expect.objectContaining({ tool: 'ffprobe', file: '/usr/local/bin/ffprobe' })]);
  });

  test('with parentDeathSignal the setpriv wrapper is unwrapped and ffmpeg plays', async () => {
    const clock = FakeTimers.createClock();
    const spawn = createFakeSpawn(scenarios.completes(), { clock });
    const supervisor = new FfmpegSupervisor({ args: ARGS, ffmpegPath: '/opt/ffmpeg', spawn, clock, parentDeathSignal: true });
    expect((await runUntilSettled(clock, supervisor.run())).reason).toBe('completed');
    expect(spawn.calls[0]).toMatchObject({ tool: 'ffmpeg', file: '/opt/ffmpeg' });
  });

  test('writes the same progress and stderr bytes as the fake ffmpeg program', async () => {
    const scenario: FakeFfmpegScenario = {
      steps: [
        { advance: { count: 2, everyMs: 5, outTimeStepUs: 40_000 } },
        { progress: { outTimeUs: 'N/A', speed: 1234.5, extra: { stream_1_0_q: '-1.0' } } },
        { stderr: NON_MONOTONIC_DTS },
        { frozen: { count: 2, everyMs: 5 } },
        { progress: { end: true } },
      ],
      announceReady: false,
    };
    const args = ['-nostdin', '-progress', 'pipe:3', ...ARGS];
    const fake = createFakeFfmpeg(scenario);
    fakes.push(fake);
    const child = nodeSpawn(fake.path, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const [programProgress, programStderr] = await Promise.all([readAll(child.stdio[3] as Readable), readAll(child.stderr)]);

    const inProcess = createFakeSpawn(scenario)('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const [fakeProgress, fakeStderr] = await Promise.all([readAll(inProcess.stdio[3] as Readable), readAll(inProcess.stderr)]);
    expect(fakeProgress).toBe(programProgress);
    expect(fakeStderr).toBe(programStderr);
    expect(fakeProgress.match(/progress=/g)).toHaveLength(6);
  });

  test('answers -version and -h long like the program does (for capability probes)', async () => {
    const fake = createFakeSpawn({ steps: [], capabilities: { version: '4.4.2', fpsMode: false } });
    const version = fake('ffmpeg', ['-hide_banner', '-version'], {});
    const help = fake('ffmpeg', ['-hide_banner', '-h', 'long'], {});
    const [versionText, helpText] = await Promise.all([readAll(version.stdout), readAll(help.stdout), readAll(version.stderr), readAll(help.stderr)]);
    expect(parseCapabilities(versionText, helpText)).toEqual({ version: '4.4.2', hasFpsMode: false, encoders: [] });
  });

  test('kill() after exit returns false; exit then close, like a ChildProcess', async () => {
    const child = createFakeSpawn(scenarios.completes({ everyMs: 0 }))('ffmpeg', ARGS, { stdio: ['pipe', 'pipe', 'pipe'] });
    const events: unknown[] = [];
    child.on('spawn', () => events.push('spawn'));
    child.on('exit', (code, signal) => events.push(['exit', code, signal]));
    child.stdout?.resume();
    child.stderr?.resume();
    await new Promise((resolve) => child.on('close', (code, signal) => resolve(events.push(['close', code, signal]))));
    expect(events).toEqual(['spawn', ['exit', 0, null], ['close', 0, null]]);
    expect(child.kill('SIGKILL')).toBe(false);
    expect(child.stdin?.destroyed).toBe(true);
  });

  test.each([
    [{ ...scenarios.completes(), grandchildHoldsPipesMs: 100 }, /`scenario.grandchildHoldsPipesMs` step cannot be played in-process/],
    [{ steps: [{ sleep: 5 }] }, /`scenario.steps\[0\]` must have exactly one of wait, progress/],
    [[], /must not be empty/],
    [[scenarios.completes(), { steps: 'no' }], /`scenario\[1\]` must be an object with a `steps` array/],
  ])('rejects %j at creation with a TypeError naming the problem', (scenario, message) => {
    expect(() => createFakeSpawn(scenario as FakeFfmpegScenario)).toThrow(TypeError);
    expect(() => createFakeSpawn(scenario as FakeFfmpegScenario)).toThrow(message);
  });

  test('rejects a clock without setTimeout, and an unknown errno', () => {
    expect(() => createFakeSpawn(scenarios.completes(), { clock: { now: 0 } as never })).toThrow(/`clock` option must have/);
    expect(() => createFakeSpawn.failing('ENOPE' as never)).toThrow(/must be an errno name/);
  });
});

function readAll(stream: NodeJS.ReadableStream | null | undefined): Promise<string> {
  if (!stream) return Promise.resolve('');
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
