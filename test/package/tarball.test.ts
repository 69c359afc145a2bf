import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The package as a user gets it: `npm pack`, then installed into a fresh project, offline, with an
// empty npm cache (the runtime dependencies are packed from this checkout's node_modules, so the
// check needs no registry on a CI machine). `npm test` builds first; `prepack` builds for `npm pack`.
const root = fileURLToPath(new URL('../..', import.meta.url));
const requireFromRoot = createRequire(path.join(root, 'package.json'));
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

let work: string;
let project: string;
let packedFiles: string[];

function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

function node(cwd: string, inputType: 'module' | 'commonjs', code: string): unknown {
  return JSON.parse(execFileSync(process.execPath, ['--input-type', inputType, '-e', code], { cwd, encoding: 'utf8' }));
}

beforeAll(() => {
  if (!existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: build first (npm run build)');
  work = mkdtempSync(path.join(tmpdir(), 'ffsup-tarball-'));
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (packed === undefined) throw new Error('npm pack printed nothing');
  packedFiles = packed.files.map((file) => file.path);
  const dependencyTarballs = Object.keys(manifest.dependencies).map((name) => {
    const directory = path.dirname(requireFromRoot.resolve(`${name}/package.json`));
    const [dependency] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work, directory], root)) as Array<{ filename: string }>;
    return path.join(work, dependency?.filename ?? '');
  });
  project = path.join(work, 'service');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'service', version: '1.0.0', private: true }));
  npm(
    ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', path.join(work, 'cache'), path.join(work, packed.filename), ...dependencyTarballs],
    project,
  );
}, 120_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball, installed into a scratch project', () => {
  test('`npm pack` builds first (prepack), and the tarball holds the build, not the sources', () => {
    expect(manifest.scripts.prepack).toBe('npm run build');
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts',
        'dist/testing/index.js', 'dist/testing/index.cjs', 'dist/testing/index.d.ts', 'dist/testing/fake-ffmpeg-process.js',
        'dist/cli/main.js', 'package.json', 'README.md',
      ]),
    );
    expect(packedFiles.filter((file) => /^(src|test|examples)\//.test(file))).toEqual([]);
  });

  test('ESM: both entry points import by name, and the kit\'s fake ffmpeg runs from the installed files', () => {
    const result = node(
      project,
      'module',
      `const lib = await import('ffmpeg-supervisor');
       const kit = await import('ffmpeg-supervisor/testing');
       const fake = kit.createFakeFfmpeg(kit.scenarios.completes({ blocks: 1, everyMs: 1, writesOutput: false }));
       const outcome = await new lib.FfmpegSupervisor({ ffmpegPath: fake.path, args: ['-f', 'null', '-'] }).run().finally(() => fake.cleanup());
       console.log(JSON.stringify({ supervisor: typeof lib.FfmpegSupervisor, setup: typeof lib.describeFfmpegSetup, spawn: typeof kit.createFakeSpawn, reason: outcome.reason, from: import.meta.resolve('ffmpeg-supervisor') }));`,
    );
    expect(result).toMatchObject({ supervisor: 'function', setup: 'function', spawn: 'function', reason: 'completed' });
    expect((result as { from: string }).from).toContain('/service/node_modules/ffmpeg-supervisor/dist/index.js');
  });

  test('CommonJS: both entry points require by name; errors are real classes', () => {
    const result = node(
      project,
      'commonjs',
      `const lib = require('ffmpeg-supervisor');
       const kit = require('ffmpeg-supervisor/testing');
       const error = new lib.FfmpegStalledError('x', undefined);
       console.log(JSON.stringify({ ladder: typeof lib.RemuxLadder, kit: typeof kit.createFakeFfmpeg, isBase: error instanceof lib.FfmpegError, from: require.resolve('ffmpeg-supervisor/testing') }));`,
    );
    expect(result).toMatchObject({ ladder: 'function', kit: 'function', isBase: true });
    expect((result as { from: string }).from).toContain('/service/node_modules/ffmpeg-supervisor/dist/testing/index.cjs');
  });

  test('the bin is linked and runs', () => {
    const version = execFileSync(path.join(project, 'node_modules', '.bin', 'ffmpeg-supervisor'), ['--version'], { encoding: 'utf8' });
    expect(version.trim()).toBe(manifest.version);
  });
});
