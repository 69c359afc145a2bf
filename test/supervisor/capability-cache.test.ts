import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { clearCapabilitiesCache, probeCapabilities } from '../../src/supervisor/capabilities.js';
import { capabilityCacheFile, defaultCapabilityCacheDirectory, readBinaryKey } from '../../src/supervisor/capability-cache.js';
import { createTempDir, generateTs, NPM_FFMPEG_PATH, removeTempDir, STATIC_BUILD_ENV, SYSTEM_FFMPEG_PATH } from '../helpers/media.js';
import { trackPid } from '../helpers/processes.js';

const REAL_FFMPEG = SYSTEM_FFMPEG_PATH ?? NPM_FFMPEG_PATH;
// The CLI test runs the BUILT CLI (`npm test` builds first; alone: `npx tsup`).
const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = createTempDir('ffsup-cap-cache-');
});
afterAll(() => removeTempDir(dir));
afterEach(clearCapabilitiesCache);

/** A binary of its own (a script that logs every start, then runs the real ffmpeg), so a test can count probes and change the binary. */
function countingFfmpeg(): { path: string; starts: () => string[] } {
  counter += 1;
  const log = join(dir, `starts-${counter}.log`);
  const path = join(dir, `ffmpeg-${counter}`);
  writeFileSync(path, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${REAL_FFMPEG}' "$@"\n`);
  chmodSync(path, 0o755);
  const starts = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { path, starts };
}

function newCacheDirectory(): string {
  counter += 1;
  return join(dir, `cache-${counter}`);
}

function cacheEntries(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory).sort() : [];
}

describe.skipIf(!REAL_FFMPEG)('the on-disk capability cache', () => {
  test('reused: a second process (memory forgotten) starts no probe and reads the same answer', async () => {
    const binary = countingFfmpeg();
    const cacheDirectory = newCacheDirectory();
    const first = await probeCapabilities(binary.path, { cacheDirectory });
    expect(binary.starts()).toHaveLength(2);
    expect(cacheEntries(cacheDirectory)).toEqual([expect.stringMatching(/^capabilities-[0-9a-f]{32}\.json$/)]);

    clearCapabilitiesCache();
    expect(await probeCapabilities(binary.path, { cacheDirectory })).toEqual(first);
    expect(binary.starts()).toHaveLength(2);
  });

  test.each([
    ['touched (new mtime)', (path: string) => utimesSync(path, new Date(), new Date(Date.now() + 5_000))],
    ['rewritten in place', (path: string) => writeFileSync(path, `${readFileSync(path, 'utf8')}# v2\n`)],
    [
      'replaced by rename (new inode, same size and mtime)',
      (path: string) => {
        copyFileSync(path, `${path}.new`);
        const { mtime } = { mtime: new Date(Date.now() - 60_000) };
        utimesSync(path, mtime, mtime);
        utimesSync(`${path}.new`, mtime, mtime);
        renameSync(`${path}.new`, path);
      },
    ],
  ])('invalidated when the binary is %s', async (_name, change) => {
    const binary = countingFfmpeg();
    const cacheDirectory = newCacheDirectory();
    await probeCapabilities(binary.path, { cacheDirectory });
    const before = await readBinaryKey(binary.path);
    change(binary.path);
    expect(await readBinaryKey(binary.path)).not.toEqual(before);

    clearCapabilitiesCache();
    await probeCapabilities(binary.path, { cacheDirectory });
    expect(binary.starts()).toHaveLength(4);
    clearCapabilitiesCache();
    await probeCapabilities(binary.path, { cacheDirectory }); // the new entry is reused
    expect(binary.starts()).toHaveLength(4);
    expect(cacheEntries(cacheDirectory)).toHaveLength(1);
  });

  test.each([
    ['not JSON', 'garbage{'],
    ['another format', JSON.stringify({ format: 0, key: {}, capabilities: {} })],
    ['a wrong shape for this binary', JSON.stringify({ format: 1, key: null, capabilities: { version: 1 } })],
  ])('a corrupt entry (%s) is ignored and replaced', async (_name, content) => {
    const binary = countingFfmpeg();
    const cacheDirectory = newCacheDirectory();
    const key = await readBinaryKey(binary.path);
    const file = capabilityCacheFile(cacheDirectory, key as NonNullable<typeof key>);
    const expected = await probeCapabilities(binary.path); // no disk cache
    clearCapabilitiesCache();
    await import('node:fs/promises').then(({ mkdir }) => mkdir(cacheDirectory, { recursive: true }));
    writeFileSync(file, content);

    expect(await probeCapabilities(binary.path, { cacheDirectory })).toEqual(expected);
    expect(binary.starts()).toHaveLength(4);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 1, capabilities: expected });
  });

  test('ignored when unwritable: the probe answers every time and nothing is written', async () => {
    const binary = countingFfmpeg();
    // A regular file where the directory should be: mkdir fails even for root.
    const blocker = join(dir, `blocker-${counter}`);
    writeFileSync(blocker, 'not a directory');
    const cacheDirectory = join(blocker, 'cache');
    const first = await probeCapabilities(binary.path, { cacheDirectory });
    clearCapabilitiesCache();
    expect(await probeCapabilities(binary.path, { cacheDirectory })).toEqual(first);
    expect(binary.starts()).toHaveLength(4);
    expect(readFileSync(blocker, 'utf8')).toBe('not a directory');
  });

  test('a missing binary is not cached: the probe rejects as without a cache', async () => {
    const cacheDirectory = newCacheDirectory();
    await expect(probeCapabilities(join(dir, 'no-such-ffmpeg'), { cacheDirectory })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(cacheEntries(cacheDirectory)).toEqual([]);
  });

  test('a symlink shares the entry of the binary it points to', async () => {
    const binary = countingFfmpeg();
    const cacheDirectory = newCacheDirectory();
    const link = `${binary.path}-link`;
    await import('node:fs/promises').then(({ symlink }) => symlink(binary.path, link));
    await probeCapabilities(binary.path, { cacheDirectory });
    await probeCapabilities(link, { cacheDirectory });
    expect(binary.starts()).toHaveLength(2);
  });

  test('two CLI runs at once: both succeed, one complete entry, no temp file, and a third run probes nothing', { timeout: 60_000 }, async () => {
    const binary = countingFfmpeg();
    const cacheHome = newCacheDirectory();
    // The ladder skips the first second of a recording: 3 s leave a real output.
    const input = await generateTs(dir, `cli-${counter}.ts`, { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 3 });
    const env = { ...STATIC_BUILD_ENV, XDG_CACHE_HOME: cacheHome };
    const runCli = (name: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolveRun) => {
        const child = spawn(process.execPath, [CLI, 'remux', input, '-o', join(dir, `${name}.mp4`), '--ffmpeg', binary.path, '--json'], {
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        trackPid(child.pid);
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('close', (code) => resolveRun({ code, stderr }));
      });
    const probes = () => binary.starts().filter((args) => args.includes('-encoders') || args.includes('-h long')).length;

    const runs = await Promise.all([runCli(`both-${counter}-a`), runCli(`both-${counter}-b`)]);
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    const cacheDirectory = join(cacheHome, 'ffmpeg-supervisor');
    const entries = cacheEntries(cacheDirectory);
    expect(entries).toEqual([expect.stringMatching(/^capabilities-[0-9a-f]{32}\.json$/)]);
    expect(JSON.parse(readFileSync(join(cacheDirectory, entries[0] as string), 'utf8'))).toMatchObject({ format: 1 });
    const probesOfBoth = probes();
    expect([2, 4]).toContain(probesOfBoth); // each run probes, unless the other's entry was already there

    expect(await runCli(`third-${counter}`)).toMatchObject({ code: 0 });
    expect(probes()).toBe(probesOfBoth);
  });
});

test.each([
  [{ XDG_CACHE_HOME: '/var/cache/me' }, '/var/cache/me/ffmpeg-supervisor'],
  [{ XDG_CACHE_HOME: 'relative/cache' }, /\/\.cache\/ffmpeg-supervisor$/],
  [{}, /\/\.cache\/ffmpeg-supervisor$/],
])('defaultCapabilityCacheDirectory(%j)', (env, expected) => {
  const directory = defaultCapabilityCacheDirectory(env);
  if (typeof expected === 'string') expect(directory).toBe(expected);
  else expect(directory).toMatch(expected);
});
