import { expect, test } from 'vitest';
import { AttemptHealth } from '../../src/service/attempt-health.js';
import type { FfmpegProgress } from '../../src/supervisor/progress-parser.js';

const block = (outTimeUs: number | undefined, speed?: number): FfmpegProgress =>
  ({ outTimeUs, speed, frame: undefined, totalSize: undefined, fps: undefined, bitrateKbps: undefined, percent: undefined, done: false, raw: {} }) as FfmpegProgress;

test('up at the first forward progress; healthy once forward progress is resetAfterMs past it; frozen blocks do not count', () => {
  const health = new AttemptHealth({ resetAfterMs: 10_000, minSpeed: undefined, minSpeedWindowMs: 0 });
  expect(health.observe(block(0), 0)).toMatchObject({ cameUp: false, becameHealthy: false });
  expect(health.observe(block(1_000_000), 1_000)).toMatchObject({ cameUp: true, becameHealthy: false });
  expect(health.observe(block(1_000_000), 12_000)).toMatchObject({ cameUp: false, becameHealthy: false }); // frozen
  expect(health.observe(block(2_000_000), 10_999)).toMatchObject({ becameHealthy: false });
  expect(health.observe(block(3_000_000), 11_000)).toMatchObject({ becameHealthy: true });
  expect(health.observe(block(4_000_000), 12_000)).toMatchObject({ becameHealthy: false }); // once
  expect([health.isUp, health.isHealthy]).toEqual([true, true]);
});

test('minSpeed: behind once below it for the whole window, once; a block at or above it restarts the window; N/A changes nothing', () => {
  const health = new AttemptHealth({ resetAfterMs: 1e9, minSpeed: 0.9, minSpeedWindowMs: 5_000 });
  expect(health.observe(block(1e6, 0.5), 1_000)).toMatchObject({ fellBehind: false, belowForMs: 0 });
  expect(health.observe(block(2e6, 0.5), 4_000)).toMatchObject({ fellBehind: false, belowForMs: 3_000 });
  expect(health.observe(block(3e6, 0.9), 5_000)).toMatchObject({ fellBehind: false, belowForMs: 0 });
  expect(health.observe(block(4e6, 0.8), 6_000)).toMatchObject({ belowForMs: 0 });
  expect(health.observe(block(5e6, undefined), 9_000)).toMatchObject({ fellBehind: false, belowForMs: 3_000 });
  expect(health.observe(block(6e6, 0.8), 11_000)).toMatchObject({ fellBehind: true, belowForMs: 5_000 });
  expect(health.observe(block(7e6, 0.8), 12_000)).toMatchObject({ fellBehind: false, belowForMs: 6_000 });
});

test('a slow attempt never becomes healthy', () => {
  const health = new AttemptHealth({ resetAfterMs: 2_000, minSpeed: 0.9, minSpeedWindowMs: 60_000 });
  for (let second = 1; second <= 10; second++) health.observe(block(second * 500_000, 0.5), second * 1_000);
  expect(health.isHealthy).toBe(false);
});
