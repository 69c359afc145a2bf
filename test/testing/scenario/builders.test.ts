import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FfmpegSupervisor } from '../../../src/supervisor/supervisor.js';
import { runUntilSettled } from '../../../src/testing/clocks.js';
import { createFakeSpawn } from '../../../src/testing/in-process/fake-spawn.js';
import { type CompletesOptions, FAKE_OUTPUT_TEXT, scenarios } from '../../../src/testing/scenario/builders.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'scenario-builders-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Plays `completes(options)` in-process with `args`; returns what reached stdout. */
async function playCompletes(options: CompletesOptions, args: string[]): Promise<string> {
  const clock = FakeTimers.createClock();
  const supervisor = new FfmpegSupervisor({ args, spawn: createFakeSpawn(scenarios.completes(options), { clock }), clock, stdout: 'pipe' });
  let stdout = '';
  supervisor.on('spawn', () => supervisor.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString())));
  await runUntilSettled(clock, supervisor.run());
  return stdout;
}

describe('scenarios.completes() writes its output like ffmpeg', () => {
  test('by default, a non-empty file at the last argument (file: prefix removed)', async () => {
    const output = path.join(dir, 'out.mp4');
    expect(await playCompletes({}, ['-i', 'file:in.ts', '-f', 'mp4', `file:${output}`])).toBe('');
    expect(readFileSync(output, 'utf8')).toBe(FAKE_OUTPUT_TEXT);
  });

  test('outputText and outputFrom replace the default', async () => {
    const source = path.join(dir, 'source.mp4');
    writeFileSync(source, 'copied bytes');
    await playCompletes({ outputText: 'given text' }, ['-i', 'in.ts', path.join(dir, 'a.mp4')]);
    await playCompletes({ outputFrom: source }, ['-i', 'in.ts', path.join(dir, 'b.mp4')]);
    expect(readFileSync(path.join(dir, 'a.mp4'), 'utf8')).toBe('given text');
    expect(readFileSync(path.join(dir, 'b.mp4'), 'utf8')).toBe('copied bytes');
  });

  test.each([['-'], ['pipe:'], ['pipe:1']])('output %s goes to stdout', async (target) => {
    expect(await playCompletes({ outputText: 'media bytes' }, ['-i', 'in.ts', '-f', 'mpegts', target])).toBe('media bytes');
  });

  test('another pipe, a trailing option, or writesOutput: false write nothing anywhere', async () => {
    const cwdBefore = process.cwd();
    expect(await playCompletes({}, ['-i', 'in.ts', '-f', 'null', 'pipe:4'])).toBe('');
    expect(await playCompletes({}, ['-i', 'in.ts', '-y'])).toBe('');
    const output = path.join(dir, 'none.mp4');
    expect(await playCompletes({ writesOutput: false }, ['-i', 'in.ts', output])).toBe('');
    expect(() => readFileSync(output)).toThrow(/ENOENT/);
    expect(process.cwd()).toBe(cwdBefore);
  });
});
