import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createFakeFfmpeg, type FakeFfmpeg } from 'ffmpeg-supervisor/testing';
import { afterEach, expect, test } from 'vitest';
import { createTempDir, removeTempDir } from '../helpers/media.js';
import { isProcessAlive, killTracked, trackPid, waitForProcessGone } from '../helpers/processes.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/abort-on-shutdown.ts');
const dirs: string[] = [];
let fake: FakeFfmpeg | undefined;

afterEach(async () => {
  await killTracked();
  fake?.cleanup();
  for (const dir of dirs.splice(0)) removeTempDir(dir);
});

/** Lines the example prints, and a way to wait for one. */
function watchLines(child: ChildProcess) {
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const match = lines.map((line) => pattern.exec(line)).find(Boolean);
      if (match) return match;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { lines, waitFor };
}

/** The pid of the fake ffmpeg that is remuxing (its command line holds the scenario path and `-progress`). */
function findRemuxingFfmpeg(scenarioPath: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes(scenarioPath) && argv.includes('-progress') && isProcessAlive(Number(entry))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

test('SIGTERM aborts the running remux: the service exits, ffmpeg is gone, no temp file is left', async () => {
  const recordingsDir = createTempDir('shutdown-recordings-');
  const cacheDir = createTempDir('shutdown-cache-');
  dirs.push(recordingsDir, cacheDir);
  writeFileSync(path.join(recordingsDir, '42.ts'), 'a recording');
  // ffmpeg writes part of its output, then hangs (and would for ever).
  fake = createFakeFfmpeg({ steps: [{ advance: { count: 2, everyMs: 20 } }, { writeOutputText: 'partial' }, { hang: true }] });

  const service = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], {
    env: { ...process.env, RECORDINGS_DIR: recordingsDir, CACHE_DIR: cacheDir, FFMPEG_PATH: fake.path, FFPROBE_PATH: fake.path },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  trackPid(service.pid);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => service.once('exit', (code, signal) => resolve([code, signal])));
  const { lines, waitFor } = watchLines(service);

  const base = (await waitFor(/^ready (http:\/\/127\.0\.0\.1:\d+)$/))[1];
  const pending = fetch(`${base}/recordings/42/stream.mp4`).then((response) => response.status, () => 'reset');
  await waitFor(/^attempt default started$/);
  let ffmpegPid: number | undefined;
  while ((ffmpegPid = findRemuxingFfmpeg(fake.scenarioPath)) === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  trackPid(ffmpegPid);
  while (!readdirSync(cacheDir).some((name) => name.startsWith('.'))) await new Promise((resolve) => setTimeout(resolve, 10));

  service.kill('SIGTERM');
  expect(await exited).toEqual([0, null]);
  expect(lines).toContain('SIGTERM: aborting 1 job(s)');
  expect(lines.at(-1)).toBe('stopped');
  expect(await waitForProcessGone(ffmpegPid, 5_000)).toBe(true);
  expect(readdirSync(cacheDir)).toEqual([]);
  expect(readdirSync(recordingsDir)).toEqual(['42.ts']);
  expect(await pending).toBe(503);
}, 30_000);
