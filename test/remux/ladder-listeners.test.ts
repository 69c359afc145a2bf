import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RemuxLadder } from '../../src/remux/ladder.js';
import { runUntilSettled } from '../../src/testing/clocks.js';
import { createFakeSpawn } from '../../src/testing/in-process/fake-spawn.js';
import { scenarios } from '../../src/testing/scenario/builders.js';

// Issue 10: a ladder listener that throws is the host's bug; it must not fail the remux.
let dir: string;
let input: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ladder-listeners-'));
  input = path.join(dir, 'recording.ts');
  writeFileSync(input, 'the fake ffprobe never reads this');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('throwing decision, attempt, progress and attemptEnd listeners: the remux completes, each error reaches onListenerError once per call', async () => {
  const clock = FakeTimers.createClock();
  const spawn = createFakeSpawn(scenarios.completes({ blocks: 3, everyMs: 1_000, outputText: 'mp4' }), { clock });
  const caught: Array<[string, string]> = [];
  const ladder = new RemuxLadder({ spawn, clock, onListenerError: (error, event) => caught.push([event, (error as Error).message]) });
  const later: string[] = [];
  for (const event of ['decision', 'attempt', 'progress', 'attemptEnd'] as const) {
    ladder.on(event, () => {
      throw new Error(`${event} listener failed`);
    });
    // A listener after the throwing one still runs.
    ladder.on(event, () => later.push(event));
  }
  const output = path.join(dir, 'out.mp4');
  const result = await runUntilSettled(clock, ladder.remux({ inputs: [input], output }));
  expect(result.strategy).toBe('default');
  expect(readFileSync(output, 'utf8')).toBe('mp4');
  const events = new Set(caught.map(([event]) => event));
  expect([...events].sort()).toEqual(['attempt', 'attemptEnd', 'decision', 'progress']);
  expect(caught.every(([event, message]) => message === `${event} listener failed`)).toBe(true);
  expect(later.filter((event) => event !== 'progress')).toEqual(['decision', 'attempt', 'attemptEnd']);
  expect(later.filter((event) => event === 'progress').length).toBe(caught.filter(([event]) => event === 'progress').length);
});

test("a spawn of the host's own (not the kit's) gets real binaries: the wrapper is handed resolved paths", async () => {
  const files: string[] = [];
  const wrapper = ((file: string) => {
    files.push(file);
    throw Object.assign(new Error('spawn refused by the wrapper'), { code: 'EACCES' });
  }) as never;
  const ladder = new RemuxLadder({ spawn: wrapper });
  await expect(ladder.remux({ inputs: [input], output: path.join(dir, 'x.mp4') })).rejects.toMatchObject({ kind: 'spawn_failed' });
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    expect(path.isAbsolute(file)).toBe(true);
    expect(existsSync(file)).toBe(true);
  }
});
