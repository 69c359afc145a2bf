import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  createTempDir,
  FFMPEG_BINARIES,
  generateTs,
  NPM_FFMPEG_PATH,
  removeTempDir,
  STATIC_BUILD_ENV,
  SYSTEM_FFMPEG_PATH,
} from '../helpers/media.js';
import { killTracked, trackPid, waitForProcessGone, waitUntilBlockedInPipeRead } from '../helpers/processes.js';

// These tests run the BUILT CLI (`npm test` builds first; alone: `npx tsup`).
const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');
const PACKAGE_VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
const ANY_FFMPEG = NPM_FFMPEG_PATH ?? SYSTEM_FFMPEG_PATH;

interface CliRun {
  readonly child: ChildProcess;
  /** Resolves when the CLI exited and its pipes closed. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves with the first JSON event on stdout matching `event` (needs `--json`). */
  waitForEvent(event: string): Promise<Record<string, unknown>>;
}

function startCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  trackPid(child.pid);
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ event: string; resolve: (value: Record<string, unknown>) => void }> = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of [...waiters]) {
      const found = parseJsonLines(stdout).find((line) => line.event === waiter.event);
      if (found) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolveDone) => {
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    waitForEvent: (event) =>
      new Promise((resolveEvent, reject) => {
        const found = parseJsonLines(stdout).find((line) => line.event === event);
        if (found) resolveEvent(found);
        else waiters.push({ event, resolve: resolveEvent });
        void done.then(() => reject(new Error(`the CLI exited before a ${event} event; stdout:\n${stdout}`)));
      }),
  };
}

/** Complete lines of stdout, parsed (a partial last line is left out). */
function parseJsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Hidden files beside an output: the ladder's temp MP4 (`.*.tmp-*`) and concat list. */
function hiddenFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.'));
}

/** A FIFO that ffmpeg can open at once and that never reaches EOF: the test holds it read-write. */
function openStuckFifo(path: string, firstBytes: Buffer): number {
  execFileSync('mkfifo', [path]);
  // O_RDWR on a FIFO does not block (Linux); the kernel buffer takes these bytes without a reader.
  const fd = openSync(path, constants.O_RDWR);
  writeFileSync(fd, firstBytes);
  return fd;
}

let dir: string;
let parts: string[];
let caseCount = 0;
const openFds: number[] = [];

/** A fresh directory per case, so that leftovers are easy to see. */
function caseDir(): string {
  caseCount += 1;
  const path = join(dir, `case-${caseCount}`);
  mkdirSync(path);
  return path;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsup)`);
  dir = createTempDir('ffsup-cli-');
  parts = [
    await generateTs(dir, 'rec part 1.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 3 }),
    await generateTs(dir, 'rec part 2.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 3 }),
  ];
});

afterEach(async () => {
  for (const fd of openFds.splice(0)) closeSync(fd);
  await killTracked();
});

afterAll(() => removeTempDir(dir));

describe('usage', () => {
  test('--version prints the version of package.json', async () => {
    const { code, stdout } = await startCli(['--version']).done;
    expect(code).toBe(0);
    expect(stdout).toBe(`${PACKAGE_VERSION}\n`);
  });

  test('--help shows both commands and the exit codes, on stdout, exit 0', async () => {
    const { code, stdout, stderr } = await startCli(['remux', '--help']).done;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/ffmpeg-supervisor remux <part>\.\.\. -o <out\.mp4>/);
    expect(stdout).toMatch(/ffmpeg-supervisor run \[options\] -- <ffmpeg args>/);
    expect(stdout).toMatch(/^ {2}143 {2}aborted by SIGTERM$/m);
  });

  test.each([
    [['remux', 'a.ts'], 'remux needs -o <out.mp4>'],
    [['remux', 'a.ts', '-o', 'o.mp4', '--bogus'], "unknown option '--bogus'"],
    [['run', '-i', 'a.ts', 'o.mp4'], "run needs '--' before the ffmpeg arguments"],
    [['remux', 'a.ts', '-o', 'o.mp4', '--stall-timeout', 'soon'], "bad duration for --stall-timeout: 'soon'"],
    [['remux', 'a.ts', '-o', 'o.mp4', '--crf', '1.5'], "--crf must be a whole number from 0 to 51; got '1.5'"],
  ])('%j → exit 2, the error and the usage on stderr', async (args, message) => {
    const { code, stdout, stderr } = await startCli(args).done;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toContain(`ffmpeg-supervisor: ${message}`);
    expect(stderr).toContain('Usage:');
  });
});

describe.skipIf(ANY_FFMPEG === undefined)('remux (real ffmpeg)', () => {
  test('two parts with spaces in their names → exit 0, the MP4, no temp files, plain lines on a pipe', async () => {
    const out = caseDir();
    const output = join(out, 'rec.mp4');
    const { code, stdout, stderr } = await startCli(['remux', ...parts, '-o', output]).done;
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^attempt 1: default/m);
    expect(stderr).toContain(`done: wrote ${output} (strategy default`);
    expect(stderr).not.toMatch(/[\r\x1b]/);
    expect(existsSync(output)).toBe(true);
    expect(hiddenFiles(out)).toEqual([]);
  });

  test('--json: one event per line on stdout, ending with the result', async () => {
    const out = caseDir();
    const output = join(out, 'rec.mp4');
    const { code, stdout, stderr } = await startCli(['remux', ...parts, '-o', output, '--json', '--sidecars']).done;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const events = parseJsonLines(stdout);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(events.map((event) => event.event)).toEqual(expect.arrayContaining(['decision', 'attempt', 'progress', 'attemptEnd', 'result']));
    expect(events[0]).toMatchObject({ event: 'decision', strategy: 'default', videoCodec: 'h264' });
    expect(events.at(-1)).toMatchObject({ event: 'result', exitCode: 0, output, strategy: 'default', attempts: 1 });
    expect(events.find((event) => event.event === 'progress')).not.toHaveProperty('raw');
    expect(existsSync(`${output}.meta.json`)).toBe(true);
  });

  test('a missing input → exit 8 with the reason; a missing ffprobe → exit 5', async () => {
    const out = caseDir();
    const missing = await startCli(['remux', join(out, 'nope.ts'), '-o', join(out, 'x.mp4')]).done;
    expect(missing.code).toBe(8);
    expect(missing.stderr).toMatch(/^input_unreadable \(exit 8\): input part 0 .*nope\.ts.* cannot be read/m);
    const noProbe = await startCli(['remux', ...parts, '-o', join(out, 'y.mp4'), '--ffprobe', join(out, 'no-ffprobe')]).done;
    expect(noProbe.code).toBe(5);
    expect(hiddenFiles(out)).toEqual([]);
  });

  test('SIGINT during a remux → exit 130, ffmpeg stopped, the temp files removed, no output', async () => {
    const out = caseDir();
    // Real ffmpeg slowed to real time (-re), so that the remux is still running when the signal comes.
    const slowFfmpeg = join(out, 'slow-ffmpeg.sh');
    writeFileSync(slowFfmpeg, `#!/bin/sh\nGCONV_PATH=/nonexistent-gconv-dir\nexport GCONV_PATH\nexec '${ANY_FFMPEG}' -re "$@"\n`);
    chmodSync(slowFfmpeg, 0o755);
    const output = join(out, 'rec.mp4');
    const cli = startCli(['remux', ...parts, '-o', output, '--json', '--ffmpeg', slowFfmpeg]);
    await cli.waitForEvent('progress');
    expect(hiddenFiles(out).some((name) => /^\.rec\.tmp-.*\.mp4$/.test(name))).toBe(true);
    cli.child.kill('SIGINT');
    const { code, stdout } = await cli.done;
    expect(code).toBe(130);
    const events = parseJsonLines(stdout);
    expect(events).toContainEqual({ event: 'signal', signal: 'SIGINT' });
    expect(events.at(-1)).toMatchObject({ event: 'error', exitCode: 130, kind: 'aborted' });
    expect(hiddenFiles(out)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  });
});

describe.skipIf(ANY_FFMPEG === undefined)('run (real ffmpeg)', () => {
  test('a copy to MP4 → exit 0, with percent from --expected-duration', async () => {
    const out = caseDir();
    const output = join(out, 'copy.mp4');
    const cli = startCli(['run', '--json', '--expected-duration', '3s', '--', '-i', `file:${parts[0]}`, '-c', 'copy', '-f', 'mp4', `file:${output}`]);
    const { code, stdout } = await cli.done;
    expect(code).toBe(0);
    const events = parseJsonLines(stdout);
    expect(events[0]).toMatchObject({ event: 'spawn', pid: expect.any(Number) });
    expect(events.filter((event) => event.event === 'progress').at(-1)).toMatchObject({ done: true, percent: expect.any(Number) });
    expect(events.at(-1)).toMatchObject({ event: 'result', exitCode: 0, outcome: { reason: 'completed', exitCode: 0 } });
    expect(existsSync(output)).toBe(true);
  });

  test('an option ffmpeg does not know → exit 1 and ffmpeg’s complaint on stderr', async () => {
    const { code, stderr } = await startCli(['run', '--', '-no_such_option_here', '1']).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/^failed \(exit 1\): ffmpeg exited with code 1/m);
    expect(stderr).toMatch(/no_such_option_here/);
  });

  test('a missing ffmpeg → exit 5', async () => {
    const { code, stderr } = await startCli(['run', '--ffmpeg', join(dir, 'no-ffmpeg'), '--', '-version']).done;
    expect(code).toBe(5);
    expect(stderr).toMatch(/^spawn_failed \(exit 5\): .*ENOENT/m);
  });

  test.each(FFMPEG_BINARIES.filter((binary) => binary.path !== undefined))(
    'reading a FIFO that stops being fed → stalled, exit 3 ($name)',
    async ({ path: ffmpegPath }) => {
      const out = caseDir();
      const fifo = join(out, 'live.ts');
      openFds.push(openStuckFifo(fifo, readFileSync(parts[0] as string).subarray(0, 48 * 1024)));
      const cli = startCli(
        [
          'run', '--ffmpeg', ffmpegPath as string, '--stall-timeout', '1s', '--startup-grace', '0s', '--kill-grace', '1s',
          '--', '-i', `file:${fifo}`, '-c', 'copy', '-f', 'mp4', `file:${join(out, 'stuck.mp4')}`,
        ],
      );
      const { code, stderr } = await cli.done;
      expect({ code, stderr }).toMatchObject({ code: 3 });
      expect(stderr).toMatch(/^stalled: no forward progress for /m);
      expect(stderr).toMatch(/^stalled \(exit 3\): ffmpeg stalled/m);
    },
  );

  test('SIGTERM → exit 143, ffmpeg gone', async () => {
    const out = caseDir();
    const fifo = join(out, 'live.ts');
    openFds.push(openStuckFifo(fifo, Buffer.alloc(0)));
    const cli = startCli(['run', '--json', '--kill-grace', '1s', '--', '-i', `file:${fifo}`, '-f', 'null', '-']);
    const spawned = await cli.waitForEvent('spawn');
    trackPid(spawned.pid as number);
    cli.child.kill('SIGTERM');
    const { code, stdout } = await cli.done;
    expect(code).toBe(143);
    expect(parseJsonLines(stdout).at(-1)).toMatchObject({ event: 'error', exitCode: 143, outcome: { reason: 'aborted' } });
    expect(await waitForProcessGone(spawned.pid as number, 2_000)).toBe(true);
  });

  // Debian's ffmpeg ignores SIGTERM while blocked reading a FIFO, so the first Ctrl-C leaves it
  // running for the whole kill grace; the second one must end the CLI at once.
  test.skipIf(SYSTEM_FFMPEG_PATH === undefined)('a second SIGINT exits at once with 130, and ffmpeg is killed with the CLI', async () => {
    const out = caseDir();
    const fifo = join(out, 'live.ts');
    openFds.push(openStuckFifo(fifo, Buffer.alloc(0)));
    const cli = startCli(
      ['run', '--json', '--ffmpeg', SYSTEM_FFMPEG_PATH as string, '--kill-grace', '60s', '--', '-i', `file:${fifo}`, '-f', 'null', '-'],
    );
    const spawned = await cli.waitForEvent('spawn');
    trackPid(spawned.pid as number);
    await waitUntilBlockedInPipeRead(spawned.pid as number); // deaf to SIGTERM from here on
    cli.child.kill('SIGINT');
    await cli.waitForEvent('signal');
    cli.child.kill('SIGINT');
    const { code, stdout } = await cli.done;
    expect(code).toBe(130);
    // It did not wait for the run to settle: no final error event.
    expect(parseJsonLines(stdout).map((event) => event.event)).toEqual(['spawn', 'signal']);
    expect(await waitForProcessGone(spawned.pid as number, 2_000)).toBe(true);
  });
});

/** Runs `file args` with `input` on stdin (a pipe) and resolves with its stdout bytes, exit code and stderr. */
function runWithPipes(file: string, args: readonly string[], input: Buffer | undefined, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(file, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  trackPid(child.pid);
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.on('error', () => {});
  child.stdin?.end(input);
  return new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolveRun) =>
    child.on('close', (code) => resolveRun({ code, stdout: Buffer.concat(out), stderr })),
  );
}

describe('run with media on stdin and stdout (issue 14)', () => {
  test.each(FFMPEG_BINARIES.filter((binary) => binary.path !== undefined))(
    "'-' on stdout: the bytes are identical to raw ffmpeg's ($name)",
    async ({ path: ffmpegPath }) => {
      const ffmpegArgs = ['-v', 'error', '-i', `file:${parts[0]}`, '-map', '0', '-c', 'copy', '-f', 'mpegts', '-'];
      const raw = await runWithPipes(ffmpegPath as string, ffmpegArgs, undefined, STATIC_BUILD_ENV);
      const viaCli = await runWithPipes(process.execPath, [CLI, 'run', '--ffmpeg', ffmpegPath as string, '--', ...ffmpegArgs], undefined);
      expect(raw.code).toBe(0);
      expect(viaCli.code).toBe(0);
      expect(raw.stdout.length).toBeGreaterThan(50_000);
      expect(viaCli.stdout.equals(raw.stdout)).toBe(true);
      expect(viaCli.stderr).toMatch(/done: ffmpeg completed/); // the display stays on stderr
    },
  );

  test.each(FFMPEG_BINARIES.filter((binary) => binary.path !== undefined))(
    "'-i -' reads stdin: piped in and out, the same bytes as raw ffmpeg fed the same way ($name)",
    async ({ path: ffmpegPath }) => {
      const input = readFileSync(parts[0] as string);
      const ffmpegArgs = ['-v', 'error', '-f', 'mpegts', '-i', '-', '-map', '0', '-c', 'copy', '-f', 'mpegts', 'pipe:1'];
      const raw = await runWithPipes(ffmpegPath as string, ffmpegArgs, input, STATIC_BUILD_ENV);
      const viaCli = await runWithPipes(process.execPath, [CLI, 'run', '--ffmpeg', ffmpegPath as string, '--', ...ffmpegArgs], input);
      expect(raw.code).toBe(0);
      expect(viaCli.code).toBe(0);
      expect(raw.stdout.length).toBeGreaterThan(50_000);
      expect(viaCli.stdout.equals(raw.stdout)).toBe(true);
    },
  );

  test("'-i -' with a file output: stdin reaches ffmpeg, the file is written", async () => {
    const out = join(caseDir(), 'from-stdin.ts');
    const input = readFileSync(parts[1] as string);
    const run = await runWithPipes(process.execPath, [CLI, 'run', '--json', '--ffmpeg', ANY_FFMPEG as string, '--', '-i', '-', '-c', 'copy', '-f', 'mpegts', `file:${out}`], input);
    expect(run.code).toBe(0);
    expect(parseJsonLines(run.stdout.toString()).at(-1)).toMatchObject({ event: 'result', exitCode: 0 });
    expect(readFileSync(out).length).toBeGreaterThan(50_000);
  });
});

describe('doctor', () => {
  test('reports the binaries it found, what it skipped and why; exit 0 when both run', async () => {
    const { code, stdout } = await startCli(['doctor', '--json'], { ...process.env, FFMPEG_PATH: '', FFPROBE_PATH: '' }).done;
    const report = JSON.parse(stdout) as { event: string; ok: boolean; ffmpeg: { path: string; candidates: Array<{ label: string; status: string }> } };
    expect(code).toBe(0);
    expect(report).toMatchObject({ event: 'doctor', ok: true });
    expect(report.ffmpeg.candidates.map((candidate) => [candidate.label, candidate.status])).toEqual([
      ['$FFMPEG_PATH', 'not_set'],
      ['@ffmpeg-installer/ffmpeg', 'usable'],
    ]);
  });

  test('an ffprobe that crashes → exit 5, and the text says why', async () => {
    const bin = caseDir();
    writeFileSync(join(bin, 'ffprobe'), '#!/bin/sh\nkill -SEGV $$\n');
    chmodSync(join(bin, 'ffprobe'), 0o755);
    const { code, stdout } = await startCli(['doctor', '--ffprobe', join(bin, 'ffprobe')]).done;
    expect(code).toBe(5);
    expect(stdout).toContain(`ffprobe: none usable\n  ffprobePath option: skipped: crashed on \`-version\` (killed by SIGSEGV)\n`);
  });
});
