import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

describe('PATH lookup and the not-found error', () => {
  test('finds an executable on PATH and names everything it tried when there is none', async () => {
    // A fresh module registry with the installer packages made unloadable.
    vi.resetModules();
    vi.doMock('node:module', async (importOriginal) => {
      const original = await importOriginal<typeof import('node:module')>();
      return {
        ...original,
        createRequire: () => () => {
          throw new Error('not installed');
        },
      };
    });
    const dir = mkdtempSync(join(tmpdir(), 'ffsup-path-'));
    try {
      const { resolveFfmpegPath: resolve } = await import('../../src/supervisor/resolve-path.js');
      const { FfmpegNotFoundError: NotFound } = await import('../../src/supervisor/errors.js');
      vi.stubEnv('FFMPEG_PATH', '');
      vi.stubEnv('PATH', dir);
      expect(() => resolve()).toThrow(NotFound);
      const error = (() => {
        try {
          resolve();
        } catch (thrown) {
          return thrown as FfmpegNotFoundError;
        }
        throw new Error('resolve() did not throw');
      })();
      expect(error.code).toBe('ERR_FFMPEG_NOT_FOUND');
      expect(error.tried).toEqual([
          '$FFMPEG_PATH (unset)',
          '@ffmpeg-installer/ffmpeg (not installed)',
        'ffmpeg on PATH',
      ]);
      writeFileSync(join(dir, 'ffmpeg'), '#!/bin/sh\n');
      chmodSync(join(dir, 'ffmpeg'), 0o755);
      expect(resolve()).toBe(join(dir, 'ffmpeg'));
    } finally {
      vi.doUnmock('node:module');
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
