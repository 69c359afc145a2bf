import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type Job, Queue, Worker } from 'bullmq';
import type { FfmpegOutcome } from 'ffmpeg-supervisor';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { abortJobsOnClose } from '../../../src/integrations/bullmq/abort-on-close.js';
import { kindOfFailureReason } from '../../../src/integrations/bullmq/failure-reason.js';
import { createRemuxProcessor } from '../../../src/integrations/bullmq/remux-processor.js';
import { createFakeFfmpeg, type FakeFfmpeg, scenarios } from '../../../src/testing/index.js';
import type { FakeFfmpegScenario } from '../../../src/testing/index.js';
import { createTempDir, removeTempDir } from '../../helpers/media.js';
import { killTracked, trackPid } from '../../helpers/processes.js';
import { descendantsOf, isStillAlive, type ProcessInfo } from './procs.js';
import { REDIS_SERVER_PATH, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from './redis-server.js';

/** Cleanup after a test that may have failed with jobs running: abort them, then close. */
async function stopWorker(worker: Worker): Promise<void> {
  worker.cancelAllJobs('test cleanup');
  await worker.close();
}

/** ffmpeg writing part of its output, then making progress for ever (a long remux). */
const LONG_REMUX: FakeFfmpegScenario = { steps: [{ advance: { count: 2, everyMs: 20 } }, { writeOutputText: 'partial' }, { advance: { count: 100_000, everyMs: 50 } }] };

describe.skipIf(!REDIS_SERVER_PATH)(`cancelling jobs and closing a worker${REDIS_SKIP_NOTE}`, () => {
  let redis: RedisServer;
  let dir: string;
  let input: string;
  let outDir: string;
  let queueCount = 0;
  const fakes: FakeFfmpeg[] = [];
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = createTempDir('ffsup-bullmq-cancel-');
    input = path.join(dir, 'recording.ts');
    (await import('node:fs')).writeFileSync(input, 'the fake ffprobe describes it');
  }, 30_000);

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await killTracked();
    for (const fake of fakes.splice(0)) fake.cleanup();
  });

  afterAll(async () => {
    await redis?.stop();
    removeTempDir(dir);
  });

  const connection = () => ({ host: redis.host, port: redis.port, maxRetriesPerRequest: null });
  const fake = (scenario: FakeFfmpegScenario) => {
    const created = createFakeFfmpeg(scenario);
    fakes.push(created);
    return created;
  };

  /** A queue, and a worker on it whose ladder plays `job.data.play`; collects every attempt's outcome. */
  function setup(plays: Record<string, FakeFfmpeg>, concurrency = 1) {
    const name = `cancel-${(queueCount += 1)}`;
    outDir = path.join(dir, name);
    mkdirSync(outDir);
    const queue = new Queue(name, { connection: connection() });
    const outcomes: FfmpegOutcome[] = [];
    const processor = createRemuxProcessor({
      ladder: (job) => {
        const binary = (plays[(job.data as { play: string }).play] as FakeFfmpeg).path;
        return { ffmpegPath: binary, ffprobePath: binary, killGraceMs: 300, stallTimeoutMs: 10_000, startupGraceMs: 10_000 };
      },
      onLadder: (ladder) => ladder.on('attemptEnd', (attempt) => outcomes.push(attempt.outcome)),
    });
    const worker = new Worker(name, processor, { connection: connection(), concurrency, drainDelay: 1 });
    closers.push(() => queue.close(), () => stopWorker(worker));
    const add = (play: string, index = 0) =>
      queue.add(play, { play, inputs: [input], output: path.join(outDir, `${play}-${index}.mp4`) }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    return { queue, worker, outcomes, add, name };
  }

  /** Resolves once `count` distinct jobs reported progress to the worker. */
  const progressOf = (worker: Worker, count: number) =>
    new Promise<void>((resolve) => {
      const seen = new Set<string>();
      const onProgress = (job: Job) => {
        seen.add(job.id as string);
        if (seen.size < count) return;
        worker.off('progress', onProgress);
        resolve();
      };
      worker.on('progress', onProgress);
    });

  /** The fake ffmpeg processes running below this test process for `fakes`. */
  function runningFakes(...played: FakeFfmpeg[]): ProcessInfo[] {
    const found = descendantsOf([process.pid]).filter((info) => info.cmdline.includes('-progress') && played.some((one) => info.cmdline.includes(one.scenarioPath)));
    for (const info of found) trackPid(info.pid);
    return found;
  }

  const tempFiles = () => readdirSync(outDir).filter((file) => file.startsWith('.'));

  /** Polls until `count` temp files exist (the fake writes its partial output after its first blocks). */
  async function waitForTempFiles(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (tempFiles().length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} temp files, found ${tempFiles().join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test('worker.cancelJob(): ffmpeg stopped (SIGTERM was enough) and reaped, temp file removed, the job failed after one attempt as `aborted`', async () => {
    const long = fake(LONG_REMUX);
    const { worker, outcomes, add, queue } = setup({ long });
    const running = progressOf(worker, 1);
    const job = await add('long');
    await running;
    const [ffmpeg] = runningFakes(long);
    expect(ffmpeg).toBeDefined();
    await waitForTempFiles(1); // the partial output, in the ladder's temp file

    const failed = new Promise<Job>((resolve) => worker.once('failed', (failedJob) => resolve(failedJob as Job)));
    expect(worker.cancelJob(job.id as string, 'the user deleted the recording')).toBe(true);
    await failed;

    expect(isStillAlive(ffmpeg as ProcessInfo)).toBe(false); // reaped before the processor returned
    expect(tempFiles()).toEqual([]);
    expect(outcomes).toMatchObject([{ reason: 'aborted', forcedKill: false }]);
    const stored = (await queue.getJob(job.id as string)) as Job;
    expect(await stored.getState()).toBe('failed');
    expect(stored.attemptsMade).toBe(1); // attempts: 3, yet not retried: the host cancelled it
    expect(kindOfFailureReason(stored.failedReason)).toBe('aborted');
  });

  test('worker.close() with abortJobsOnClose: both running ffmpegs stopped in steps and reaped, temp files removed, jobs back in wait with no attempt counted', async () => {
    const long = fake(LONG_REMUX);
    const stubborn = fake(scenarios.ignoresSigterm(LONG_REMUX));
    const { worker, outcomes, add, queue, name } = setup({ long, stubborn }, 2);
    abortJobsOnClose(worker);
    const running = progressOf(worker, 2);
    const jobs = [await add('long'), await add('stubborn')];
    await running;
    const ffmpegs = runningFakes(long, stubborn);
    expect(ffmpegs).toHaveLength(2);
    await waitForTempFiles(2);

    await worker.close();

    expect(ffmpegs.filter(isStillAlive)).toEqual([]);
    expect(tempFiles()).toEqual([]);
    // One stopped by SIGTERM; the one that ignores it by SIGKILL after killGraceMs.
    expect(outcomes.map((outcome) => [outcome.reason, outcome.forcedKill]).sort()).toEqual([['aborted', false], ['aborted', true]]);
    for (const job of jobs) {
      const stored = (await queue.getJob(job.id as string)) as Job;
      expect(await stored.getState()).toBe('waiting');
      expect(stored.attemptsMade).toBe(0);
      expect(stored.failedReason ?? '').toBe('');
    }

    // Another worker takes them from the queue and completes them.
    const completes = fake(scenarios.completes({ outputText: 'mp4' }));
    const next = new Worker(name, createRemuxProcessor({ ladder: { ffmpegPath: completes.path, ffprobePath: completes.path } }), { connection: connection(), concurrency: 2, drainDelay: 1 });
    closers.push(() => stopWorker(next));
    const done = new Promise<void>((resolve) => {
      let count = 0;
      next.on('completed', () => (count += 1) === 2 && resolve());
    });
    await done;
    for (const job of jobs) {
      const stored = (await queue.getJob(job.id as string)) as Job;
      expect(await stored.getState()).toBe('completed');
      expect(stored.attemptsMade).toBe(1);
    }
  });

  test('worker.close() alone (BullMQ’s default) lets the running job finish', async () => {
    const short = fake(scenarios.completes({ blocks: 10, everyMs: 50, outputText: 'mp4' }));
    const { worker, add, queue } = setup({ short });
    const running = progressOf(worker, 1);
    const job = await add('short');
    await running;
    await worker.close();
    expect(await ((await queue.getJob(job.id as string)) as Job).getState()).toBe('completed');
  });
});
