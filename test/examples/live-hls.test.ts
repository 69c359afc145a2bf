import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import type { FfmpegService } from 'ffmpeg-supervisor';
import { advance, createFakeSpawn, liveScenarios, runUntilSettled } from 'ffmpeg-supervisor/testing';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createLiveHls, instrumentService } from '../../examples/live-hls.js';
import { generateLiveTs, type LiveSource, startLiveSource, waitFor } from '../helpers/live-source.js';
import { createTempDir, removeTempDir, SYSTEM_FFMPEG_PATH, NPM_FFMPEG_PATH } from '../helpers/media.js';
import { isProcessAlive, killTracked, trackPid } from '../helpers/processes.js';

let dir: string;
let source: LiveSource | undefined;
let service: FfmpegService | undefined;

beforeAll(() => {
  dir = createTempDir('ffsup-live-hls-example-');
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await source?.close();
  source = undefined;
  await killTracked();
});
afterAll(() => removeTempDir(dir));

test('restart metrics: a stall and a refused start are counted by reason, the gauge follows up and down (fake time)', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn([liveScenarios.stalls({ afterMs: 30_000 }), liveScenarios.refused(), liveScenarios.streaming()], { clock });
  const registry = new Registry();
  service = createLiveHls({ input: 'http://tuner/stream.ts', dir: join(dir, 'fake'), spawn, clock, random: () => 0 });
  instrumentService(service, registry);
  void service.run();
  await advance(clock, 60_000); // stall at 50 s, restart after 1 s, refused, restart after 2 s, streaming
  const text = await registry.metrics();
  expect(text).toContain('ffmpeg_service_up 1');
  expect(text).toContain('ffmpeg_service_starts_total 3');
  expect(text).toContain('ffmpeg_service_restarts_total{reason="stalled"} 1');
  expect(text).toContain('ffmpeg_service_restarts_total{reason="failed"} 1');
  expect(text).toContain('ffmpeg_service_restart_delay_seconds 2');
  expect(text).toContain('ffmpeg_service_attempt_duration_seconds_count{reason="stalled"} 1');
  await runUntilSettled(clock, service.stop());
  const after = await registry.metrics();
  expect(after).toContain('ffmpeg_service_up 0');
  expect(after).toContain('ffmpeg_service_attempt_duration_seconds_count{reason="aborted"} 1');
  expect(after).toContain('ffmpeg_service_give_ups_total 0');
});

test('on real ffmpeg: a live HTTP TS becomes an HLS playlist, finished with #EXT-X-ENDLIST on stop', async () => {
  const ffmpegPath = SYSTEM_FFMPEG_PATH ?? NPM_FFMPEG_PATH;
  source = await startLiveSource(await generateLiveTs(dir, 20));
  const out = join(dir, 'real');
  const registry = new Registry();
  service = createLiveHls({ input: source.url, dir: out, ffmpegPath, inputArgs: ['-analyzeduration', '500000'], killGraceMs: 2_000 });
  instrumentService(service, registry);
  const pids: number[] = [];
  service.on('spawn', ({ pid }) => pids.push(trackPid(pid)));
  const playlist = join(out, 'live.m3u8');
  const segments = () => {
    try {
      return readFileSync(playlist, 'utf8').split('\n').filter((line) => line.endsWith('.ts'));
    } catch {
      return [];
    }
  };
  void service.run();
  await waitFor(() => segments().length >= 2, 30_000, 'two HLS segments');
  expect(await registry.metrics()).toContain('ffmpeg_service_up 1');
  const outcome = await service.stop();
  expect(outcome).toMatchObject({ reason: 'stopped', attempts: 1 });
  expect(readFileSync(playlist, 'utf8').trimEnd().split('\n').at(-1)).toBe('#EXT-X-ENDLIST');
  expect(segments()[0]).toBe('segment-000000.ts');
  expect(await registry.metrics()).toContain('ffmpeg_service_up 0');
  for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
}, 60_000);
