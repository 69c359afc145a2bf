/**
 * How a host unit-tests its own service with the kit: an in-process fake ffmpeg (no subprocess,
 * no real ffmpeg) on a fake clock, so a 90 s stall takes milliseconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { advance, createFakeSpawn, scenarios } from 'ffmpeg-supervisor/testing';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { RecordingService } from './lib/recording-service.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'host-unit-test-'));
  writeFileSync(path.join(dir, '42.ts'), 'a recording');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a stall increments my counter and my endpoint answers 503', async () => {
  const clock = FakeTimers.createClock();
  const stallsTotal = { value: 0, inc() { this.value += 1; } };
  const spawn = createFakeSpawn(scenarios.progressThenHang(), { clock });
  // No ffmpeg needs to be installed: the fake spawn plays the scenario in memory.
  const service = new RecordingService({ recordingsDir: dir, cacheDir: dir, stallsTotal, spawn, clock });

  expect(service.handle('42')).toMatchObject({ status: 503, headers: { 'retry-after': '5' } }); // remux started
  await advance(clock, 89_000); // progress stopped at 60 ms; 90 s without progress is a stall
  expect(stallsTotal.value).toBe(0);
  await advance(clock, 2_000);
  expect(stallsTotal.value).toBe(1);
  await service.idle();
  expect(service.handle('42')).toMatchObject({ status: 503, headers: { 'retry-after': '300' } });
});

test('a remux that completes is served', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn(scenarios.completes({ outputText: 'mp4 bytes' }), { clock });
  const service = new RecordingService({ recordingsDir: dir, cacheDir: dir, stallsTotal: { inc() {} }, spawn, clock });

  expect(service.handle('42').status).toBe(503);
  await advance(clock, 1_000);
  await service.idle();
  expect(service.handle('42')).toEqual({ status: 200, headers: { 'content-type': 'video/mp4' }, body: path.join(dir, '42.mp4') });
  expect(service.handle('7').status).toBe(404);
});
