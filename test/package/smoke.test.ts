import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// The built package, imported the way a user's service would: by its name, from CommonJS and ESM.
const root = fileURLToPath(new URL('../..', import.meta.url));

function runNode(inputType: 'commonjs' | 'module', code: string): string {
  return execFileSync(process.execPath, ['--input-type', inputType, '-e', code], { cwd: root, encoding: 'utf8' }).trim();
}

const expectedExports = ['FfmpegSupervisor', 'RemuxLadder', 'FfmpegError', 'RemuxError', 'classifyRemuxError', 'decideStrategy', 'buildStrategyArgs', 'remuxDeadlineMs', 'probeMedia', 'resolveFfmpegPath'];

describe('the built package', () => {
  test('require() from CommonJS gives the public API, and errors are real classes', () => {
    const out = runNode(
      'commonjs',
      `const lib = require('ffmpeg-supervisor');
       const kit = require('ffmpeg-supervisor/testing');
       const e = new lib.FfmpegStalledError('x', undefined);
       console.log(JSON.stringify({ names: Object.keys(lib), kit: typeof kit.createFakeFfmpeg, isBase: e instanceof lib.FfmpegError, code: e.code }));`,
    );
    const parsed = JSON.parse(out) as { names: string[]; kit: string; isBase: boolean; code: string };
    expect(parsed.names).toEqual(expect.arrayContaining(expectedExports));
    expect(parsed).toMatchObject({ kit: 'function', isBase: true, code: 'ERR_FFMPEG_STALLED' });
  });

  test('import from ESM gives the same API', () => {
    const out = runNode(
      'module',
      `const lib = await import('ffmpeg-supervisor');
       const kit = await import('ffmpeg-supervisor/testing');
       console.log(JSON.stringify({ names: Object.keys(lib), kit: typeof kit.createFakeFfmpeg }));`,
    );
    const parsed = JSON.parse(out) as { names: string[]; kit: string };
    expect(parsed.names).toEqual(expect.arrayContaining(expectedExports));
    expect(parsed.kit).toBe('function');
  });

  test('ffmpeg-supervisor/bullmq loads from CommonJS and ESM, and shares the main entry\'s classes', () => {
    const names = ['createRemuxProcessor', 'createFfmpegProcessor', 'abortJobsOnClose', 'DEFAULT_RETRY_POLICY', 'decideRetry', 'KNOWN_FAILURE_KINDS'];
    const cjs = runNode(
      'commonjs',
      `const integration = require('ffmpeg-supervisor/bullmq');
       console.log(JSON.stringify({ names: Object.keys(integration), arity: integration.createRemuxProcessor().length }));`,
    );
    expect(JSON.parse(cjs)).toMatchObject({ names: expect.arrayContaining(names), arity: 3 });
    const esm = runNode(
      'module',
      `const integration = await import('ffmpeg-supervisor/bullmq');
       console.log(JSON.stringify({ names: Object.keys(integration), stall: integration.decideRetry('stalled') }));`,
    );
    expect(JSON.parse(esm)).toMatchObject({ names: expect.arrayContaining(names), stall: 'fail' });
  });

  test.each(['commonjs', 'module'] as const)('the main entry never loads bullmq (%s), the bullmq subpath does', (inputType) => {
    const load = inputType === 'commonjs' ? (name: string) => `require('${name}')` : (name: string) => `await import('${name}')`;
    const loaded = (name: string) =>
      runNode(
        inputType,
        `const { createRequire } = require_('node:module');
         ${load(name)};
         const cache = createRequire(process.cwd() + '/').cache;
         console.log(Object.keys(cache).some((file) => /[\\/]node_modules[\\/](bullmq|ioredis)[\\/]/.test(file)));`.replace(
          'require_',
          inputType === 'commonjs' ? 'require' : '(await import("node:module")).createRequire(import.meta.url)',
        ),
      );
    expect(loaded('ffmpeg-supervisor')).toBe('false');
    expect(loaded('ffmpeg-supervisor/testing')).toBe('false');
    expect(loaded('ffmpeg-supervisor/bullmq')).toBe('true');
  });

  test('the CLI binary starts and reports its version', () => {
    const version = execFileSync(process.execPath, ['dist/cli/main.js', '--version'], { cwd: root, encoding: 'utf8' }).trim();
    expect(version).toMatch(/\d+\.\d+\.\d+/);
  });

  test('the fake ffmpeg runs from the CommonJS build too', () => {
    const out = runNode(
      'commonjs',
      `const { createFakeFfmpeg, scenarios } = require('ffmpeg-supervisor/testing');
       const { FfmpegSupervisor } = require('ffmpeg-supervisor');
       const fake = createFakeFfmpeg(scenarios.completes({ blocks: 2, everyMs: 5 }));
       new FfmpegSupervisor({ ffmpegPath: fake.path, args: [] }).run()
         .then((o) => { console.log(o.reason); fake.cleanup(); }, (e) => { console.log(e.message); fake.cleanup(); });`,
    );
    expect(out).toBe('completed');
  });
});
