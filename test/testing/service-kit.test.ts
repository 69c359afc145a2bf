import FakeTimers from '@sinonjs/fake-timers';
import { expect, test } from 'vitest';
import { FfmpegService } from '../../src/service/index.js';
import { advance, createFakeSpawn, liveScenarios, recordService, runUntilSettled } from '../../src/testing/index.js';

const args = ['-i', 'http://tuner/live.ts', '-c', 'copy', '-f', 'hls', 'live.m3u8'];

test('a whole outage in milliseconds: stall after 60 s, two refused starts, back; the timeline and schedule exact', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn([liveScenarios.stalls({ afterMs: 60_000 }), liveScenarios.refused(), liveScenarios.refused(), liveScenarios.streaming()], { clock });
  const service = new FfmpegService({ args, spawn, clock, stallTimeoutMs: 20_000, startupGraceMs: 0, backoff: { initialDelayMs: 1_000, jitter: 0 } });
  const recording = recordService(service, clock);
  const started = performance.now();
  void service.run();
  await advance(clock, 120_000);
  expect(recording.timeline()).toEqual([
    'start 1',
    'up 1',
    'stall 1',
    'down 1 stalled',
    'exit 1 stalled',
    'restart 2 stalled 1000',
    'start 2',
    'exit 2 failed',
    'restart 3 failed 2000',
    'start 3',
    'exit 3 failed',
    'restart 4 failed 4000',
    'start 4',
    'up 4',
  ]);
  // Last block at 60 s, stall called at 80 s (+1 ms for the drain turn), then 1 s, 2 s, 4 s.
  expect(recording.starts()).toEqual([0, 81_001, 83_001, 87_001]);
  expect(service.isUp).toBe(true);
  const outcome = await runUntilSettled(clock, service.stop());
  expect(outcome).toMatchObject({ reason: 'stopped', attempts: 4 });
  expect(recording.timeline().slice(-3)).toEqual(['down 4 aborted', 'exit 4 aborted', 'end stopped']);
  expect(performance.now() - started).toBeLessThan(5_000); // two minutes of outage, played at once
  recording.dispose();
  expect(service.listenerCount('start')).toBe(0);
});

test('the live scenarios end as their names say', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn(
    [
      liveScenarios.inputEnds({ afterMs: 5_000 }),
      liveScenarios.httpError(404),
      liveScenarios.stallsIgnoringSigterm({ afterMs: 2_000 }),
      liveScenarios.streaming({ speed: 0.5 }),
    ],
    { clock },
  );
  const service = new FfmpegService({
    args,
    spawn,
    clock,
    stallTimeoutMs: 10_000,
    killGraceMs: 3_000,
    restartOn: ['completed', 'failed', 'stalled', 'slow'],
    backoff: { initialDelayMs: 100, factor: 1, jitter: 0 },
    minSpeed: 0.9,
    minSpeedWindowMs: 5_000,
    maxRestarts: { count: 3 },
  });
  const outcome = await runUntilSettled(clock, service.run());
  expect(outcome.recentAttempts.map((attempt) => [attempt.endReason, attempt.outcome.exitCode, attempt.outcome.forcedKill])).toEqual([
    ['completed', 0, false],
    ['failed', 1, false],
    ['stalled', null, true], // SIGTERM ignored: SIGKILL after the kill grace
    ['slow', 255, false],
  ]);
  expect(outcome.recentAttempts[1]?.outcome.stderrTail).toContain('HTTP error 404 Not Found');
  expect(outcome.recentAttempts[3]?.outcome.lastProgress?.speed).toBe(0.5);
  expect(outcome).toMatchObject({ reason: 'gave_up', lastReason: 'slow' });
});
