import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RemuxError } from '../../src/remux/errors.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import { createTempDir, generateTs, removeTempDir } from '../helpers/media.js';
import { rejectionOf } from '../helpers/rejection.js';

// Requests that must fail before ffmpeg runs, each with its own kind, and never touch the input.

let dir: string;
let recording: string;
let original: Buffer;

beforeAll(async () => {
  dir = createTempDir('ffsup-ladder-paths-');
  recording = await generateTs(dir, 'rec.ts', { videoCodec: 'libx264', audioCodec: 'mp2', durationSec: 2 });
  original = readFileSync(recording);
  mkdirSync(join(dir, 'sub'));
  symlinkSync(dir, join(dir, 'linked'));
}, 60_000);

afterAll(() => removeTempDir(dir));

async function inDir<T>(run: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await run();
  } finally {
    process.chdir(cwd);
  }
}

describe('the output is the input: real paths are compared, the recording is never touched', () => {
  test.each([
    ['./rec.ts', 'rec.ts'],
    ['sub/../rec.ts', 'rec.ts'],
    ['linked/rec.ts', 'rec.ts'],
    ['rec.ts', 'linked/sub/../rec.ts'],
  ])('output %s for input %s → output_is_input', async (output, input) => {
    const error = await inDir(() => rejectionOf<RemuxError>(new RemuxLadder().remux({ inputs: [input], output })));
    expect(error).toMatchObject({ code: 'ERR_REMUX_FAILED', kind: 'output_is_input', attempts: [] });
    expect(error.message).toMatch(/is input part 0 .*refusing to overwrite the recording/);
    expect(readFileSync(recording).equals(original)).toBe(true);
  });

  test('the literal same string stays a TypeError', async () => {
    await expect(new RemuxLadder().remux({ inputs: [recording], output: recording })).rejects.toThrow(TypeError);
  });
});

test('an output path that is a directory → output_is_directory', async () => {
  const error = await rejectionOf<RemuxError>(new RemuxLadder().remux({ inputs: [recording], output: join(dir, 'sub') }));
  expect(error).toMatchObject({ kind: 'output_is_directory', attempts: [] });
  expect(error.message).toContain('is a directory');
});

test('a missing input → input_unreadable, naming the part', async () => {
  const error = await rejectionOf<RemuxError>(new RemuxLadder().remux({ inputs: [recording, join(dir, 'gone.ts')], output: join(dir, 'x.mp4') }));
  expect(error).toMatchObject({ kind: 'input_unreadable', attempts: [] });
  expect(error.message).toMatch(/input part 1 .*gone\.ts.* cannot be read/);
});

test('an input literally named file:rec.ts is that file', async () => {
  copyFileSync(recording, join(dir, 'file:rec.ts'));
  const result = await inDir(() => new RemuxLadder().remux({ inputs: ['file:rec.ts'], output: 'from-file-name.mp4' }));
  expect(result.attempts[0]?.args).toContain('file:file:rec.ts');
  expect(existsSync(join(dir, 'from-file-name.mp4'))).toBe(true);
});

test('abort while the ffmpeg binary is probed for its capabilities settles within killGraceMs', async () => {
  // An "ffmpeg" that answers -version only after 3 s (a binary on a stuck share).
  const slowFfmpeg = join(dir, 'slow-ffmpeg');
  writeFileSync(slowFfmpeg, '#!/bin/sh\nexec sleep 3\n');
  chmodSync(slowFfmpeg, 0o755);
  const controller = new AbortController();
  const killGraceMs = 500;
  const pending = rejectionOf<RemuxError>(
    new RemuxLadder({ ffmpegPath: slowFfmpeg, killGraceMs }).remux({ inputs: [recording], output: join(dir, 'slow.mp4'), signal: controller.signal }),
  );
  await new Promise((resolve) => setTimeout(resolve, 800)); // the input probes are done by now; -version hangs
  const abortedAt = Date.now();
  controller.abort(new Error('host shutting down'));
  const error = await pending;
  expect(Date.now() - abortedAt).toBeLessThan(killGraceMs + 1_000); // generous bound for a busy machine
  expect(error).toMatchObject({ kind: 'aborted', attempts: [] });
  expect(error.message).toContain('probing the ffmpeg binary');
});

describe('a full disk before ffmpeg starts → no_space', () => {
  const mountPoint = join(createTempDir('ffsup-full-'), 'mnt');
  let mounted = false;
  beforeAll(() => {
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
      mounted = true;
      writeFileSync(join(mountPoint, 'filler'), Buffer.alloc(64 * 1024)); // every block used
    } catch (error) {
      if (!mounted) console.warn(`skipping the full-disk test: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}); it needs root`);
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mountPoint]);
    removeTempDir(join(mountPoint, '..'));
  });

  test('the remux is refused with the free and needed bytes, nothing is written', async (context) => {
    if (!mounted) context.skip();
    const output = join(mountPoint, 'out.mp4');
    const error = await rejectionOf<RemuxError>(new RemuxLadder().remux({ inputs: [recording], output }));
    expect(error).toMatchObject({ kind: 'no_space', attempts: [] });
    expect(error.message).toMatch(/not enough free space .*: 0 bytes free, \d+ needed/);
    expect(readdirSync(mountPoint)).toEqual(['filler']);
  });
});
