import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, test } from 'vitest';
import { FfmpegService, type FfmpegServiceOptions } from '../../src/service/index.js';
import { advance, createFakeSpawn, type FakeFfmpegScenario, runUntilSettled, scenarios } from '../../src/testing/index.js';

type Clock = ReturnType<typeof FakeTimers.createClock>;

/** A service on the in-process fake and a fake clock, with its starts and restarts recorded in fake ms. */
function serve(scenario: FakeFfmpegScenario | readonly FakeFfmpegScenario[], options: Partial<FfmpegServiceOptions> = {}) {
  const clock: Clock = FakeTimers.createClock();
  const spawn = createFakeSpawn(scenario, { clock });
  const service = new FfmpegService({ args: ['-i', 'http://tuner/live.ts', '-c', 'copy', '-f', 'hls', 'live.m3u8'], spawn, clock, ...options });
  const log = { starts: [] as number[], restarts: [] as Array<{ at: number; attempt: number; reason: string; delayMs: number }>, events: [] as string[] };
  service.on('start', ({ attempt }) => {
    log.starts.push(clock.now);
    log.events.push(`start ${attempt}`);
  });
  service.on('restart', (info) => {
    log.restarts.push({ at: clock.now, attempt: info.attempt, reason: info.reason, delayMs: info.delayMs });
    log.events.push(`restart ${info.attempt} ${info.reason} ${info.delayMs}`);
  });
  for (const name of ['up', 'down', 'stall', 'slow', 'giveUp', 'end'] as const) service.on(name, () => log.events.push(name));
  return { clock, spawn, service, log };
}

/** A random source that plays `values` in order. */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => {
    const value = values[index++];
    if (value === undefined) throw new Error('the random sequence ran out');
    return value;
  };
}

describe('FfmpegService under a fake clock', () => {
  test('the exact backoff schedule: exponential, capped, jitter from the injected random source', async () => {
    const { clock, service, log } = serve(scenarios.failsWith(), {
      restartOn: ['failed'],
      backoff: { initialDelayMs: 1_000, factor: 2, maxDelayMs: 5_000, jitter: 0.5 },
      random: sequence(0, 0.5, 0.999, 0.2, 0),
      maxRestarts: { count: 5, windowMs: 3_600_000 },
    });
    const outcome = await runUntilSettled(clock, service.run());
    // 1000·(1-0), 2000·(1-0.25), 4000·(1-0.4995), min(8000, 5000)·(1-0.1), 5000·(1-0)
    expect(log.restarts.map((restart) => restart.delayMs)).toEqual([1_000, 1_500, 2_002, 4_500, 5_000]);
    expect(log.starts).toEqual([0, 1_000, 2_500, 4_502, 9_002, 14_002]);
    expect(log.restarts.map((restart) => restart.attempt)).toEqual([2, 3, 4, 5, 6]);
    expect(outcome).toMatchObject({ reason: 'gave_up', attempts: 6, restarts: 5, lastReason: 'failed' });
  });

  test.each([
    { streamedBlocks: 70, healthy: true, delayAfterStall: 1_000 },
    { streamedBlocks: 30, healthy: false, delayAfterStall: 4_000 },
  ])(
    'the backoff goes back to its first step after $streamedBlocks s of forward progress only if that reaches resetAfterMs (healthy: $healthy)',
    async ({ streamedBlocks, healthy, delayAfterStall }) => {
      const { clock, service, log } = serve(
        [scenarios.failsWith(), scenarios.failsWith(), scenarios.progressThenHang({ blocks: streamedBlocks, everyMs: 1_000 }), scenarios.failsWith()],
        {
          backoff: { initialDelayMs: 1_000, factor: 2, maxDelayMs: 60_000, jitter: 0 },
          resetAfterMs: 60_000,
          stallTimeoutMs: 10_000,
          startupGraceMs: 0,
          maxRestarts: { count: 4, windowMs: 3_600_000 },
        },
      );
      const outcome = await runUntilSettled(clock, service.run());
      expect(log.restarts.map(({ reason, delayMs }) => [reason, delayMs])).toEqual([
        ['failed', 1_000],
        ['failed', 2_000],
        ['stalled', delayAfterStall],
        ['failed', delayAfterStall * 2],
      ]);
      // Attempt 3 starts at 3 000, makes progress every second, and is stalled 10 s (+1 ms) after its last block.
      expect(log.restarts[2]?.at).toBe(3_000 + streamedBlocks * 1_000 + 10_001);
      expect(outcome.reason).toBe('gave_up');
      expect(outcome.recentAttempts.map((attempt) => [attempt.endReason, attempt.wasUp, attempt.wasHealthy])).toEqual([
        ['failed', false, false],
        ['failed', false, false],
        ['stalled', true, healthy],
        ['failed', false, false],
        ['failed', false, false],
      ]);
    },
  );

  test('the budget: the restart beyond `count` within `windowMs` gives up with a typed outcome listing the attempts', async () => {
    const { clock, service, log } = serve(scenarios.failsWith({ stderr: ['http://tuner/live.ts: Connection refused'] }), {
      backoff: { initialDelayMs: 1_000, factor: 1, jitter: 0 },
      maxRestarts: { count: 3, windowMs: 10_000 },
    });
    const giveUps: unknown[] = [];
    service.on('giveUp', (outcome) => giveUps.push(outcome));
    const outcome = await runUntilSettled(clock, service.run());
    expect(log.starts).toEqual([0, 1_000, 2_000, 3_000]);
    expect(outcome).toMatchObject({
      reason: 'gave_up',
      lastReason: 'failed',
      budget: { count: 3, windowMs: 10_000 },
      attempts: 4,
      restarts: 3,
      durationMs: 3_000,
    });
    expect(outcome.recentAttempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4]);
    expect(outcome.lastAttempt?.outcome).toMatchObject({ reason: 'failed', exitCode: 1 });
    expect(outcome.lastAttempt?.outcome.stderrTail).toContain('Connection refused');
    expect(giveUps).toEqual([outcome]);
    expect(log.events.slice(-2)).toEqual(['giveUp', 'end']);
    expect(service.state).toBe('ended');
    expect(clock.countTimers()).toBe(0);
  });

  test('the budget window slides: failures spaced wider than the window never give up', async () => {
    const failsAfter2s: FakeFfmpegScenario = { steps: [{ wait: 2_000 }, { stderr: 'Connection reset by peer' }, { exit: 1 }] };
    const { clock, service, log } = serve(failsAfter2s, {
      backoff: { initialDelayMs: 1_000, factor: 1, jitter: 0 },
      maxRestarts: { count: 1, windowMs: 2_500 },
    });
    const run = service.run();
    await advance(clock, 30_000);
    expect(log.starts).toEqual([0, 3_000, 6_000, 9_000, 12_000, 15_000, 18_000, 21_000, 24_000, 27_000, 30_000]);
    expect(service.state).toBe('running');
    const outcome = await runUntilSettled(clock, service.stop());
    expect(await run).toBe(outcome);
    expect(outcome).toMatchObject({ reason: 'stopped', attempts: 11 });
  });

  test('a stop during a backoff delay ends at once: no timer left, nothing started again', async () => {
    const { clock, spawn, service, log } = serve(scenarios.failsWith(), { backoff: { initialDelayMs: 10_000, jitter: 0 } });
    const run = service.run();
    await advance(clock, 2_000);
    expect(service.state).toBe('backoff');
    expect(log.restarts).toEqual([{ at: 0, attempt: 2, reason: 'failed', delayMs: 10_000 }]);
    const reason = new Error('shutting down');
    const stopped = service.stop(reason);
    let settled = false;
    void stopped.then(() => (settled = true));
    await advance(clock, 0); // one I/O turn, no fake time
    expect(settled).toBe(true);
    const outcome = await stopped;
    expect(outcome).toMatchObject({ reason: 'stopped', cause: reason, attempts: 1, restarts: 0, durationMs: 2_000 });
    expect(await run).toBe(outcome);
    expect(clock.countTimers()).toBe(0);
    await advance(clock, 3_600_000);
    expect(spawn.calls).toHaveLength(1);
  });

  test('no restart after a stop: one SIGTERM, ffmpeg finishes, the attempt ends as stopped', async () => {
    const { clock, spawn, service, log } = serve(scenarios.progressThenHang({ blocks: 1_000, everyMs: 500 }), { restartOn: ['stalled', 'failed', 'completed'] });
    const run = service.run();
    await advance(clock, 5_000);
    expect(service.isUp).toBe(true);
    const outcome = await runUntilSettled(clock, service.stop());
    expect(await run).toBe(outcome);
    expect(spawn.calls[0]?.child?.signalsReceived).toEqual(['SIGTERM']);
    expect(outcome).toMatchObject({ reason: 'stopped', attempts: 1, durationMs: 5_000 });
    expect(outcome.lastAttempt).toMatchObject({ endReason: 'stopped', wasUp: true, outcome: { reason: 'aborted', exitCode: 255, forcedKill: false, progressEnded: true } });
    expect(log.events).toEqual(['start 1', 'up', 'down', 'end']);
    await advance(clock, 3_600_000);
    expect(spawn.calls).toHaveLength(1);
    expect(clock.countTimers()).toBe(0);
  });

  test('a stop of an ffmpeg that ignores SIGTERM: SIGKILL after exactly killGraceMs, still no restart', async () => {
    const { clock, spawn, service } = serve(scenarios.ignoresSigterm(scenarios.progressThenHang({ blocks: 3, everyMs: 500 })), { killGraceMs: 4_000 });
    const run = service.run();
    await advance(clock, 1_000);
    const outcome = await runUntilSettled(clock, service.stop());
    expect(await run).toBe(outcome);
    expect(spawn.calls[0]?.child?.signalsReceived).toEqual(['SIGTERM', 'SIGKILL']);
    expect(outcome.lastAttempt?.outcome).toMatchObject({ reason: 'aborted', signal: 'SIGKILL', forcedKill: true });
    expect(outcome.durationMs).toBe(5_000);
    await advance(clock, 3_600_000);
    expect(spawn.calls).toHaveLength(1);
  });

  test("the host's signal stops it like stop(); its reason is the cause; an aborted signal starts nothing", async () => {
    const controller = new AbortController();
    const { clock, service } = serve(scenarios.progressThenHang({ blocks: 1_000, everyMs: 500 }), { signal: controller.signal });
    const run = service.run();
    await advance(clock, 2_000);
    controller.abort(new Error('SIGTERM'));
    const outcome = await runUntilSettled(clock, run);
    expect(outcome).toMatchObject({ reason: 'stopped', cause: controller.signal.reason, attempts: 1 });

    const { spawn: spawn2, service: service2 } = serve(scenarios.completes(), { signal: controller.signal });
    const outcome2 = await service2.run();
    expect(outcome2).toMatchObject({ reason: 'stopped', attempts: 0, lastAttempt: undefined });
    expect(spawn2.calls).toHaveLength(0);
  });

  test('stop() before run(): nothing is ever started', async () => {
    const { spawn, service, log } = serve(scenarios.completes());
    const outcome = await service.stop();
    expect(outcome).toMatchObject({ reason: 'stopped', attempts: 0, recentAttempts: [] });
    expect(await service.run()).toBe(outcome);
    expect(spawn.calls).toHaveLength(0);
    expect(log.events).toEqual(['end']);
  });

  test.each([
    { restartOn: undefined, expected: { reason: 'finished', lastReason: 'completed', attempts: 1 } },
    { restartOn: ['completed'] as const, expected: { reason: 'gave_up', lastReason: 'completed', attempts: 3 } },
  ])('an input that ended (exit 0) restarts only when `completed` is selected ($restartOn)', async ({ restartOn, expected }) => {
    const { clock, service } = serve(scenarios.completes(), { restartOn, maxRestarts: { count: 2 } });
    expect(await runUntilSettled(clock, service.run())).toMatchObject(expected);
  });

  test('a binary that cannot be started is final by default', async () => {
    const clock = FakeTimers.createClock();
    const service = new FfmpegService({ args: ['-i', 'x'], spawn: createFakeSpawn.failing('ENOENT'), clock });
    const outcome = await runUntilSettled(clock, service.run());
    expect(outcome).toMatchObject({ reason: 'finished', lastReason: 'spawn_failed', attempts: 1 });
  });

  test('events: start, up, stall and down, restart, then the next attempt, each with its attempt number', async () => {
    const { clock, service, log } = serve([scenarios.progressThenHang({ blocks: 2, everyMs: 500 }), scenarios.failsWith()], {
      stallTimeoutMs: 5_000,
      backoff: { initialDelayMs: 1_000, jitter: 0 },
      maxRestarts: { count: 1 },
    });
    const attemptsSeen: Record<string, number[]> = {};
    for (const name of ['spawn', 'progress', 'stall', 'exit', 'up', 'down'] as const) {
      service.on(name, (payload: { attempt: number }) => (attemptsSeen[name] ??= []).push(payload.attempt));
    }
    await runUntilSettled(clock, service.run());
    expect(log.events).toEqual(['start 1', 'up', 'stall', 'down', 'restart 2 stalled 1000', 'start 2', 'giveUp', 'end']);
    expect(attemptsSeen).toEqual({ spawn: [1, 2], progress: [1, 1, 1], stall: [1], exit: [1, 2], up: [1], down: [1] });
  });

  test('args from a function of the attempt: a new file per start, the previous attempt at hand', async () => {
    const seen: Array<[number, string | undefined]> = [];
    const { clock, spawn, service } = serve(scenarios.failsWith(), {
      args: ({ attempt, previous }) => {
        seen.push([attempt, previous?.outcome.reason]);
        return ['-i', 'http://tuner/live.ts', '-c', 'copy', '-f', 'mp4', `file:rec-${attempt}.mp4`];
      },
      backoff: { initialDelayMs: 100, jitter: 0 },
      maxRestarts: { count: 2 },
    });
    await runUntilSettled(clock, service.run());
    expect(seen).toEqual([[1, undefined], [2, 'failed'], [3, 'failed']]);
    expect(spawn.calls.map((call) => call.args.at(-1))).toEqual(['file:rec-1.mp4', 'file:rec-2.mp4', 'file:rec-3.mp4']);
  });

  test('minSpeed: an attempt below it for the whole window is stopped as slow and restarted; off by default', async () => {
    const halfSpeed: FakeFfmpegScenario = { steps: [{ advance: { count: 1_000, everyMs: 1_000, outTimeStepUs: 500_000 } }] };
    const { clock, service, log } = serve([halfSpeed, scenarios.failsWith()], {
      minSpeed: 0.9,
      minSpeedWindowMs: 10_000,
      backoff: { initialDelayMs: 1_000, jitter: 0 },
      maxRestarts: { count: 1 },
    });
    const slow: unknown[] = [];
    service.on('slow', (info) => slow.push(info));
    const outcome = await runUntilSettled(clock, service.run());
    // Blocks at 1 s, 2 s, …: below 0.9× from the first one, so the window is full at 11 s.
    expect(slow).toEqual([{ attempt: 1, speed: 0.5, belowForMs: 10_000, minSpeed: 0.9 }]);
    expect(log.restarts[0]).toMatchObject({ at: 11_000, reason: 'slow' });
    expect(log.events.slice(0, 4)).toEqual(['start 1', 'up', 'slow', 'down']);
    expect(outcome.recentAttempts[0]).toMatchObject({ endReason: 'slow', outcome: { reason: 'aborted' } });

    const { clock: clock2, service: service2 } = serve(halfSpeed);
    void service2.run();
    await advance(clock2, 120_000);
    expect(service2.attempt).toBe(1);
    await runUntilSettled(clock2, service2.stop());
  });
});

describe('FfmpegService options', () => {
  test.each([
    [{ args: 'ffmpeg -i x' }, /`args` option must be an array of strings or a function/],
    [{ backoff: { initialDelayMs: -1 } }, /`backoff.initialDelayMs` option must be a finite number from 0 to 2147483647; got -1/],
    [{ backoff: { factor: 0.5 } }, /`backoff.factor` option must be a finite number ≥ 1; got 0.5/],
    [{ backoff: { jitter: 2 } }, /`backoff.jitter` option must be a finite number from 0 to 1; got 2/],
    [{ backoff: { initialDelayMs: 5_000, maxDelayMs: 1_000 } }, /`backoff.maxDelayMs` option must be ≥ `backoff.initialDelayMs` \(5000\); got 1000/],
    [{ maxRestarts: { count: 1.5 } }, /`maxRestarts.count` option must be an integer ≥ 0 or Infinity; got 1.5/],
    [{ maxRestarts: { windowMs: 0 } }, /`maxRestarts.windowMs` option must be a finite number > 0; got 0/],
    [{ restartOn: ['stall'] }, /`restartOn` option must be an array of "stalled", "failed", "completed", "timeout", "spawn_failed", "slow"/],
    [{ minSpeed: 0 }, /`minSpeed` option must be a finite number > 0/],
    [{ resetAfterMs: Number.NaN }, /`resetAfterMs` option must be a finite number ≥ 0; got NaN/],
    [{ random: 0.5 }, /`random` option must be a function; got 0.5/],
    [{ stallTimeoutMs: 0 }, /`stallTimeoutMs` option must be a finite number ≥ 1; got 0/],
    [{ args: ['-progress', 'pipe:1'] }, /must not contain `-progress`/],
  ])('%j is refused with a TypeError naming it', (options, message) => {
    expect(() => new FfmpegService({ args: ['-i', 'x'], spawn: createFakeSpawn(scenarios.completes()), ...(options as object) } as FfmpegServiceOptions)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(message) }),
    );
  });

  test('bad args from the function reject run() with a TypeError naming the attempt', async () => {
    const service = new FfmpegService({ args: () => 'oops' as unknown as string[], spawn: createFakeSpawn(scenarios.completes()) });
    await expect(service.run()).rejects.toThrow(/`args` function must return an array of strings; for attempt 1 it returned "oops"/);
    expect(service.state).toBe('ended');
  });
});
