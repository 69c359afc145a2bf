/**
 * Issue 10: the run lifecycle that no listener, reader or odd value can break. On the in-process
 * fake (createFakeSpawn) and a fake clock, so every bound is exact and nothing takes real time.
 */
import type { ChildProcess } from 'node:child_process';
import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, test } from 'vitest';
import type { FfmpegError } from '../../src/supervisor/errors.js';
import type { FfmpegOutcome } from '../../src/supervisor/outcome.js';
import { type FfmpegSupervisorOptions, IN_PROCESS_SPAWN, isInProcessSpawn, type SpawnFunction, type SupervisorEventName } from '../../src/supervisor/options.js';
import { liveRunCount } from '../../src/supervisor/host-exit.js';
import { resolveFfmpegPath } from '../../src/supervisor/resolve-path.js';
import { FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { runUntilSettled } from '../../src/testing/clocks.js';
import { createFakeSpawn } from '../../src/testing/in-process/fake-spawn.js';
import { scenarios } from '../../src/testing/scenario/builders.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';
import { rejectionOf } from '../helpers/rejection.js';

const ARGS = ['-i', 'file:in.ts', '-c', 'copy', '-f', 'mp4', 'file:/dev/null'];
const DAY_MS = 86_400_000;

/** A supervisor on the in-process fake and a fake clock, with every listener error collected. */
function superviseOnClock(scenario: FakeFfmpegScenario, options: Partial<FfmpegSupervisorOptions> = {}) {
  const clock = FakeTimers.createClock(0);
  const spawn = createFakeSpawn(scenario, { clock });
  const listenerErrors: Array<{ error: unknown; event: SupervisorEventName }> = [];
  const supervisor = new FfmpegSupervisor({
    args: ARGS,
    spawn,
    clock,
    onListenerError: (error, event) => listenerErrors.push({ error, event }),
    ...options,
  });
  const exits: FfmpegOutcome[] = [];
  supervisor.on('exit', (outcome) => exits.push(outcome));
  return { clock, spawn, supervisor, listenerErrors, exits };
}

/** Lets the fake's nextTick start and the microtasks run, without moving fake time. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('throwing listeners never affect the run (and are reported)', () => {
  test('a progress listener that throws on every block: completed, every block delivered, every throw reported', async () => {
    const { clock, supervisor, listenerErrors } = superviseOnClock(scenarios.completes({ blocks: 30, everyMs: 100 }), {
      stallTimeoutMs: 250,
      startupGraceMs: 0,
    });
    let delivered = 0;
    supervisor.on('progress', () => {
      delivered += 1;
      throw new Error(`progress bug ${delivered}`);
    });
    const outcome = await runUntilSettled(clock, supervisor.run());
    expect(outcome).toMatchObject({ reason: 'completed', progressEnded: true, unreaped: false });
    expect(delivered).toBe(31);
    expect(listenerErrors).toHaveLength(31);
    expect(listenerErrors[0]).toMatchObject({ event: 'progress', error: { message: 'progress bug 1' } });
  });

  test('a stderr listener that throws: completed, later lines still delivered, the stderr tail complete', async () => {
    const steps = Array.from({ length: 20 }, (_, index) => ({ stderr: `line ${index}` }));
    const { clock, supervisor, listenerErrors } = superviseOnClock({ steps: [...steps, { advance: { count: 3, everyMs: 10 } }, { exit: 0 }] });
    const lines: string[] = [];
    supervisor.on('stderr', (line) => {
      lines.push(line);
      throw new Error('stderr bug');
    });
    const outcome = await runUntilSettled(clock, supervisor.run());
    expect(outcome.reason).toBe('completed');
    expect(lines.filter((line) => line.startsWith('line '))).toEqual(steps.map((step) => step.stderr));
    expect(outcome.stderrTail).toContain('line 19');
    expect(listenerErrors.map(({ event }) => event)).toEqual(Array(lines.length).fill('stderr'));
  });

  test('a stall listener that throws: still stalled at exactly the deadline, stopped, settled', async () => {
    const { clock, spawn, supervisor, listenerErrors, exits } = superviseOnClock(scenarios.silentHang(), {
      stallTimeoutMs: 1_000,
      startupGraceMs: 2_000,
      killGraceMs: 500,
    });
    supervisor.on('stall', () => {
      throw new Error('stall bug');
    });
    const settled = rejectionOf(supervisor.run());
    await turn();
    clock.tick(2_999);
    expect(supervisor.phase).toBe('running');
    clock.tick(2); // due at 3 000, decided one turn of the clock later
    expect(supervisor.phase).toBe('stopping');
    expect(listenerErrors).toMatchObject([{ event: 'stall', error: { message: 'stall bug' } }]);
    expect(spawn.calls[0]?.child?.signalsReceived).toEqual(['SIGTERM']);
    const error = await runUntilSettled(clock, settled);
    expect(error.outcome).toMatchObject({ reason: 'stalled', forcedKill: false });
    expect(exits).toHaveLength(1);
  });

  test('a stall listener that aborts the signal (or calls stop()): the first reason, stalled, wins', async () => {
    for (const how of ['signal', 'stop()'] as const) {
      const controller = new AbortController();
      const { clock, supervisor } = superviseOnClock(scenarios.silentHang(), { stallTimeoutMs: 1_000, startupGraceMs: 0, signal: controller.signal });
      supervisor.on('stall', () => (how === 'signal' ? controller.abort(new Error('host gave up')) : supervisor.stop('host gave up')));
      const error = await runUntilSettled(clock, rejectionOf(supervisor.run()));
      expect(error.code, how).toBe('ERR_FFMPEG_STALLED');
      expect(error.outcome?.reason, how).toBe('stalled');
      expect(error.cause, how).toBeUndefined();
    }
  });

  test('a spawn listener that throws: the run goes on to completed; one process', async () => {
    const { clock, spawn, supervisor, listenerErrors } = superviseOnClock(scenarios.completes({ blocks: 3 }));
    supervisor.on('spawn', () => {
      throw new Error('spawn bug');
    });
    const outcome = await runUntilSettled(clock, supervisor.run());
    expect(outcome.reason).toBe('completed');
    expect(spawn.calls).toHaveLength(1);
    expect(listenerErrors).toMatchObject([{ event: 'spawn' }]);
  });

  test('an exit listener that throws: run() resolves, the other exit listeners run, the throw is reported', async () => {
    const { clock, supervisor, listenerErrors, exits } = superviseOnClock(scenarios.completes({ blocks: 1 }));
    supervisor.prependListener('exit', () => {
      throw new Error('exit bug');
    });
    const outcome = await runUntilSettled(clock, supervisor.run());
    expect(outcome.reason).toBe('completed');
    expect(exits).toEqual([outcome]);
    expect(listenerErrors).toMatchObject([{ event: 'exit', error: { message: 'exit bug' } }]);
  });

  test('without onListenerError, a listener exception is rethrown asynchronously (an uncaughtException), not swallowed', async () => {
    const clock = FakeTimers.createClock(0);
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn: createFakeSpawn(scenarios.completes({ blocks: 2 }), { clock }), clock });
    const bug = new Error('unhandled listener bug');
    supervisor.once('progress', () => {
      throw bug;
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      uncaught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = await runUntilSettled(clock, supervisor.run());
      expect(outcome.reason).toBe('completed');
      await turn();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([bug]);
  });
});

describe('run() is idempotent from anywhere; exit always after run() returned', () => {
  test('run() from spawn, progress and exit listeners returns the same promise; one process', async () => {
    const { clock, spawn, supervisor } = superviseOnClock(scenarios.completes({ blocks: 3 }));
    const fromListeners: Array<Promise<FfmpegOutcome>> = [];
    supervisor.on('spawn', () => fromListeners.push(supervisor.run()));
    supervisor.on('progress', () => fromListeners.push(supervisor.run()));
    supervisor.on('exit', () => fromListeners.push(supervisor.run()));
    const run = supervisor.run();
    await runUntilSettled(clock, run);
    expect(fromListeners.length).toBeGreaterThanOrEqual(6);
    for (const promise of fromListeners) expect(promise).toBe(run);
    expect(spawn.calls).toHaveLength(1);
  });

  test.each([
    ['an already-aborted signal', { signal: AbortSignal.abort('gone') }, 'ERR_FFMPEG_ABORTED'],
    ['a spawn that throws synchronously', { spawn: (() => { throw Object.assign(new TypeError('bad argument'), { code: 'ERR_INVALID_ARG_TYPE' }); }) as SpawnFunction, resolveBinary: false }, 'ERR_FFMPEG_SPAWN'],
    ['a spawn that fails (ENOENT)', { spawn: createFakeSpawn.failing('ENOENT') }, 'ERR_FFMPEG_SPAWN'],
  ] as const)('%s: an exit listener attached after run() still gets the outcome, before the awaiter', async (_name, options, code) => {
    const supervisor = new FfmpegSupervisor({ args: ARGS, ...options });
    const order: string[] = [];
    const run = supervisor.run();
    expect(order).toEqual([]);
    supervisor.on('exit', (outcome) => order.push(`exit ${outcome.reason}`));
    const error: FfmpegError = await rejectionOf(run);
    order.push('awaiter');
    expect(error.code).toBe(code);
    expect(order).toEqual([`exit ${error.outcome?.reason}`, 'awaiter']);
  });
});

describe('stop(reason?) behaves exactly like aborting the signal', () => {
  test('mid-run: aborted, with the reason as cause; SIGTERM sent once', async () => {
    const { clock, spawn, supervisor } = superviseOnClock(scenarios.progressThenHang({ blocks: 2, everyMs: 10 }));
    supervisor.once('progress', () => supervisor.stop(new Error('shutting down')));
    const error = await runUntilSettled(clock, rejectionOf(supervisor.run()));
    expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', cause: { message: 'shutting down' }, outcome: { reason: 'aborted' } });
    expect(spawn.calls[0]?.child?.signalsReceived).toEqual(['SIGTERM']);
  });

  test('without a reason the cause is an AbortError, as AbortController.abort() gives', async () => {
    const { clock, supervisor } = superviseOnClock(scenarios.silentHang());
    const run = rejectionOf(supervisor.run());
    await turn();
    supervisor.stop();
    const error = await runUntilSettled(clock, run);
    expect((error.cause as DOMException).name).toBe('AbortError');
  });

  test('before run(): rejects without spawning; after settling: does nothing', async () => {
    const first = superviseOnClock(scenarios.completes());
    first.supervisor.stop('early');
    const error = await rejectionOf(first.supervisor.run());
    expect(error).toMatchObject({ code: 'ERR_FFMPEG_ABORTED', cause: 'early', outcome: { pid: undefined } });
    expect(first.spawn.calls).toHaveLength(0);

    const second = superviseOnClock(scenarios.completes({ blocks: 1 }));
    second.supervisor.on('exit', () => second.supervisor.stop());
    const outcome = await runUntilSettled(second.clock, second.supervisor.run());
    second.supervisor.stop();
    expect(outcome.reason).toBe('completed');
    expect(second.spawn.calls[0]?.child?.signalsReceived).toEqual([]);
  });
});

describe('any duration a user can write (timers chain past 2^31 ms)', () => {
  test('a 30-day timeout fires at exactly 30 days, not at 2^31 ms or before', async () => {
    const { clock, supervisor } = superviseOnClock(scenarios.silentHang(), { timeoutMs: 30 * DAY_MS, stallTimeoutMs: Number.POSITIVE_INFINITY });
    const settled = rejectionOf(supervisor.run());
    await turn();
    clock.tick(2 ** 31);
    expect(supervisor.phase).toBe('running');
    clock.tick(30 * DAY_MS - 2 ** 31 - 1);
    expect(supervisor.phase).toBe('running');
    clock.tick(1);
    expect(supervisor.phase).toBe('stopping');
    const error = await runUntilSettled(clock, settled);
    expect(error.outcome?.reason).toBe('timeout');
    expect(error.outcome?.durationMs).toBeGreaterThanOrEqual(30 * DAY_MS);
  });

  test('a 40-day stall timeout calls a stall at exactly its deadline; the watchdog sets few timers meanwhile', async () => {
    const { clock, supervisor } = superviseOnClock(scenarios.progressThenHang({ blocks: 1, everyMs: 10 }), { stallTimeoutMs: 40 * DAY_MS });
    const stalls: number[] = [];
    supervisor.on('stall', (stall) => stalls.push(stall.stalledForMs));
    const settled = rejectionOf(supervisor.run());
    await turn();
    clock.tick(10); // the one block: forward progress at 10 ms
    await turn();
    clock.tick(40 * DAY_MS - 1);
    expect(stalls).toEqual([]);
    expect(clock.countTimers()).toBeLessThanOrEqual(4);
    clock.tick(2);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toBeGreaterThanOrEqual(40 * DAY_MS);
    expect((await runUntilSettled(clock, settled)).outcome?.reason).toBe('stalled');
  });

  test('Infinity means none: no stall and no timeout after 100 days of silence; the run still completes', async () => {
    const { clock, supervisor } = superviseOnClock(
      { steps: [{ wait: 100 * DAY_MS }, { advance: { count: 2, everyMs: 10 } }, { exit: 0 }] },
      { timeoutMs: Number.POSITIVE_INFINITY, startupGraceMs: Number.POSITIVE_INFINITY, stallTimeoutMs: 1_000 },
    );
    const stalls: unknown[] = [];
    supervisor.on('stall', (stall) => stalls.push(stall));
    const outcome = await runUntilSettled(clock, supervisor.run(), { maxMs: 101 * DAY_MS });
    expect(outcome.reason).toBe('completed');
    expect(stalls).toEqual([]);
  });

  test('stallTimeoutMs: Infinity turns the watchdog off', async () => {
    const { clock, supervisor } = superviseOnClock(scenarios.progressThenHang({ blocks: 1 }), { stallTimeoutMs: Number.POSITIVE_INFINITY });
    const settled = rejectionOf(supervisor.run());
    await turn();
    clock.tick(365 * DAY_MS);
    expect(supervisor.phase).toBe('running');
    expect(clock.countTimers()).toBe(0);
    supervisor.stop();
    expect((await runUntilSettled(clock, settled)).outcome?.reason).toBe('aborted');
  });
});

describe('process groups and binary resolution do not depend on spawn', () => {
  /** A wrapper spawn (as a host that logs or uses `nice` writes), around the in-process fake. */
  function wrapperSpawn() {
    const inner = createFakeSpawn(scenarios.completes({ blocks: 1 }));
    const seen: Array<{ file: string; detached: boolean | undefined }> = [];
    const spawn: SpawnFunction = (file, args, options) => {
      seen.push({ file, detached: options.detached });
      return inner(file, args, options) as ChildProcess;
    };
    return { spawn, seen };
  }

  test('a plain wrapper spawn: the binary is resolved and ffmpeg leads its own process group', async () => {
    const { spawn, seen } = wrapperSpawn();
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn });
    expect(supervisor.options).toMatchObject({ processGroup: true, resolveBinary: true });
    expect(supervisor.ffmpegPath).toBe(resolveFfmpegPath());
    await supervisor.run();
    expect(seen).toEqual([{ file: resolveFfmpegPath(), detached: true }]);
  });

  test('the test kit’s fake spawn is marked in-process: no binary needed, no process group', async () => {
    const spawn = createFakeSpawn(scenarios.completes({ blocks: 1 }));
    expect(isInProcessSpawn(spawn)).toBe(true);
    expect((spawn as unknown as Record<symbol, unknown>)[IN_PROCESS_SPAWN]).toBe(true);
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn });
    expect(supervisor.options).toMatchObject({ processGroup: false, resolveBinary: false });
    expect(supervisor.ffmpegPath).toBe('ffmpeg');
    await supervisor.run();
  });

  test('processGroup: false and resolveBinary: false are the host’s to choose', async () => {
    const { spawn, seen } = wrapperSpawn();
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn, processGroup: false, resolveBinary: false });
    await supervisor.run();
    expect(seen).toEqual([{ file: 'ffmpeg', detached: false }]);
  });
});

describe('bounded after SIGKILL (reapTimeoutMs)', () => {
  test('a process SIGKILL cannot end settles exactly reapTimeoutMs after SIGKILL, unreaped, and stays registered for host exit', async () => {
    const clock = FakeTimers.createClock(0);
    const inner = createFakeSpawn(scenarios.silentHang(), { clock });
    const children: Array<{ child: ChildProcess; realKill: ChildProcess['kill']; signals: NodeJS.Signals[] }> = [];
    // A child in uninterruptible sleep: every signal is "sent", none has any effect.
    const spawn: SpawnFunction = (file, args, options) => {
      const child = inner(file, args, options);
      const entry = { child, realKill: child.kill.bind(child), signals: [] as NodeJS.Signals[] };
      child.kill = (signal?: NodeJS.Signals | number) => {
        entry.signals.push(signal as NodeJS.Signals);
        return true;
      };
      children.push(entry);
      return child;
    };
    const liveBefore = liveRunCount();
    const supervisor = new FfmpegSupervisor({
      args: ARGS,
      spawn,
      clock,
      processGroup: false,
      resolveBinary: false,
      timeoutMs: 1_000,
      stallTimeoutMs: Number.POSITIVE_INFINITY,
      killGraceMs: 500,
      reapTimeoutMs: 2_000,
    });
    const settled = rejectionOf(supervisor.run());
    await turn();
    clock.tick(1_000);
    clock.tick(500);
    expect(children[0]?.signals).toEqual(['SIGTERM', 'SIGKILL']);
    clock.tick(1_999);
    await turn();
    expect(supervisor.phase).toBe('stopping');
    clock.tick(1);
    expect(supervisor.phase).toBe('settled');
    const error = await settled;
    expect(error.code).toBe('ERR_FFMPEG_TIMEOUT');
    expect(error.message).toContain('not reaped after SIGKILL');
    expect(error.outcome).toMatchObject({ reason: 'timeout', unreaped: true, forcedKill: true, exitCode: null, signal: null, durationMs: 3_500 });
    expect(liveRunCount()).toBe(liveBefore + 1); // the host-exit hook will SIGKILL it again
    expect(clock.countTimers()).toBe(0);

    // When it finally dies, it leaves the host-exit registry.
    children[0]?.realKill('SIGKILL');
    await turn();
    await turn();
    expect(liveRunCount()).toBe(liveBefore);
  });
});
