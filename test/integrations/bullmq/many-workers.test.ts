import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { RemuxLadderOptions } from 'ffmpeg-supervisor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { kindOfFailureReason } from '../../../src/integrations/bullmq/failure-reason.js';
import { createFakeFfmpeg, type FakeFfmpeg, scenarios } from '../../../src/testing/index.js';
import { NON_MONOTONIC_DTS } from '../../../src/testing/index.js';
import { createTempDir, generateTs, NPM_FFMPEG_PATH, NPM_FFPROBE_PATH, removeTempDir, SYSTEM_FFMPEG_PATH, SYSTEM_FFPROBE_PATH } from '../../helpers/media.js';
import { type RoutedFake, routeFakesByArgs } from '../../helpers/route-fakes.js';
import { descendantsOf, type ProcessInfo, waitUntilGone, watchDescendants } from './procs.js';
import { REDIS_SERVER_PATH, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from './redis-server.js';
import { startWorkerProcess, type WorkerProcess } from './worker-processes.js';

const REAL_FFMPEG = SYSTEM_FFMPEG_PATH ?? NPM_FFMPEG_PATH;
const REAL_FFPROBE = SYSTEM_FFPROBE_PATH ?? NPM_FFPROBE_PATH;

/** tsx (which runs the worker script) keeps an esbuild service process beside each worker. */
const isNotTsxService = (info: ProcessInfo): boolean => !/\/esbuild --service/.test(info.cmdline);

/** How each kind of job must end, per the default retry policy (jobs are added with attempts: 2). */
const EXPECTED = {
  real: { count: 6, state: 'completed', attemptsMade: 1 },
  dts: { count: 5, state: 'completed', attemptsMade: 1 },
  transient: { count: 4, state: 'completed', attemptsMade: 2 },
  stall: { count: 4, state: 'failed', attemptsMade: 1, kind: 'stalled' },
  spawn_failure: { count: 3, state: 'failed', attemptsMade: 2, kind: 'spawn_failed' },
  abort: { count: 3, state: 'failed', attemptsMade: 1, kind: 'aborted' },
  unsupported: { count: 3, state: 'failed', attemptsMade: 1, kind: 'codec_unsupported' },
  missing: { count: 2, state: 'failed', attemptsMade: 1, kind: 'bad_input' },
} as const;
type Play = keyof typeof EXPECTED;

describe.skipIf(!REDIS_SERVER_PATH)(`30 mixed remux jobs through 3 worker processes on a real Redis${REDIS_SKIP_NOTE}`, () => {
  let redis: RedisServer;
  let dir: string;
  let outDir: string;
  let input: string;
  const fakes: FakeFfmpeg[] = [];
  let router: RoutedFake;
  let workers: WorkerProcess[] = [];
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = createTempDir('ffsup-bullmq-many-');
    outDir = path.join(dir, 'out');
    mkdirSync(outDir);
    input = await generateTs(dir, 'recording.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 2 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    await events?.close();
    await queue?.close();
    await redis?.stop();
    for (const fake of fakes) fake.cleanup();
    router?.cleanup();
    removeTempDir(dir);
  });

  test('every job ends as the mapping says, progress reaches QueueEvents, no temp file and no ffmpeg is left', async () => {
    const fake = (scenario: Parameters<typeof createFakeFfmpeg>[0]) => {
      const created = createFakeFfmpeg(scenario);
      fakes.push(created);
      return created.path;
    };
    const writesOutput = scenarios.completes({ blocks: 3, everyMs: 20, outputText: 'an mp4, as far as the fake ffprobe can tell' });
    router = routeFakesByArgs([{ marker: 'asetpts=PTS-STARTPTS,aresample=async=1000:first_pts=0,aformat=channel_layouts=stereo', scenario: scenarios.failsWith({ stderr: [NON_MONOTONIC_DTS, 'Conversion failed!'] }) }], writesOutput);
    const completes = fake(writesOutput);
    const crashes = fake(scenarios.crashes('SIGKILL', { blocks: 2, everyMs: 20 }));
    const stalls = fake(scenarios.progressThenHang({ blocks: 2, everyMs: 20 }));
    const endless = fake({ steps: [{ advance: { count: 2, everyMs: 20 } }, { writeOutputText: 'partial' }, { advance: { count: 100_000, everyMs: 100 } }] });
    // A codec ffprobe names but this ffmpeg cannot decode: the attempt says so, and nothing climbs.
    const undecodable = fake({ ...scenarios.failsWith({ stderr: ['Decoder (codec avs3) not found for input stream #0:0'], exitCode: 1 }), probe: { videoCodec: 'avs3' } });
    const common: RemuxLadderOptions = { killGraceMs: 1_000, startupGraceMs: 10_000 };
    const both = (binary: string): RemuxLadderOptions => ({ ...common, ffmpegPath: binary, ffprobePath: binary, stallTimeoutMs: 10_000 });
    const plays: Record<Play, RemuxLadderOptions | RemuxLadderOptions[]> = {
      real: { ...common, ffmpegPath: REAL_FFMPEG, ffprobePath: REAL_FFPROBE, stallTimeoutMs: 10_000 },
      missing: { ...common, ffmpegPath: REAL_FFMPEG, ffprobePath: REAL_FFPROBE },
      dts: both(router.path),
      transient: [both(crashes), both(completes)],
      stall: { ...both(stalls), stallTimeoutMs: 300 },
      spawn_failure: { ...common, ffmpegPath: path.join(dir, 'no-such-ffmpeg'), ffprobePath: completes },
      abort: both(endless),
      unsupported: both(undecodable),
    };

    const name = 'many';
    const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
    queue = new Queue(name, { connection });
    events = new QueueEvents(name, { connection });
    await events.waitUntilReady();
    workers = await Promise.all(
      [1, 2, 3].map(() => startWorkerProcess({ redis, queue: name, concurrency: 2, lockDurationMs: 10_000, stalledIntervalMs: 10_000, plays })),
    );
    const watcher = watchDescendants(() => workers.map((worker) => worker.pid));

    // Cancel each `abort` job on its first progress: ffmpeg is running then. Only its worker holds it.
    const plan = (Object.keys(EXPECTED) as Play[]).flatMap((play) => Array.from({ length: EXPECTED[play].count }, (_, index) => ({ play, index })));
    const playOf = new Map<string, Play>();
    const progress = new Map<string, Array<Record<string, unknown>>>();
    const cancels: Array<Promise<boolean[]>> = [];
    events.on('progress', ({ jobId, data }) => {
      const seen = progress.get(jobId) ?? [];
      progress.set(jobId, [...seen, data as Record<string, unknown>]);
      if (playOf.get(jobId) === 'abort' && seen.length === 0) cancels.push(Promise.all(workers.map((worker) => worker.cancel(jobId))));
    });

    const jobs = await queue.addBulk(
      plan.map(({ play, index }) => ({
        name: play,
        data: { play, inputs: [play === 'missing' ? path.join(dir, 'gone.ts') : input], output: path.join(outDir, `${play}-${index}.mp4`) },
        opts: { attempts: 2, backoff: { type: 'fixed', delay: 100 } },
      })),
    );
    for (const [position, job] of jobs.entries()) playOf.set(job.id as string, (plan[position] as { play: Play }).play);
    expect(jobs).toHaveLength(30);

    const deadline = Date.now() + 100_000;
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'failed');
      if ((counts.completed ?? 0) + (counts.failed ?? 0) === 30) break;
      if (Date.now() > deadline) throw new Error(`jobs did not finish: ${JSON.stringify(await queue.getJobCounts())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Every job in the state the mapping says, with the attempts it says.
    for (const added of jobs) {
      const job = (await queue.getJob(added.id as string)) as Job;
      const play = playOf.get(job.id as string) as Play;
      const expected = EXPECTED[play];
      const state = await job.getState();
      expect({ play, state, attemptsMade: job.attemptsMade }).toEqual({ play, state: expected.state, attemptsMade: expected.attemptsMade });
      if ('kind' in expected) {
        expect(kindOfFailureReason(job.failedReason)).toBe(expected.kind);
        expect(existsSync(job.data.output)).toBe(false);
      } else {
        expect(job.returnvalue).toMatchObject({ output: job.data.output, strategy: play === 'dts' ? 'fallback' : 'default' });
        expect(existsSync(job.data.output)).toBe(true);
      }
      if (play === 'dts') expect(job.returnvalue.attempts.map((attempt: { kind: string }) => attempt.kind)).toEqual(['non_monotonic_dts', 'none']);
      if (play === 'stall') expect(job.failedReason).toMatch(/^stalled: .*\n--- ffmpeg stderr/s);
    }
    expect((await Promise.all(cancels)).map((found) => found.filter(Boolean).length)).toEqual([1, 1, 1]);

    // Progress seen by a QueueEvents listener: for every job that ran ffmpeg, with the strategy and media time.
    for (const job of jobs) {
      const play = playOf.get(job.id as string) as Play;
      if (play === 'missing' || play === 'unsupported' || play === 'spawn_failure') {
        expect(progress.get(job.id as string)).toBeUndefined();
        continue;
      }
      const payloads = progress.get(job.id as string) ?? [];
      expect(payloads.length, `${play} job ${job.id}`).toBeGreaterThan(0);
      expect(payloads[0]).toMatchObject({ strategy: expect.any(String), outTimeUs: expect.any(Number) });
      if (play === 'real') expect(payloads.at(-1)).toMatchObject({ strategy: 'default', percent: expect.any(Number) });
    }

    // No temp file beside any output; no ffmpeg (or ffprobe) below any worker, and none of those seen is alive.
    expect(readdirSync(outDir).filter((file) => file.startsWith('.'))).toEqual([]);
    watcher.stop();
    const seen: ProcessInfo[] = [...watcher.seen.values()].filter(isNotTsxService);
    expect(seen.some((info) => info.cmdline.includes(REAL_FFMPEG as string))).toBe(true);
    expect(seen.some((info) => info.cmdline.includes('fake-ffmpeg-process'))).toBe(true);
    expect(await waitUntilGone(seen, 5_000)).toEqual([]);
    expect(descendantsOf(workers.map((worker) => worker.pid)).filter(isNotTsxService)).toEqual([]);
  }, 150_000);
});
