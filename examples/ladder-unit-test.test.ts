import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RemuxError, RemuxLadder } from 'ffmpeg-supervisor';
import { createFakeSpawn, type FakeFfmpegScenario, fromViFakeTimers, runUntilSettled, scenarios } from 'ffmpeg-supervisor/testing';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';

// The code under test: a handler that remuxes a recording on request and counts stalls.
async function handleRemux(ladder: RemuxLadder, dir: string, id: string) {
  try {
    const result = await ladder.remux({ inputs: [path.join(dir, `${id}.ts`)], output: path.join(dir, `${id}.mp4`) });
    return { status: 200, body: result.output };
  } catch (error) {
    if (error instanceof RemuxError && error.kind === 'stalled') return { status: 503, body: 'stalled' };
    throw error;
  }
}

let dir: string;
beforeEach(() => {
  vi.useFakeTimers();
  dir = mkdtempSync(path.join(tmpdir(), 'ladder-test-'));
  writeFileSync(path.join(dir, '42.ts'), 'a recording'); // the fake ffprobe describes it; content is not read
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A ladder whose ffmpeg and ffprobe are in-process fakes, on vitest's fake time. */
function fakeLadder(scenario: FakeFfmpegScenario) {
  const clock = fromViFakeTimers(vi); // one clock: for the fake spawn, the ladder and the helpers
  const ladder = new RemuxLadder({ spawn: createFakeSpawn(scenario, { clock }), clock });
  const stalls = { count: 0 };
  ladder.on('stall', () => (stalls.count += 1)); // e.g. remuxStallsTotal.inc({ strategy: s.strategy })
  return { ladder, clock, stalls };
}

test('a completed remux is served', async () => {
  const { ladder, clock } = fakeLadder(scenarios.completes());
  const reply = await runUntilSettled(clock, handleRemux(ladder, dir, '42'));
  expect(reply).toEqual({ status: 200, body: path.join(dir, '42.mp4') });
  expect(readFileSync(reply.body, 'utf8')).not.toBe(''); // the fake wrote it; the ladder checked and renamed it
});

test('a stall is counted and answered with 503', async () => {
  const { ladder, clock, stalls } = fakeLadder(scenarios.progressThenHang());
  const startedAt = clock.now;
  const reply = await runUntilSettled(clock, handleRemux(ladder, dir, '42'));
  expect(reply).toEqual({ status: 503, body: 'stalled' });
  expect(stalls.count).toBe(1);
  expect(clock.now - startedAt).toBeGreaterThanOrEqual(90_000); // 90 s of fake time, milliseconds of real time
});
