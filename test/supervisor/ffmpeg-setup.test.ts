import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { checkBinaryRuns } from '../../src/supervisor/binary-check.js';

const installedFfprobe = join(process.cwd(), 'node_modules', '@ffprobe-installer', 'linux-x64', 'ffprobe');
const installedFfmpeg = join(process.cwd(), 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');
const VERSION = 'echo "ffprobe version 9.9-fake Copyright (c) 2000-2025 the FFmpeg developers"; echo "configuration: --fake"';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ffsup-setup-'));
});
afterEach(() => {
  vi.doUnmock('node:module');
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

/** A shell script `ffprobe` in its own directory under `dir`; returns the directory. */
function fakeProbeDir(name: string, body: string): string {
  const bin = join(dir, name);
  mkdirSync(bin);
  writeFileSync(join(bin, 'ffprobe'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  chmodSync(join(bin, 'ffprobe'), 0o755);
  return bin;
}

/** The setup module afresh (its skip list is per process), with no installer package found. */
async function freshSetupWithoutInstallers() {
  vi.resetModules();
  vi.doMock('node:module', async (importOriginal) => ({
    ...(await importOriginal<typeof import('node:module')>()),
    createRequire: () => (name: string) => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    },
  }));
  return {
    ...(await import('../../src/supervisor/ffmpeg-setup.js')),
    ...(await import('../../src/supervisor/resolve-path.js')),
  };
}

describe('checkBinaryRuns: crashes are told apart from failures', () => {
  test.each([
    ['kills itself with SIGSEGV on -version', 'kill -SEGV $$', 'crashed', 'crashed on `-version` (killed by SIGSEGV)'],
    ['exits 139 on -version', 'exit 139', 'crashed', 'crashed on `-version` (exit 139: SIGSEGV)'],
    ['exits 1 on -version', 'exit 1', 'failed', 'failed on `-version` (exit 1)'],
    ['answers -version, exits 139 on an MPEG-TS input', `[ "$1" = -version ] && { ${VERSION}; exit 0; }; cat >/dev/null; exit 139`, 'crashed', 'crashed on probing an MPEG-TS recording (exit 139: SIGSEGV)'],
  ])('an ffprobe that %s', async (_what, body, status, reason) => {
    const probe = join(fakeProbeDir('bin', body), 'ffprobe');
    expect(await checkBinaryRuns(probe, 'ffprobe', 10_000)).toEqual({ status, reason });
  });

  test('a sane one is usable, with its version line', async () => {
    const probe = join(fakeProbeDir('bin', `[ "$1" = -version ] && { ${VERSION}; exit 0; }; cat >/dev/null; echo '{}'`), 'ffprobe');
    expect(await checkBinaryRuns(probe, 'ffprobe', 10_000)).toMatchObject({ status: 'usable', versionLine: expect.stringContaining('ffprobe version 9.9-fake') });
  });

  test.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'issue 14: the npm static ffprobe crashes on MPEG-TS when started as is (SIGSEGV), and is usable as the library starts it',
    async () => {
      const outsideInstaller = join(dir, 'ffprobe');
      symlinkSync(installedFfprobe, outsideInstaller); // a path without @ffprobe-installer: no GCONV_PATH fix
      const env = { ...process.env };
      delete env.GCONV_PATH;
      expect(await checkBinaryRuns(outsideInstaller, 'ffprobe', 20_000, env)).toEqual({
        status: 'crashed',
        reason: 'crashed on probing an MPEG-TS recording (killed by SIGSEGV)',
      });
      expect(await checkBinaryRuns(installedFfprobe, 'ffprobe', 20_000, env)).toMatchObject({ status: 'usable' });
    },
  );
});

describe('describeFfmpegSetup', () => {
  test('skips a crashing ffprobe on PATH with the reason, takes the next one, and later resolution skips it too', async () => {
    const crashing = fakeProbeDir('crashing', 'exit 139');
    const working = fakeProbeDir('working', `[ "$1" = -version ] && { ${VERSION}; exit 0; }; cat >/dev/null; echo '{}'`);
    const { describeFfmpegSetup, resolveFfprobePath } = await freshSetupWithoutInstallers();
    vi.stubEnv('FFMPEG_PATH', installedFfmpeg);
    vi.stubEnv('FFPROBE_PATH', '');
    vi.stubEnv('PATH', `${crashing}:${working}`);
    expect(resolveFfprobePath()).toBe(join(crashing, 'ffprobe')); // without running it, the first one on PATH
    const setup = await describeFfmpegSetup();
    expect(setup.ok).toBe(true);
    expect(setup.ffprobe.path).toBe(join(working, 'ffprobe'));
    expect(setup.ffprobe.candidates.map((candidate) => [candidate.label, candidate.status, candidate.reason])).toEqual([
      ['$FFPROBE_PATH', 'not_set', 'unset'],
      ['@ffprobe-installer/ffprobe', 'not_installed', 'not installed'],
      ['ffprobe on PATH', 'crashed', 'crashed on `-version` (exit 139: SIGSEGV)'],
      ['ffprobe on PATH', 'usable', ''],
    ]);
    expect(setup.text).toContain('ffprobe on PATH: skipped: crashed on `-version` (exit 139: SIGSEGV)');
    // The pair is not one build: the report says so, naming both binaries.
    expect(setup.sameBuild).toBe(false);
    expect(setup.warnings[0]).toMatch(/^ffmpeg and ffprobe come from different builds: .*@ffmpeg-installer.*ffmpeg \(ffmpeg version N-.*\) and .*working\/ffprobe \(ffprobe version 9\.9-fake\)\.$/);
    expect(resolveFfprobePath()).toBe(join(working, 'ffprobe'));
  });

  test('an explicit path that crashes is reported, never replaced by another binary', async () => {
    const crashing = fakeProbeDir('crashing', 'kill -SEGV $$');
    const { describeFfmpegSetup } = await freshSetupWithoutInstallers();
    vi.stubEnv('PATH', '/usr/bin');
    const setup = await describeFfmpegSetup({ ffmpegPath: installedFfmpeg, ffprobePath: join(crashing, 'ffprobe') });
    expect(setup.ok).toBe(false);
    expect(setup.ffprobe).toMatchObject({ path: undefined, candidates: [{ label: 'ffprobePath option', status: 'crashed', reason: 'crashed on `-version` (killed by SIGSEGV)' }] });
    expect(setup.text).toContain('ffprobe: none usable');
  });

  test('a non-executable copy (mode 0644) given as FFPROBE_PATH is reported as not executable', async () => {
    const copy = join(dir, 'ffprobe');
    copyFileSync(installedFfprobe, copy);
    chmodSync(copy, 0o644);
    const { describeFfmpegSetup } = await freshSetupWithoutInstallers();
    vi.stubEnv('FFPROBE_PATH', copy);
    const setup = await describeFfmpegSetup({ ffmpegPath: installedFfmpeg });
    expect(setup.ffprobe.candidates).toEqual([{ source: 'env', label: '$FFPROBE_PATH', path: copy, status: 'not_executable', reason: `${copy} is not executable (mode 0644; chmod +x it)` }]);
  });

  test('the real npm pair: both usable, the GCONV_PATH fix said, the different builds said', async () => {
    vi.stubEnv('FFMPEG_PATH', '');
    vi.stubEnv('FFPROBE_PATH', '');
    vi.resetModules();
    const { describeFfmpegSetup } = await import('../../src/supervisor/ffmpeg-setup.js');
    const setup = await describeFfmpegSetup({ env: { PATH: process.env.PATH } });
    expect(setup).toMatchObject({ ok: true, ffmpeg: { path: installedFfmpeg }, ffprobe: { path: installedFfprobe } });
    expect(setup.warnings).toContain('ffprobe is the npm static build: it is started with GCONV_PATH pointing at no modules (without it, it crashes on MPEG-TS service names).');
    expect(setup.sameBuild).toBe(false); // the two npm packages ship different ffmpeg builds
  });
});
