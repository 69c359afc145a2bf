import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { abortJobsOnClose } from '../../../src/integrations/bullmq/abort-on-close.js';
import { kindOfFailureReason } from '../../../src/integrations/bullmq/failure-reason.js';
import { createFfmpegProcessor } from '../../../src/integrations/bullmq/ffmpeg-processor.js';
import { createRemuxProcessor } from '../../../src/integrations/bullmq/remux-processor.js';
import { createFakeFfmpeg, type FakeFfmpeg, scenarios } from '../../../src/testing/index.js';
import type { FakeFfmpegScenario } from '../../../src/testing/index.js';
import { killTracked } from '../../helpers/processes.js';
import { REDIS_SERVER_PATH, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from './redis-server.js';

describe.skipIf(!REDIS_SERVER_PATH)(`createFfmpegProcessor: one supervised ffmpeg per job${REDIS_SKIP_NOTE}`, () => {
  let redis: RedisServer;
  let queueCount = 0;
  const fakes: FakeFfmpeg[] = [];
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await killTracked();
    for (const fake of fakes.splice(0)) fake.cleanup();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const connection = () => ({ host: redis.host, port: redis.port, maxRetriesPerRequest: null });

  /** A queue with QueueEvents and a worker whose supervisor runs `scenario`. */
  async function setup(scenario: FakeFfmpegScenario) {
    const fake = createFakeFfmpeg(scenario);
    fakes.push(fake);
    const name = `plain-${(queueCount += 1)}`;
    const queue = new Queue(name, { connection: connection() });
    const events = new QueueEvents(name, { connection: connection() });
    await events.waitUntilReady();
    const processor = createFfmpegProcessor({ supervisor: { ffmpegPath: fake.path, stallTimeoutMs: 300, startupGraceMs: 10_000, killGraceMs: 300 } });
    const worker = new Worker(name, processor, { connection: connection(), drainDelay: 1 });
    closers.push(
      () => queue.close(),
      () => events.close(),
      async () => {
        worker.cancelAllJobs('cleanup');
        await worker.close();
      },
    );
    const progress: Array<{ at: number; data: Record<string, unknown> }> = [];
    events.on('progress', ({ data }) => progress.push({ at: Date.now(), data: data as Record<string, unknown> }));
    return { queue, events, progress };
  }

  test('a completed run: returnvalue, and progress with percent at most once a second (real time, generous bounds)', async () => {
    // 2.5 s of progress blocks every 25 ms: 100 blocks, published at most once a second.
    const { queue, events, progress } = await setup(scenarios.completes({ blocks: 100, everyMs: 25, outTimeStepUs: 100_000 }));
    const started = Date.now();
    const job = await queue.add('run', { args: ['-i', 'file:in.ts', '-f', 'null', '-'], expectedDurationUs: 10_000_000 });
    const result = await job.waitUntilFinished(events, 30_000);
    const elapsedMs = Date.now() - started;
    expect(result).toMatchObject({ outTimeUs: 10_000_000, durationMs: expect.any(Number) });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last progress event may trail the completion
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1_000) + 1);
    expect(progress.at(-1)?.data).toMatchObject({ percent: 100, outTimeUs: 10_000_000 });
    expect(progress[0]?.data).toMatchObject({ outTimeUs: expect.any(Number), percent: expect.any(Number) });
  });

  test.each([
    ['a stall: failed at once, attemptsMade 1', scenarios.progressThenHang({ blocks: 2, everyMs: 20 }), {}, 'stalled', 1, undefined],
    ['a timeout: retried within attempts', { steps: [{ advance: { count: 100_000, everyMs: 20 } }] }, { timeoutMs: 300 }, 'timeout', 3, undefined],
    ['a non-zero exit: retried within attempts', scenarios.failsWith({ stderr: ['Invalid data found when processing input'] }), {}, 'failed', 3, 'Invalid data found when processing input'],
    ['a crash (SIGKILL, the OOM killer): retried', scenarios.crashes('SIGKILL'), {}, 'failed', 3, undefined],
  ] as const)('%s', async (_name, scenario, data, kind, attemptsMade, stderrLine) => {
    const { queue, events } = await setup(scenario as FakeFfmpegScenario);
    const job = await queue.add('run', { args: ['-i', 'file:in.ts', '-f', 'null', '-'], ...data }, { attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow();
    const stored = (await queue.getJob(job.id as string)) as Job;
    expect(await stored.getState()).toBe('failed');
    expect(stored.attemptsMade).toBe(attemptsMade);
    expect(kindOfFailureReason(stored.failedReason)).toBe(kind);
    if (stderrLine !== undefined) expect(stored.failedReason).toMatch(new RegExp(`--- ffmpeg stderr \\(last \\d+ lines\\) ---\n(.*\n)*${stderrLine}`));
  });

  test('bad job data is failed at once as bad_input, naming the field', async () => {
    const { queue, events } = await setup(scenarios.completes());
    const job = await queue.add('run', { args: '-i in.ts' }, { attempts: 3 });
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/bad_input: job\.data\.args must be an array of strings/);
    expect(((await queue.getJob(job.id as string)) as Job).attemptsMade).toBe(1);
  });

  test('options are checked when the processor is made, not per job', () => {
    expect(() => createFfmpegProcessor({ supervisor: { stallTimeoutMs: -5 } })).toThrow(/stallTimeoutMs/);
    expect(() => createFfmpegProcessor({ progressIntervalMs: Number.NaN })).toThrow(/progressIntervalMs/);
    expect(() => createRemuxProcessor({ ladder: { killGraceMs: 'soon' as never } })).toThrow(/killGraceMs/);
    expect(() => createRemuxProcessor({ onLadder: 'log' as never })).toThrow(/onLadder/);
    expect(createRemuxProcessor().length).toBe(3); // BullMQ hands the AbortSignal only to processors that declare it
    expect(() => abortJobsOnClose({} as never)).toThrow(/abortJobsOnClose\(\) needs a BullMQ Worker/);
  });
});
