import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, test } from 'vitest';
import { FfmpegService, type FfmpegServiceOptions } from '../../src/service/index.js';
import { createFakeSpawn } from '../../src/testing/fake-spawn.js';
import { scenarios } from '../../src/testing/scenarios.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario.js';
import { advance, runUntilSettled } from '../../src/testing/clocks.js';

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
});
