/**
 * Cases 26–28 of the fault table (29 is in unreaped.test.ts): faults that come from the host side (issue 10), in real time on
 * the fake ffmpeg program and on real ffmpeg. The same scenarios on the fake clock, with exact
 * bounds, are in test/supervisor/lifecycle.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { RemuxLadder } from '../../src/remux/ladder.js';
import type { SupervisorEventName } from '../../src/supervisor/options.js';
import { runUntilSettled } from '../../src/testing/clocks.js';
import { createFakeSpawn } from '../../src/testing/in-process/fake-spawn.js';
import { scenarios } from '../../src/testing/scenario/builders.js';
import { STATIC_BUILD_ENV } from '../helpers/media.js';
import { rejectionOf } from '../helpers/rejection.js';
import { isSameProcessAlive } from '../helpers/resources.js';
import { cleanUpProcessesAndFakes, lavfiInput, REAL_FFMPEG, superviseFake, superviseReal, trackProcess, waitUntilGone } from './kit.js';

afterEach(cleanUpProcessesAndFakes);

/** Collects listener exceptions through the documented hook. */
function collectListenerErrors() {
  const errors: Array<{ error: unknown; event: SupervisorEventName }> = [];
  return { errors, onListenerError: (error: unknown, event: SupervisorEventName) => errors.push({ error, event }) };
}

describe('case 26: a throwing listener never changes the outcome (fake ffmpeg program)', () => {
  test('a progress listener that throws on every block: completed, not stalled; every block delivered', async () => {
    const { errors, onListenerError } = collectListenerErrors();
    const { supervisor, events } = superviseFake(scenarios.completes({ blocks: 60, everyMs: 20 }), {
      stallTimeoutMs: 400,
      startupGraceMs: 10_000,
      onListenerError,
    });
    supervisor.on('progress', () => {
      throw new Error('progress bug');
    });
    const outcome = await supervisor.run();
    expect(outcome).toMatchObject({ reason: 'completed', progressEnded: true });
    expect(events.progress).toBe(61);
    expect(errors).toHaveLength(61);
  });

  test('a stderr listener that throws while ffmpeg floods stderr (2 MB of lines): completed, the pipe kept being read', async () => {
    const { errors, onListenerError } = collectListenerErrors();
    const { supervisor, events } = superviseFake(scenarios.stderrFlood(2_000_000), {
      stallTimeoutMs: 1_000,
      startupGraceMs: 3_000,
      onListenerError,
    });
    supervisor.on('stderr', () => {
      throw new Error('stderr bug');
    });
    const outcome = await supervisor.run();
    expect(outcome.reason).toBe('completed');
    expect(events.stalls).toEqual([]);
    expect(errors.length).toBe(events.stderr.length);
    expect(errors.length).toBeGreaterThan(1_000);
  });

  test('a stall listener that throws: stalled, the process stopped and reaped, run() settled', async () => {
    const { errors, onListenerError } = collectListenerErrors();
    const { supervisor, events } = superviseFake(scenarios.silentHang(), { stallTimeoutMs: 400, startupGraceMs: 200, killGraceMs: 300, onListenerError });
    supervisor.on('stall', () => {
      throw new Error('stall bug');
    });
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome?.reason).toBe('stalled');
    expect(errors).toMatchObject([{ event: 'stall' }]);
    const identity = trackProcess(events.spawnedPids[0]);
    expect(await waitUntilGone(identity, 5_000)).toBe(true);
  });

  test('a spawn listener that throws and calls run() again: one process, completed', async () => {
    const { errors, onListenerError } = collectListenerErrors();
    const { supervisor, events } = superviseFake(scenarios.completes({ blocks: 3 }), { onListenerError });
    supervisor.on('spawn', () => {
      void supervisor.run();
      throw new Error('spawn bug');
    });
    supervisor.on('exit', () => void supervisor.run());
    const outcome = await supervisor.run();
    expect(outcome.reason).toBe('completed');
    expect(events.spawnedPids).toHaveLength(1);
    expect(errors).toMatchObject([{ event: 'spawn' }]);
  });
});

test('case 26 (ladder): a throwing ladder progress listener no longer fails the remux as stalled; each exception surfaces', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-host-side-'));
  try {
    const input = join(dir, 'recording.ts');
    writeFileSync(input, 'the in-process ffprobe never reads this');
    const clock = FakeTimers.createClock();
    const spawn = createFakeSpawn(scenarios.completes({ blocks: 30, everyMs: 100, outputText: 'fake mp4' }), { clock });
    const ladder = new RemuxLadder({ spawn, clock, stallTimeoutMs: 250, startupGraceMs: 0 });
    let delivered = 0;
    ladder.on('progress', () => {
      delivered += 1;
      throw new Error('ladder progress bug');
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const result = await runUntilSettled(clock, ladder.remux({ inputs: [input], output: join(dir, 'out.mp4') }));
      expect(result.strategy).toBe('default');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(readFileSync(join(dir, 'out.mp4'), 'utf8')).toBe('fake mp4');
    expect(delivered).toBe(31);
    expect(uncaught).toHaveLength(31);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.each(REAL_FFMPEG)('cases 26–28 on real ffmpeg ($name)', ({ path: ffmpegPath }) => {
  // Raw video is byte-for-byte reproducible: 50 frames of 160x120 yuv420p, 1.44 MB.
  const rawVideoArgs = ['-hide_banner', '-f', 'lavfi', '-i', 'testsrc2=duration=2:size=160x120:rate=25', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', 'pipe:1'];

  test('case 27: stdout: "pipe" with a slow reader: the reader gets every byte ffmpeg wrote; run() does not wait for it', async () => {
    const expected = execFileSync(ffmpegPath, ['-loglevel', 'error', ...rawVideoArgs], { env: STATIC_BUILD_ENV, maxBuffer: 64 * 1024 * 1024 });
    expect(expected.length).toBe(160 * 120 * 1.5 * 50);
    const { supervisor } = superviseReal(ffmpegPath, rawVideoArgs, { stdout: 'pipe', pipeDrainMs: 10 });
    const run = supervisor.run();
    const stdout = supervisor.stdout;
    if (!stdout) throw new Error('no stdout');
    const chunks: Buffer[] = [];
    // 32 KiB every 20 ms: ffmpeg waits on the pipe, and after its exit the reader still has the
    // last pipe-full to read, far longer than pipeDrainMs.
    const slowReader = new Writable({
      highWaterMark: 32 * 1024,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        setTimeout(done, 20);
      },
    });
    const [outcome] = await Promise.all([run, pipeline(stdout, slowReader)]);
    expect(outcome.reason).toBe('completed');
    const received = Buffer.concat(chunks);
    expect(received.length).toBe(expected.length);
    expect(received.equals(expected)).toBe(true);
  });

  test('case 26: throwing progress and stderr listeners on a real-time job: completed, never stalled', async () => {
    const { errors, onListenerError } = collectListenerErrors();
    const { supervisor, events } = superviseReal(ffmpegPath, ['-hide_banner', '-stats', ...lavfiInput(3, { realtime: true }), '-f', 'null', '-'], {
      stallTimeoutMs: 1_000,
      startupGraceMs: 10_000,
      onListenerError,
      env: STATIC_BUILD_ENV,
    });
    supervisor.on('progress', () => {
      throw new Error('progress bug');
    });
    supervisor.on('stderr', () => {
      throw new Error('stderr bug');
    });
    const outcome = await supervisor.run();
    expect(outcome).toMatchObject({ reason: 'completed', progressEnded: true });
    expect(events.stalls).toEqual([]);
    expect(events.progress).toBeGreaterThan(3);
    expect(errors.filter(({ event }) => event === 'progress')).toHaveLength(events.progress);
    expect(errors.filter(({ event }) => event === 'stderr')).toHaveLength(events.stderr.length);
  });

  test('case 28: a 30-day timeout and stall timeouts past 2^31 ms do not fire early in real time, and warn about nothing', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const { supervisor, events } = superviseReal(ffmpegPath, ['-hide_banner', ...lavfiInput(1, { realtime: true }), '-f', 'null', '-'], {
        timeoutMs: 30 * 86_400_000,
        stallTimeoutMs: 2 ** 31 + 5,
        startupGraceMs: 2 ** 32,
        env: STATIC_BUILD_ENV,
      });
      const outcome = await supervisor.run();
      expect(outcome.reason).toBe('completed');
      expect(outcome.durationMs).toBeGreaterThan(900); // it ran its whole second of real time
      expect(events.stalls).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([]);
  });

  test('case 26: a stall listener that aborts the run on real ffmpeg blocked on a silent input: stalled wins; reaped', async () => {
    const controller = new AbortController();
    // A lavfi source paced far slower than real time is silent: no forward progress.
    const { supervisor, events } = superviseReal(ffmpegPath, ['-hide_banner', '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=1/60', '-f', 'null', '-'], {
      stallTimeoutMs: 300,
      startupGraceMs: 2_000,
      killGraceMs: 1_000,
      signal: controller.signal,
      env: STATIC_BUILD_ENV,
    });
    supervisor.on('stall', () => controller.abort());
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome?.reason).toBe('stalled');
    expect(events.stalls).toHaveLength(1);
    const identity = trackProcess(events.spawnedPids[0]);
    expect(identity === undefined || !isSameProcessAlive(identity) || (await waitUntilGone(identity, 5_000))).toBe(true);
  });
});
