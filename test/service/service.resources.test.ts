import { getEventListeners } from 'node:events';
import { expect, test } from 'vitest';
import { FfmpegService } from '../../src/service/index.js';
import { createFakeSpawn, liveScenarios } from '../../src/testing/index.js';
import { expectResourcesBackTo, snapshotResources } from '../helpers/resources.js';

// Real time, in-process fake: after the service ended, no timer, handle or abort listener is left.

test('given up, stopped in a delay, or stopped while running: no handle, timer or abort listener left', async () => {
  const baseline = snapshotResources();
  const controller = new AbortController();
  const args = ['-i', 'http://tuner/live.ts', '-f', 'hls', 'live.m3u8'];
  const backoff = { initialDelayMs: 20, factor: 1, jitter: 0 };

  const gaveUp = new FfmpegService({ args, spawn: createFakeSpawn(liveScenarios.refused()), signal: controller.signal, backoff, maxRestarts: { count: 3 } });
  expect(await gaveUp.run()).toMatchObject({ reason: 'gave_up', attempts: 4 });

  const inDelay = new FfmpegService({ args, spawn: createFakeSpawn(liveScenarios.refused()), signal: controller.signal, backoff: { initialDelayMs: 60_000 } });
  void inDelay.run();
  await new Promise<void>((resolve) => inDelay.once('restart', () => resolve()));
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1); // one listener, however many services share the signal

  const running = new FfmpegService({ args, spawn: createFakeSpawn(liveScenarios.streaming({ everyMs: 10 })), signal: controller.signal });
  void running.run();
  await new Promise<void>((resolve) => running.once('up', () => resolve()));
  controller.abort(new Error('shutdown'));
  expect(await inDelay.run()).toMatchObject({ reason: 'stopped', attempts: 1 });
  expect(await running.run()).toMatchObject({ reason: 'stopped', attempts: 1 });
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  await expectResourcesBackTo(baseline);
});
