import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FfmpegService } from '../../src/service/index.js';
import { generateLiveTs, type LiveSource, refusedPort, startLiveSource, waitFor } from '../helpers/live-source.js';
import { createTempDir, FFMPEG_BINARIES, removeTempDir } from '../helpers/media.js';
import { isProcessAlive, killTracked, trackPid } from '../helpers/processes.js';

// Real ffmpeg against a source that goes away for good, and one that refuses every connection
// (ffmpeg exits at once): the restarts are spaced by the backoff, never a busy loop.

let dir: string;
let tsFile: string;
let source: LiveSource | undefined;
let service: FfmpegService | undefined;

beforeAll(async () => {
  dir = createTempDir('ffsup-service-restarts-');
  tsFile = await generateLiveTs(dir, 20);
});

afterEach(async () => {
  await service?.stop();
  service = undefined;
  await source?.close();
  source = undefined;
  await killTracked();
});

afterAll(() => removeTempDir(dir));

function record(created: FfmpegService) {
  service = created;
  const t0 = performance.now();
  const log = {
    starts: [] as number[],
    exits: [] as number[],
    delays: [] as number[],
    pids: [] as number[],
    ups: 0,
  };
  created.on('start', () => log.starts.push(performance.now() - t0));
  created.on('exit', () => log.exits.push(performance.now() - t0));
  created.on('spawn', ({ pid }) => log.pids.push(trackPid(pid)));
  created.on('restart', ({ delayMs }) => log.delays.push(delayMs));
  created.on('up', () => (log.ups += 1));
  return log;
}

const inputArgs = (url: string) => ['-hide_banner', '-loglevel', 'warning', '-y', '-analyzeduration', '500000', '-i', url, '-c', 'copy'];

describe.each(FFMPEG_BINARIES.filter((binary) => binary.path !== undefined))('FfmpegService on real ffmpeg ($name)', ({ path: ffmpegPath }) => {
  test('a source that never comes back: restarts within the budget, then gives up, listing the attempts; no process left', async () => {
    source = await startLiveSource(tsFile);
    const liveSource = source;
    const created = new FfmpegService({
      ffmpegPath,
      args: [...inputArgs(liveSource.url), '-f', 'mpegts', `file:${join(dir, `gone-${Date.now()}.ts`)}`],
      stallTimeoutMs: 2_000,
      startupGraceMs: 8_000,
      killGraceMs: 1_000,
      restartOn: ['stalled', 'failed', 'completed'],
      backoff: { initialDelayMs: 200, factor: 2, jitter: 0 },
      maxRestarts: { count: 3, windowMs: 60_000 },
    });
    const log = record(created);
    const giveUps: unknown[] = [];
    created.on('giveUp', (outcome) => giveUps.push(outcome));
    const run = created.run();
    await waitFor(() => log.ups === 1, 30_000, 'the first attempt to make progress');
    await liveSource.refuse();
    const outcome = await run;
    expect(outcome).toMatchObject({ reason: 'gave_up', attempts: 4, restarts: 3, budget: { count: 3, windowMs: 60_000 }, lastReason: 'failed' });
    expect(giveUps).toEqual([outcome]);
    expect(log.delays).toEqual([200, 400, 800]);
    expect(outcome.recentAttempts.map((attempt) => attempt.wasUp)).toEqual([true, false, false, false]);
    expect(outcome.recentAttempts.slice(1).map((attempt) => attempt.outcome.reason)).toEqual(['failed', 'failed', 'failed']);
    expect(outcome.lastAttempt?.outcome.stderrTail).toMatch(/Connection refused/);
    expect(log.pids).toHaveLength(4);
    for (const pid of log.pids) expect(isProcessAlive(pid)).toBe(false);
  }, 90_000);

  test('a source that refuses connections: ffmpeg exits at once, the starts are spaced by the backoff, and a stop in the delay ends at once', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}/live.ts`;
    const created = new FfmpegService({
      ffmpegPath,
      args: [...inputArgs(url), '-f', 'mpegts', `file:${join(dir, `refused-${Date.now()}.ts`)}`],
      backoff: { initialDelayMs: 200, factor: 2, maxDelayMs: 800, jitter: 0 },
      maxRestarts: { count: Number.POSITIVE_INFINITY },
    });
    const log = record(created);
    const run = created.run();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // Delays 200, 400, 800, 800, …: at most 6 starts in 3 s even if ffmpeg took no time at all
    // (0, 200, 600, 1400, 2200, 3000); a busy loop would have made hundreds.
    expect(log.starts.length).toBeGreaterThanOrEqual(2);
    expect(log.starts.length).toBeLessThanOrEqual(6);
    for (let index = 1; index < log.starts.length; index++) {
      const gap = (log.starts[index] as number) - (log.exits[index - 1] as number);
      expect(gap).toBeGreaterThanOrEqual((log.delays[index - 1] as number) - 2);
    }
    // Stop in the next delay: it ends at once, nothing is started again.
    await new Promise<void>((resolve) => created.once('restart', () => resolve()));
    const startsBefore = log.starts.length;
    const stopAt = performance.now();
    const outcome = await created.stop();
    expect(performance.now() - stopAt).toBeLessThan(1_000);
    expect(outcome).toMatchObject({ reason: 'stopped' });
    expect(outcome.lastAttempt?.outcome).toMatchObject({ reason: 'failed', exitCode: 1 });
    expect(outcome.lastAttempt?.outcome.stderrTail).toMatch(/Connection refused/);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(log.starts.length).toBe(startsBefore);
    for (const pid of log.pids) expect(isProcessAlive(pid)).toBe(false);
  }, 60_000);
});
