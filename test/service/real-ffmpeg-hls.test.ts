import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FfmpegService, type FfmpegServiceOptions, type ServiceOutcome } from '../../src/service/index.js';
import { generateLiveTs, type LiveSource, startLiveSource, waitFor } from '../helpers/live-source.js';
import { createTempDir, FFMPEG_BINARIES, removeTempDir, STATIC_BUILD_ENV, SYSTEM_FFPROBE_PATH, NPM_FFPROBE_PATH } from '../helpers/media.js';
import { isProcessAlive, killTracked, trackPid } from '../helpers/processes.js';

// Real ffmpeg on a real-time HTTP source: short stall timeouts and delays, generous waits.
// Both builds support what these tests use: `-analyzeduration`, the hls muxer's `append_list`,
// and a first SIGTERM/SIGINT that finishes the output (the trailer, `#EXT-X-ENDLIST`).

let dir: string;
let tsFile: string;
let source: LiveSource | undefined;
let service: FfmpegService | undefined;

beforeAll(async () => {
  dir = createTempDir('ffsup-service-');
  tsFile = await generateLiveTs(dir);
});

afterEach(async () => {
  await service?.stop();
  service = undefined;
  await source?.close();
  source = undefined;
  await killTracked();
});

afterAll(() => removeTempDir(dir));

/** A service with every event of interest recorded, in real ms since its start, and every pid tracked. */
function serve(options: FfmpegServiceOptions) {
  const created = new FfmpegService(options);
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  const log = {
    starts: [] as Array<{ at: number; attempt: number }>,
    exits: [] as Array<{ at: number; attempt: number; reason: string }>,
    restarts: [] as Array<{ at: number; attempt: number; reason: string; delayMs: number }>,
    stalls: [] as number[],
    pids: [] as number[],
    ups: 0,
    lastUpAt: 0,
    now: at,
  };
  created.on('start', ({ attempt }) => log.starts.push({ at: at(), attempt }));
  created.on('spawn', ({ pid }) => log.pids.push(trackPid(pid)));
  created.on('exit', ({ attempt, reason }) => log.exits.push({ at: at(), attempt, reason }));
  created.on('restart', ({ attempt, reason, delayMs }) => log.restarts.push({ at: at(), attempt, reason, delayMs }));
  created.on('stall', ({ attempt }) => log.stalls.push(attempt));
  created.on('up', () => {
    log.ups += 1;
    log.lastUpAt = at();
  });
  service = created;
  return { service: created, log };
}

/** The segments the playlist lists, and whether it is finished. */
function readPlaylist(path: string): { segments: string[]; ended: boolean; lastLine: string | undefined } {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // not written yet
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return { segments: lines.filter((line) => line.endsWith('.ts')), ended: lines.includes('#EXT-X-ENDLIST'), lastLine: lines.at(-1) };
}

function probeDurationSec(path: string): number {
  const ffprobe = SYSTEM_FFPROBE_PATH ?? NPM_FFPROBE_PATH;
  if (ffprobe === undefined) throw new Error('no ffprobe');
  const out = execFileSync(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', `file:${path}`], { env: STATIC_BUILD_ENV, encoding: 'utf8' });
  return Number(out.trim());
}

/** Every start and restart gap honours the announced delay (timers never fire early; 2 ms for rounding). */
function expectDelaysHonoured(log: ReturnType<typeof serve>['log']): void {
  for (const restart of log.restarts) {
    const exit = log.exits.find((entry) => entry.attempt === restart.attempt - 1);
    const start = log.starts.find((entry) => entry.attempt === restart.attempt);
    if (exit === undefined || start === undefined) continue; // stopped during this delay
    expect(start.at - exit.at).toBeGreaterThanOrEqual(restart.delayMs - 2);
  }
}

const live = {
  stallTimeoutMs: 2_000,
  startupGraceMs: 8_000,
  killGraceMs: 1_000,
  restartOn: ['stalled', 'failed', 'completed'],
} as const;
const inputArgs = (url: string) => ['-hide_banner', '-loglevel', 'warning', '-y', '-analyzeduration', '500000', '-i', url, '-c', 'copy'];

describe.each(FFMPEG_BINARIES.filter((binary) => binary.path !== undefined))('FfmpegService on real ffmpeg ($name)', ({ path: ffmpegPath }) => {
  test('HLS from a live HTTP source that pauses, drops and comes back: stall, backoff, segments again, ENDLIST on stop', async () => {
    source = await startLiveSource(tsFile);
    const out = join(dir, `hls-${Date.now()}`);
    execFileSync('mkdir', ['-p', out]);
    const playlist = join(out, 'live.m3u8');
    const liveSource = source;
    const { service, log } = serve({
      ffmpegPath,
      ...live,
      args: [...inputArgs(liveSource.url), '-f', 'hls', '-hls_time', '1', '-hls_list_size', '0', '-hls_flags', 'append_list',
        '-hls_segment_filename', join(out, 'seg-%05d.ts'), playlist],
      backoff: { initialDelayMs: 300, factor: 2, maxDelayMs: 2_400, jitter: 0 },
      resetAfterMs: 3_000,
      maxRestarts: { count: 20, windowMs: 120_000 },
    });
    // The source goes down as soon as the stall is called: the stalled ffmpeg loses its
    // connection and the next starts are refused.
    service.once('stall', () => void liveSource.refuse());
    const run = service.run();

    await waitFor(() => readPlaylist(playlist).segments.length >= 2, 30_000, 'two segments from the first attempt');
    liveSource.pause();
    await waitFor(() => log.restarts.filter((restart) => restart.reason === 'failed').length >= 2, 30_000, 'two refused restarts');
    liveSource.resume();
    await liveSource.restore();
    const segmentsWhenBack = readPlaylist(playlist).segments.length;
    await waitFor(() => readPlaylist(playlist).segments.length >= segmentsWhenBack + 4, 30_000, 'segments after the source came back');
    // Once up for longer than resetAfterMs, the attempt was healthy: an input that ends now restarts at the first step again.
    await waitFor(() => log.now() - log.lastUpAt > 4_000, 30_000, 'a healthy uptime');
    const restartsBefore = log.restarts.length;
    liveSource.drop();
    await waitFor(() => log.restarts.length > restartsBefore, 15_000, 'the restart after the source dropped the connection');
    const upsBefore = log.ups;
    await waitFor(() => log.ups > upsBefore && readPlaylist(playlist).segments.length >= segmentsWhenBack + 6, 30_000, 'segments after the drop');

    const outcome: ServiceOutcome = await service.stop();
    expect(await run).toBe(outcome);
    expect(outcome.reason).toBe('stopped');
    expect(log.stalls).toEqual([1]);
    expect(log.restarts[0]).toMatchObject({ attempt: 2, reason: 'stalled', delayMs: 300 });
    expect(log.restarts[1]).toMatchObject({ reason: 'failed', delayMs: 600 });
    expect(log.restarts[2]).toMatchObject({ reason: 'failed', delayMs: 1_200 });
    expect(log.restarts.at(-1)).toMatchObject({ reason: 'completed', delayMs: 300 });
    expectDelaysHonoured(log);
    expect(outcome.lastAttempt).toMatchObject({ endReason: 'stopped', outcome: { reason: 'aborted', forcedKill: false } });
    const final = readPlaylist(playlist);
    expect(final.lastLine).toBe('#EXT-X-ENDLIST');
    expect(final.segments.length).toBeGreaterThanOrEqual(segmentsWhenBack + 6);
    for (const pid of log.pids) expect(isProcessAlive(pid)).toBe(false);
  }, 120_000);

  test('MP4, a new file per attempt: an input that ended restarts, and stop() leaves a readable file with its moov', async () => {
    source = await startLiveSource(tsFile);
    const liveSource = source;
    const base = join(dir, `rec-${Date.now()}`);
    const { service, log } = serve({
      ffmpegPath,
      ...live,
      args: ({ attempt }) => [...inputArgs(liveSource.url), '-f', 'mp4', `file:${base}-${attempt}.mp4`],
      backoff: { initialDelayMs: 200, jitter: 0 },
    });
    let outTimeUs = 0;
    service.on('progress', (progress) => (outTimeUs = progress.outTimeUs ?? outTimeUs));
    const run = service.run();
    await waitFor(() => outTimeUs >= 2_000_000, 30_000, 'two seconds written by attempt 1');
    liveSource.drop();
    await waitFor(() => log.starts.length === 2 && log.ups === 2 && outTimeUs >= 2_000_000, 30_000, 'two seconds written by attempt 2');
    const outcome = await service.stop();
    expect(await run).toBe(outcome);
    expect(log.restarts).toEqual([expect.objectContaining({ attempt: 2, reason: 'completed', delayMs: 200 })]);
    expect(outcome.lastAttempt?.outcome).toMatchObject({ reason: 'aborted', exitCode: 255, forcedKill: false, progressEnded: true });
    expect(probeDurationSec(`${base}-1.mp4`)).toBeGreaterThan(1.5);
    expect(probeDurationSec(`${base}-2.mp4`)).toBeGreaterThan(1.5);
    for (const pid of log.pids) expect(isProcessAlive(pid)).toBe(false);
  }, 90_000);
});
