import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RemuxError } from '../../../src/remux/errors.js';
import { RemuxLadder } from '../../../src/remux/ladder.js';
import { runUntilSettled } from '../../../src/testing/clocks.js';
import { createFakeSpawn } from '../../../src/testing/in-process/fake-spawn.js';
import { CONVERSION_FAILED, NON_MONOTONIC_DTS } from '../../../src/testing/scenario/ffmpeg-messages.js';
import { FAKE_OUTPUT_TEXT, scenarios } from '../../../src/testing/scenario/builders.js';

// Fully in-process: with `spawn` given, no ffmpeg or ffprobe binary is looked up or probed.
let dir: string;
let input: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fake-spawn-ladder-'));
  input = path.join(dir, 'recording.ts');
  writeFileSync(input, 'the fake ffprobe never reads this');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function ladderWith(spawn: ReturnType<typeof createFakeSpawn>, clock: FakeTimers.Clock): RemuxLadder {
  return new RemuxLadder({ spawn, clock });
}

const leftovers = (): string[] => readdirSync(dir).filter((name) => name.startsWith('.'));

test('a remux that completes in-process: probe, default strategy, output checked and renamed into place', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn(scenarios.completes({ outputText: 'fake mp4' }), { clock });
  const output = path.join(dir, 'ok.mp4');
  const result = await runUntilSettled(clock, ladderWith(spawn, clock).remux({ inputs: [input], output }));
  expect(result).toMatchObject({ output, strategy: 'default', decision: { videoCodec: 'h264', bitDepth: 8 } });
  expect(readFileSync(output, 'utf8')).toBe('fake mp4');
  // probe, first-keyframe scan, the attempt, the output check
  expect(spawn.calls.map((call) => call.tool)).toEqual(['ffprobe', 'ffprobe', 'ffmpeg', 'ffprobe']);
  expect(leftovers()).toEqual([]);
});

test('a stall with default timeouts: no climb, a stall event for metrics, RemuxError stalled, no temp file left', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn({ steps: [{ writeOutputText: 'partial' }, ...scenarios.progressThenHang().steps] }, { clock });
  const ladder = ladderWith(spawn, clock);
  const stalls: unknown[] = [];
  ladder.on('stall', (stall) => stalls.push({ strategy: stall.strategy, stalledForMs: stall.stalledForMs }));
  const error = await runUntilSettled(clock, ladder.remux({ inputs: [input], output: path.join(dir, 'stuck.mp4') })).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(RemuxError);
  expect(error).toMatchObject({ kind: 'stalled', code: 'ERR_REMUX_FAILED' });
  expect((error as RemuxError).attempts.map((attempt) => attempt.strategy)).toEqual(['default']);
  expect(stalls).toEqual([{ strategy: 'default', stalledForMs: 90_001 }]);
  expect(leftovers()).toEqual([]);
});

test('a list of scenarios climbs the ladder: non-monotonic DTS on default, then fallback completes', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn(
    [scenarios.failsWith({ stderr: [NON_MONOTONIC_DTS, CONVERSION_FAILED] }), scenarios.completes({ outputText: 'fixed' })],
    { clock },
  );
  const output = path.join(dir, 'climbed.mp4');
  const result = await runUntilSettled(clock, ladderWith(spawn, clock).remux({ inputs: [input], output }));
  expect(result.attempts.map((attempt) => [attempt.strategy, attempt.kind])).toEqual([
    ['default', 'non_monotonic_dts'],
    ['fallback', 'none'],
  ]);
  expect(readFileSync(output, 'utf8')).toBe('fixed');
});

test('issue 14: scenarios.completes() as is passes the ladder output check (no outputText needed)', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn({ ...scenarios.completes(), probe: { durationSec: 30 } }, { clock });
  const output = path.join(dir, 'default-output.mp4');
  const result = await runUntilSettled(clock, ladderWith(spawn, clock).remux({ inputs: [input], output }));
  expect(result).toMatchObject({ output, strategy: 'default' });
  expect(readFileSync(output, 'utf8')).toBe(FAKE_OUTPUT_TEXT);
  expect(leftovers()).toEqual([]);
});
