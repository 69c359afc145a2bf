import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FfmpegProgress } from '../../src/supervisor/progress-parser.js';
import { resolveFfmpegPath, resolveFfprobePath } from '../../src/supervisor/resolve-path.js';
import { FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { isProcessAlive } from '../helpers/processes.js';
import { rejectionOf } from '../helpers/rejection.js';

// Blocked in read() on a FIFO while still probing the input, Debian's 5.1 ignores SIGTERM
// (SA_RESTART) and needs SIGKILL; the 2018 static build exits on that SIGTERM. (Once it is past
// probing and blocked mid-run, the 2018 build ignores SIGTERM as well: the demo shows it.)
const binaries = [
  { name: 'npm static build', path: resolveFfmpegPath(), ignoresSigtermInRead: false },
  { name: 'Debian ffmpeg', path: '/usr/bin/ffmpeg', ignoresSigtermInRead: true },
].filter((binary) => existsSync(binary.path));

let dir: string;
let source: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ffsup-real-'));
  source = join(dir, 'source.ts');
  execFileSync(resolveFfmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=duration=4:size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'ac3', '-f', 'mpegts', source,
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(binaries)('real ffmpeg ($name)', ({ path: ffmpegPath, ignoresSigtermInRead }) => {
  test('a copy remux to MP4 completes, with progress events ending in done', async () => {
    const output = join(dir, `copy-${Date.now()}.mp4`);
    const supervisor = new FfmpegSupervisor({
      ffmpegPath,
      args: ['-hide_banner', '-y', '-i', `file:${source}`, '-c:v', 'copy', '-c:a', 'aac', '-f', 'mp4', `file:${output}`],
      expectedDurationUs: 4_000_000,
      stallTimeoutMs: 20_000,
    });
    const progress: FfmpegProgress[] = [];
    supervisor.on('progress', (block) => progress.push(block));
    const outcome = await supervisor.run();
    expect(outcome).toMatchObject({ reason: 'completed', exitCode: 0, signal: null, forcedKill: false, progressEnded: true });
    expect(progress.at(-1)).toMatchObject({ done: true, percent: expect.any(Number) });
    expect(progress.at(-1)?.outTimeUs).toBeGreaterThan(3_000_000);
    expect(outcome.args.slice(0, 3)).toEqual(['-nostdin', '-progress', 'pipe:3']);
    const probe = JSON.parse(
      execFileSync(resolveFfprobePath(), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', output], {
        encoding: 'utf8',
      }),
    ) as { format: { duration: string }; streams: Array<{ codec_name: string }> };
    expect(probe.streams.map((stream) => stream.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(probe.format.duration)).toBeCloseTo(4, 0);
  });

  test('an invalid option fails with exit 1 and the stderr tail naming it; no stall', async () => {
    const supervisor = new FfmpegSupervisor({ ffmpegPath, args: ['-no_such_option_here', '1'], stallTimeoutMs: 5_000 });
    let stalls = 0;
    supervisor.on('stall', () => (stalls += 1));
    const error = await rejectionOf(supervisor.run());
    expect(error.code).toBe('ERR_FFMPEG_EXIT');
    expect(error.outcome).toMatchObject({ reason: 'failed', exitCode: 1 });
    expect(error.outcome?.stderrTail).toMatch(/no_such_option_here/);
    expect(stalls).toBe(0);
  });

  test('reading a FIFO that stops being fed: called stalled, stopped (SIGKILL where SIGTERM is ignored), reaped', async () => {
    const fifo = join(dir, `stuck-${Date.now()}.ts`);
    execFileSync('mkfifo', [fifo]);
    const output = join(dir, `stuck-${Date.now()}.mp4`);
    const supervisor = new FfmpegSupervisor({
      ffmpegPath,
      args: ['-hide_banner', '-y', '-i', `file:${fifo}`, '-c', 'copy', '-f', 'mp4', `file:${output}`],
      stallTimeoutMs: 1_500,
      startupGraceMs: 500,
      killGraceMs: 1_000,
    });
    const writerOpened = open(fifo, 'w'); // completes once ffmpeg opens the read end
    const run = rejectionOf(supervisor.run());
    const writer = await writerOpened;
    await writer.write(readFileSync(source).subarray(0, 64 * 1024)); // a little input, then nothing more
    const stalls: unknown[] = [];
    supervisor.on('stall', (stall) => stalls.push(stall));
    const error = await run;
    await writer.close();
    expect(error.code).toBe('ERR_FFMPEG_STALLED');
    expect(error.outcome).toMatchObject({ reason: 'stalled', forcedKill: ignoresSigtermInRead });
    if (ignoresSigtermInRead) expect(error.outcome?.signal).toBe('SIGKILL');
    else expect(error.outcome?.stderrTail).toMatch(/received signal 15/);
    expect(stalls).toHaveLength(1);
    expect(isProcessAlive(error.outcome?.pid ?? -1)).toBe(false);
  });
});

