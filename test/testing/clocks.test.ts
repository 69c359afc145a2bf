import FakeTimers from '@sinonjs/fake-timers';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { advance, flushIo, fromViFakeTimers, runUntilSettled } from '../../src/testing/clocks.js';
import { createFakeSpawn } from '../../src/testing/in-process/fake-spawn.js';
import { scenarios } from '../../src/testing/scenario/builders.js';
import { rejectionOf } from '../helpers/rejection.js';

const ARGS = ['-i', 'file:in.ts', '-c', 'copy', '-f', 'mp4', 'file:/dev/null'];
const STUCK = scenarios.ignoresSigterm(scenarios.progressThenHang({ blocks: 3, everyMs: 20 }));

/** The stall and the outcome of a stuck run with default timeouts, on the supervisor's default system clock. */
async function stuckRunOnSystemClock(settle: <T>(promise: Promise<T>) => Promise<T>) {
  const startedAt = performance.now();
  const supervisor = new FfmpegSupervisor({ args: ARGS, spawn: createFakeSpawn(STUCK) });
  let stallAt: number | undefined;
  supervisor.on('stall', () => (stallAt = performance.now() - startedAt));
  const error = await rejectionOf(settle(supervisor.run()));
  return { stallAt, outcome: error.outcome };
}

describe('the three ways to fake time', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => {
    uninstall?.();
    uninstall = undefined;
    vi.useRealTimers();
  });

  test('FakeTimers.install() with the default clock: the supervisor reads the faked globals lazily', async () => {
    const clock = FakeTimers.install();
    uninstall = () => clock.uninstall();
    const { stallAt, outcome } = await stuckRunOnSystemClock((promise) => runUntilSettled(clock, promise));
    expect(stallAt).toBe(90_061);
    expect(outcome).toMatchObject({ reason: 'stalled', forcedKill: true, durationMs: 95_061 });
  });

  test('vi.useFakeTimers() with the default clock: vitest 4 fakes performance.now() too', async () => {
    vi.useFakeTimers();
    const before = performance.now();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(performance.now() - before).toBe(1_000);
    const { stallAt, outcome } = await stuckRunOnSystemClock((promise) => runUntilSettled(fromViFakeTimers(vi), promise));
    expect(stallAt).toBe(90_061);
    expect(outcome).toMatchObject({ reason: 'stalled', forcedKill: true, durationMs: 95_061 });
  });

  test('issue 14: fromViFakeTimers(vi) is one clock for the fake spawn, the supervisor and the helpers', async () => {
    vi.useFakeTimers();
    const clock = fromViFakeTimers(vi);
    const startedAt = clock.now;
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn: createFakeSpawn(STUCK, { clock }), clock });
    let stallAt: number | undefined;
    supervisor.on('stall', () => (stallAt = clock.now - startedAt));
    const error = await rejectionOf(runUntilSettled(clock, supervisor.run()));
    expect(stallAt).toBe(90_061);
    expect(error.outcome).toMatchObject({ reason: 'stalled', forcedKill: true, durationMs: 95_061 });
  });

  test('fromViFakeTimers(vi) before vi.useFakeTimers() is a TypeError that says what to do', () => {
    expect(() => fromViFakeTimers(vi)).toThrow(/call vi\.useFakeTimers\(\) first/);
  });

  test('advance() in steps: no stall a millisecond early, the stall on the deadline, SIGKILL after the grace', async () => {
    const clock = FakeTimers.createClock();
    const supervisor = new FfmpegSupervisor({ args: ARGS, spawn: createFakeSpawn(STUCK, { clock }), clock });
    const seen: string[] = [];
    supervisor.on('stall', () => seen.push(`stall@${clock.now}`));
    supervisor.on('exit', (outcome) => seen.push(`exit@${clock.now}:${outcome.signal}`));
    const run = rejectionOf(supervisor.run());
    await advance(clock, 90_060);
    expect(seen).toEqual([]);
    await advance(clock, 1);
    expect(seen).toEqual(['stall@90061']);
    await advance(clock, 4_999);
    expect(seen).toEqual(['stall@90061']);
    await advance(clock, 1);
    expect(seen).toEqual(['stall@90061', 'exit@95061:SIGKILL']);
    expect((await run).outcome?.forcedKill).toBe(true);
  });
});

describe('runUntilSettled', () => {
  test('resolves with the value, jumping from timer to timer', async () => {
    const clock = FakeTimers.createClock();
    const value = new Promise((resolve) => clock.setTimeout(() => clock.setTimeout(() => resolve('done'), 500), 1_000));
    await expect(runUntilSettled(clock, value)).resolves.toBe('done');
    expect(clock.now).toBe(1_500);
  });

  test('rejects as the promise does', async () => {
    const clock = FakeTimers.createClock();
    const failing = new Promise((_, reject) => clock.setTimeout(() => reject(new Error('boom')), 10));
    await expect(runUntilSettled(clock, failing)).rejects.toThrow('boom');
  });

  test('waits in real time while no timer is pending (real I/O)', async () => {
    const clock = FakeTimers.createClock();
    const realWork = new Promise((resolve) => setTimeout(() => resolve('io'), 20));
    await expect(runUntilSettled(clock, realWork)).resolves.toBe('io');
    expect(clock.now).toBe(0);
  });

  test('gives up after maxMs of fake time', async () => {
    const clock = FakeTimers.createClock();
    const tick = (): void => void clock.setTimeout(tick, 1_000);
    tick();
    await expect(runUntilSettled(clock, new Promise(() => {}), { maxMs: 10_000 })).rejects.toThrow(/still pending after 10000 ms of fake time/);
  });
});

describe('advance and flushIo', () => {
  test('advance rejects a bad duration', async () => {
    await expect(advance(FakeTimers.createClock(), -1)).rejects.toThrow(TypeError);
  });

  test('flushIo lets nextTick chains and promise jobs run, with setImmediate faked', async () => {
    const clock = FakeTimers.install({ toNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      let done = false;
      process.nextTick(() => void Promise.resolve().then(() => process.nextTick(() => (done = true))));
      await flushIo();
      expect(done).toBe(true);
    } finally {
      clock.uninstall();
    }
  });

  test('flushIo(clock) also runs the jobs of a clock that fakes nextTick (install() does by default)', async () => {
    const clock = FakeTimers.install();
    try {
      let done = false;
      process.nextTick(() => (done = true));
      await flushIo();
      expect(done).toBe(false);
      await flushIo(clock);
      expect(done).toBe(true);
    } finally {
      clock.uninstall();
    }
  });
});
