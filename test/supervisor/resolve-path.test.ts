import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { FfmpegNotFoundError } from '../../src/supervisor/errors.js';
import { resolveFfmpegPath, resolveFfprobePath } from '../../src/supervisor/resolve-path.js';

describe('resolveFfmpegPath / resolveFfprobePath', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ffsup-resolve-'));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an explicit path wins over everything', () => {
    vi.stubEnv('FFMPEG_PATH', '/from/env');
    expect(resolveFfmpegPath('/explicit/ffmpeg')).toBe('/explicit/ffmpeg');
  });

  test('then FFMPEG_PATH / FFPROBE_PATH', () => {
    vi.stubEnv('FFMPEG_PATH', '/from/env/ffmpeg');
    vi.stubEnv('FFPROBE_PATH', '/from/env/ffprobe');
    expect(resolveFfmpegPath()).toBe('/from/env/ffmpeg');
    expect(resolveFfprobePath()).toBe('/from/env/ffprobe');
  });

  test('then the installer packages (devDependencies here)', () => {
    vi.stubEnv('FFMPEG_PATH', '');
    vi.stubEnv('FFPROBE_PATH', '');
    expect(resolveFfmpegPath()).toMatch(/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
    expect(resolveFfprobePath()).toMatch(/@ffprobe-installer\/linux-x64\/ffprobe$/);
  });
});

/**
 * Loads resolve-path.ts (and the setup report) afresh with the installer packages answering
 * `installers`: a binary's path, an error to throw, or (missing) not installed.
 */
async function withInstallers(installers: Record<string, string | Error | undefined>) {
  vi.resetModules();
  vi.doMock('node:module', async (importOriginal) => {
    const original = await importOriginal<typeof import('node:module')>();
    return {
      ...original,
      createRequire: () => (name: string) => {
        const answer = installers[name];
        if (answer === undefined) throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
        if (answer instanceof Error) throw answer;
        return { path: answer };
      },
    };
  });
  const resolvePath = await import('../../src/supervisor/resolve-path.js');
  const setup = await import('../../src/supervisor/ffmpeg-setup.js');
  const { FfmpegNotFoundError: NotFound } = await import('../../src/supervisor/errors.js');
  return { ...resolvePath, ...setup, NotFound };
}

function thrownBy(resolve: () => string): FfmpegNotFoundError {
  try {
    resolve();
  } catch (thrown) {
    return thrown as FfmpegNotFoundError;
  }
  throw new Error('resolve() did not throw');
}

describe('what the search tried, and why each candidate was skipped', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ffsup-path-'));
    vi.stubEnv('FFMPEG_PATH', '');
    vi.stubEnv('FFPROBE_PATH', '');
  });
  afterEach(() => {
    vi.doUnmock('node:module');
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  test('finds an executable on PATH and names everything it tried when there is none', async () => {
    const { resolveFfmpegPath: resolve, NotFound } = await withInstallers({});
    vi.stubEnv('PATH', dir);
    const error = thrownBy(() => resolve());
    expect(error).toBeInstanceOf(NotFound);
    expect(error.code).toBe('ERR_FFMPEG_NOT_FOUND');
    expect(error.tried).toEqual(['$FFMPEG_PATH (unset)', '@ffmpeg-installer/ffmpeg (not installed)', 'ffmpeg on PATH (not found)']);
    writeFileSync(join(dir, 'ffmpeg'), '#!/bin/sh\n');
    chmodSync(join(dir, 'ffmpeg'), 0o755);
    expect(resolve()).toBe(join(dir, 'ffmpeg'));
  });

  test('issue 14: a bundled ffprobe installed with mode 0644 is "not executable", not "not installed"', async () => {
    const bundled = join(dir, 'node_modules', '@ffprobe-installer', 'linux-x64', 'ffprobe');
    mkdirSync(join(bundled, '..'), { recursive: true });
    copyFileSync(join(process.cwd(), 'node_modules', '@ffprobe-installer', 'linux-x64', 'ffprobe'), bundled);
    chmodSync(bundled, 0o644); // npm's tarball mode when its install script did not run
    const { resolveFfprobePath: resolve, searchBinary } = await withInstallers({ '@ffprobe-installer/ffprobe': bundled });
    vi.stubEnv('PATH', join(dir, 'empty'));
    const error = thrownBy(() => resolve());
    expect(error.tried[1]).toBe(`@ffprobe-installer/ffprobe (${bundled} is not executable (mode 0644; chmod +x it))`);
    expect(error.message).toContain('is not executable (mode 0644');
    expect(error.message).not.toContain('not installed');
    // With a system ffprobe on PATH the search goes on to it, and says why it passed the bundled one.
    vi.stubEnv('PATH', '/usr/bin');
    const { chosen, candidates } = searchBinary('ffprobe');
    expect(candidates.map((candidate) => [candidate.label, candidate.status])).toEqual([
      ['$FFPROBE_PATH', 'not_set'],
      ['@ffprobe-installer/ffprobe', 'not_executable'],
      ['ffprobe on PATH', chosen === undefined ? 'not_found' : 'usable'],
    ]);
  });

  test('an installed package without a binary for this machine says so', async () => {
    const { searchBinary } = await withInstallers({ '@ffmpeg-installer/ffmpeg': new Error('Unsupported platform/architecture: linux-s390x') });
    vi.stubEnv('PATH', dir);
    expect(searchBinary('ffmpeg').candidates[1]).toMatchObject({ status: 'not_found', reason: 'installed but unusable: Unsupported platform/architecture: linux-s390x' });
  });
});
