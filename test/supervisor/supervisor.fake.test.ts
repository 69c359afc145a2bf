import { chmodSync, writeFileSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { FfmpegError } from '../../src/supervisor/errors.js';
import type { FfmpegOutcome } from '../../src/supervisor/outcome.js';
import type { FfmpegSupervisorOptions } from '../../src/supervisor/options.js';
import { type FfmpegStall, FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { scenarios } from '../../src/testing/scenario/builders.js';
import { createFakeFfmpeg, type FakeFfmpeg } from '../../src/testing/subprocess/fake-ffmpeg.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';
import { isProcessAlive, killTracked, trackPid } from '../helpers/processes.js';
import { rejectionOf } from '../helpers/rejection.js';

const fakes: FakeFfmpeg[] = [];
afterEach(async () => {
  await killTracked();
  for (const fake of fakes.splice(0)) fake.cleanup();
});

/** A supervisor on the fake, with every event recorded and the pid tracked for cleanup. */
function supervise(scenario: FakeFfmpegScenario, options: Partial<FfmpegSupervisorOptions> = {}) {
  const fake = createFakeFfmpeg(scenario);
  fakes.push(fake);
  const supervisor = new FfmpegSupervisor({ ffmpegPath: fake.path, args: ['-i', 'file:in.ts', 'file:/dev/null'], ...options });
  const events = { progress: 0, stalls: [] as FfmpegStall[], exits: [] as FfmpegOutcome[], stderr: [] as string[] };
  supervisor.on('spawn', ({ pid }) => trackPid(pid));
  supervisor.on('progress', () => (events.progress += 1));
  supervisor.on('stall', (stall) => events.stalls.push(stall));
  supervisor.on('exit', (outcome) => events.exits.push(outcome));
  supervisor.on('stderr', (line) => events.stderr.push(line));
  return { supervisor, events };
}

// A generous startup grace: on a loaded machine the fake's own Node start-up can take longer
// than a short stall timeout. Tests of the startup phase set their own.
const short = { stallTimeoutMs: 400, startupGraceMs: 10_000, killGraceMs: 300 } as const;
const shortStartup = { ...short, startupGraceMs: 200 } as const;

describe('FfmpegSupervisor on the fake ffmpeg (real time, short timeouts)', () => {
  test('completes: resolves after exit 0 with progress=end seen; exit fires once', async () => {
    const { supervisor, events } = supervise(scenarios.completes({ blocks: 5, everyMs: 10 }));
    const outcome = await supervisor.run();
    expect(outcome).toMatchObject({ reason: 'completed', exitCode: 0, signal: null, forcedKill: false, progressEnded: true });
    expect(outcome.lastProgress).toMatchObject({ done: true, outTimeUs: 5_000_000 });
    expect(events.progress).toBe(6);
    expect(events.exits).toEqual([outcome]);
    expect(supervisor.outcome).toBe(outcome);
    expect(await supervisor.run()).toBe(outcome); // run() is idempotent
  });

  test("the seed's deferred integration test: progress, then hang → stalled, stopped, reaped, stall reported", async () => {
    const { supervisor, events } = supervise(scenarios.progressThenHang({ blocks: 2, everyMs: 10 }), short);
    const error = await rejectionOf(supervisor.run());
    expect(error.name).toBe('FfmpegStalledError');
    expect(error.code).toBe('ERR_FFMPEG_STALLED');
    expect(error.outcome).toMatchObject({ reason: 'stalled', exitCode: 255, forcedKill: false });
    expect(events.stalls).toHaveLength(1);
    expect(events.stalls[0]).toMatchObject({ phase: 'running', lastOutTimeUs: 2_000_000, stallTimeoutMs: 400 });
    expect(events.stalls[0]?.stalledForMs).toBeGreaterThanOrEqual(400);
    expect(isProcessAlive(error.outcome?.pid ?? -1)).toBe(false);
    expect(events.exits).toHaveLength(1);
  });

  test('frozen progress blocks (ffmpeg 7) are a stall, not progress', async () => {
    const { supervisor, events } = supervise(scenarios.frozenProgress({ advancing: 2, frozenBlocks: 200, everyMs: 10 }), short);
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome?.reason).toBe('stalled');
    expect(events.progress).toBeGreaterThan(10); // blocks kept coming
    expect(events.stalls[0]?.phase).toBe('running');
  });

  test('silent from the start → stalled in the startup phase', async () => {
    const { supervisor, events } = supervise(scenarios.silentHang(), shortStartup);
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome?.reason).toBe('stalled');
    expect(events.stalls[0]).toMatchObject({ phase: 'startup', lastOutTimeUs: undefined });
    expect(events.stalls[0]?.stalledForMs).toBeGreaterThanOrEqual(600);
  });

  test('ignores SIGTERM → SIGKILL after the kill grace: forcedKill, the reason stays stalled', async () => {
    const { supervisor } = supervise(scenarios.ignoresSigterm(scenarios.progressThenHang({ blocks: 1 })), short);
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome).toMatchObject({ reason: 'stalled', forcedKill: true, signal: 'SIGKILL', exitCode: null });
    expect(error.message).toMatch(/SIGKILL needed/);
    expect(isProcessAlive(error.outcome?.pid ?? -1)).toBe(false);
  });

  test('a grandchild holding the pipes is removed by the group kill; settles without waiting for it', async () => {
    const { supervisor, events } = supervise(scenarios.withGrandchild(scenarios.silentHang(), 60_000), shortStartup);
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome?.reason).toBe('stalled');
    const grandchildPid = Number(/grandchild pid=(\d+)/.exec(events.stderr.join('\n'))?.[1]);
    expect(grandchildPid).toBeGreaterThan(0);
    expect(isProcessAlive(grandchildPid)).toBe(false);
  });

  test('a grandchild that outlives a normal exit holds the pipes: settle after the drain delay', async () => {
    const { supervisor } = supervise(scenarios.withGrandchild(scenarios.completes({ blocks: 1 }), 60_000), { pipeDrainMs: 200 });
    const outcome = await supervisor.run();
    expect(outcome.reason).toBe('completed');
    expect(outcome.durationMs).toBeLessThan(30_000); // not the grandchild's 60 s
  });

  test('exit 1 → failed (ERR_FFMPEG_EXIT) with the stderr tail naming the option; no stall', async () => {
    const { supervisor, events } = supervise(scenarios.failsWith(), short);
    const error = await rejectionOf(supervisor.run());
    expect(error.code).toBe('ERR_FFMPEG_EXIT');
    expect(error.outcome).toMatchObject({ reason: 'failed', exitCode: 1, signal: null });
    expect(error.outcome?.stderrTail).toMatch(/Unrecognized option 'foo'/);
    expect(error.message).toMatch(/exited with code 1: Error splitting the argument list/);
    expect(events.stalls).toEqual([]);
  });

  test('killed by someone else (the OOM killer) → failed with the signal, no latched reason', async () => {
    const { supervisor } = supervise(scenarios.crashes('SIGKILL'));
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome).toMatchObject({ reason: 'failed', signal: 'SIGKILL', exitCode: null, forcedKill: false });
    expect(error.message).toMatch(/killed by SIGKILL/);
  });

  test.each([
    ['ENOENT', (dir: string) => join(dir, 'no-such-ffmpeg')],
    [
      'EACCES',
      (dir: string) => {
        const path = join(dir, 'not-executable');
        writeFileSync(path, '#!/bin/sh\n');
        chmodSync(path, 0o644);
        return path;
      },
    ],
  ])('%s → spawn_failed with the errno code as cause; exit fires; nothing left running', async (code, makePath) => {
    const fake = createFakeFfmpeg(scenarios.completes());
    fakes.push(fake);
    const supervisor = new FfmpegSupervisor({ ffmpegPath: makePath(fake.dir), args: [] });
    const exits: FfmpegOutcome[] = [];
    supervisor.on('exit', (outcome) => exits.push(outcome));
    const error = await rejectionOf(supervisor.run());
    expect(error.code).toBe('ERR_FFMPEG_SPAWN');
    expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
    expect(error.outcome).toMatchObject({ reason: 'spawn_failed', pid: undefined, exitCode: null });
    expect(exits).toHaveLength(1);
  });

  test('a bad cwd → spawn_failed (ENOENT)', async () => {
    const { supervisor } = supervise(scenarios.completes(), { cwd: '/no/such/dir' });
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome?.reason).toBe('spawn_failed');
  });

  test('an already-aborted signal rejects without spawning', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const { supervisor, events } = supervise(scenarios.completes(), { signal: controller.signal });
    const error = await rejectionOf(supervisor.run());
    expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', outcome: { reason: 'aborted', pid: undefined } });
    expect((error.cause as Error).message).toBe('shutting down');
    expect(supervisor.pid).toBeUndefined();
    expect(events.exits).toHaveLength(1);
  });

  test("abort mid-run → aborted with the signal's reason; ffmpeg's exit 255 does not count; listener removed", async () => {
    const controller = new AbortController();
    const { supervisor } = supervise(scenarios.progressThenHang({ blocks: 1 }), { signal: controller.signal });
    supervisor.once('progress', () => controller.abort('host shutdown'));
    const error = await rejectionOf(supervisor.run());
    expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', cause: 'host shutdown' });
    expect(error.outcome).toMatchObject({ reason: 'aborted', exitCode: 255 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('a signal that never aborts keeps no listener after the run', async () => {
    const controller = new AbortController();
    const { supervisor } = supervise(scenarios.completes(), { signal: controller.signal });
    await supervisor.run();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('abort just after a successful exit: stays completed, no signal sent', async () => {
    const controller = new AbortController();
    const { supervisor } = supervise(scenarios.completes({ blocks: 1 }), { signal: controller.signal });
    supervisor.on('exit', () => controller.abort());
    const outcome = await supervisor.run();
    expect(outcome.reason).toBe('completed');
  });

  test('timeoutMs while progressing → timeout, distinct from stalled', async () => {
    const { supervisor, events } = supervise(
      { steps: [{ advance: { count: 10_000, everyMs: 20 } }] },
      { timeoutMs: 300, stallTimeoutMs: 5_000, killGraceMs: 300 },
    );
    const error = await rejectionOf(supervisor.run());
    expect(error.code).toBe('ERR_FFMPEG_TIMEOUT');
    expect(error.outcome?.reason).toBe('timeout');
    expect(events.stalls).toEqual([]);
  });

  test('stall, deadline and abort due together: the first latched wins, one settlement', async () => {
    const controller = new AbortController();
    const { supervisor, events } = supervise(scenarios.silentHang(), {
      stallTimeoutMs: 200,
      startupGraceMs: 0,
      timeoutMs: 200,
      signal: controller.signal,
      killGraceMs: 300,
    });
    supervisor.on('stall', () => controller.abort());
    const error = await rejectionOf(supervisor.run());
    expect(['stalled', 'timeout']).toContain(error.outcome?.reason);
    expect(events.exits).toHaveLength(1);
  });

  test('a SIGTERM while ffmpeg still probes (exit 1) keeps the latched reason', async () => {
    const { supervisor } = supervise({ ...scenarios.silentHang(), exitCodeOnSignal: 1 }, shortStartup);
    const error = await rejectionOf(supervisor.run());
    expect(error.outcome).toMatchObject({ reason: 'stalled', exitCode: 1 });
  });

  test('a stderr flood without newlines stays within the tail cap and is not a reason to kill', async () => {
    const { supervisor } = supervise(scenarios.stderrFlood(2_000_000, { newlines: false }), { stderrTailBytes: 4_096 });
    const outcome = await supervisor.run();
    expect(outcome.reason).toBe('completed');
    expect(Buffer.byteLength(outcome.stderrTail)).toBeLessThanOrEqual(4_096);
    expect(outcome.stderrTruncated).toBe(true);
    expect(outcome.stderrTail).not.toContain('\uFFFD');
  });

  test('an event loop blocked past the stall timeout with progress buffered: no false stall', async () => {
    const { supervisor, events } = supervise(scenarios.completes({ blocks: 80, everyMs: 25 }), {
      stallTimeoutMs: 500,
      startupGraceMs: 10_000,
    });
    supervisor.once('progress', () => {
      const until = Date.now() + 1_100; // blocked for twice the stall timeout while the fake keeps writing
      while (Date.now() < until) {
        // busy
      }
    });
    const outcome = await supervisor.run();
    expect(outcome.reason).toBe('completed');
    expect(events.stalls).toEqual([]);
  });

  test('stdin EPIPE never becomes an uncaught exception', async () => {
    const { supervisor } = supervise(scenarios.completes({ blocks: 1 }), { stdin: 'pipe' });
    const run = supervisor.run();
    await run;
    supervisor.stdin?.write('q\n');
    supervisor.stdin?.write('q\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  test('pipe:1 carries progress on stdout when asked', async () => {
    const { supervisor, events } = supervise(scenarios.completes({ blocks: 2 }), { progressFd: 1 });
    const outcome = await supervisor.run();
    expect(outcome.args).toContain('pipe:1');
    expect(events.progress).toBe(3);
  });

  test('no error event is ever emitted (hosts without a listener must not crash)', async () => {
    const { supervisor } = supervise(scenarios.crashes('SIGKILL'));
    expect((supervisor as unknown as NodeJS.EventEmitter).listenerCount('error')).toBe(0);
    const error: FfmpegError = await rejectionOf(supervisor.run());
    expect(error.outcome?.reason).toBe('failed');
  });
});

describe('host listeners', () => {
  test("a throwing 'exit' listener does not leave run() pending; exit listeners run before awaiters resume", async () => {
    const { supervisor } = supervise(scenarios.completes({ blocks: 1 }));
    const order: string[] = [];
    supervisor.on('exit', () => order.push('exit listener'));
    supervisor.on('exit', () => {
      throw new Error('a host bug');
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = await supervisor.run();
      order.push('awaiter');
      expect(outcome.reason).toBe('completed');
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(order).toEqual(['exit listener', 'awaiter']);
    expect(uncaught).toHaveLength(1);
  });
});
