import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFakeFfmpeg, type FakeFfmpeg, scenarios } from '../../../src/testing/index.js';
import { createTempDir, ffprobeJson, generateTs, NPM_FFMPEG_PATH, NPM_FFPROBE_PATH, removeTempDir, SYSTEM_FFMPEG_PATH, SYSTEM_FFPROBE_PATH } from '../../helpers/media.js';
import { killTracked, trackPid } from '../../helpers/processes.js';
import { descendantsOf, type ProcessInfo, waitUntilGone } from './procs.js';
import { REDIS_SERVER_PATH, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from './redis-server.js';
import { startWorkerProcess, type WorkerProcess } from './worker-processes.js';

const REAL_FFMPEG = (SYSTEM_FFMPEG_PATH ?? NPM_FFMPEG_PATH) as string;
const REAL_FFPROBE = (SYSTEM_FFPROBE_PATH ?? NPM_FFPROBE_PATH) as string;
const DURATION_SEC = 30;

describe.skipIf(!REDIS_SERVER_PATH)(`a worker process SIGKILLed mid-remux${REDIS_SKIP_NOTE}`, () => {
  let redis: RedisServer;
  let dir: string;
  let input: string;
  const workers: WorkerProcess[] = [];
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let fake: FakeFfmpeg | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = createTempDir('ffsup-bullmq-dead-');
    // MPEG-2 video: the ladder transcodes it, which takes long enough to kill the worker mid-run.
    input = await generateTs(dir, 'recording.ts', { videoCodec: 'mpeg2video', audioCodec: 'mp2', durationSec: DURATION_SEC });
  }, 60_000);

  afterAll(async () => {
    await killTracked();
    fake?.cleanup();
    await Promise.all(workers.map((worker) => worker.stop(2_000)));
    await events?.close();
    await queue?.close();
    await redis?.stop();
    removeTempDir(dir);
  });

  test('its ffmpeg dies with it, another worker takes the job after the stall check, and the output is one complete MP4', async () => {
    const outDir = path.join(dir, 'out');
    mkdirSync(outDir);
    const output = path.join(outDir, 'recording.mp4');
    const name = 'dead';
    const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
    queue = new Queue(name, { connection });
    events = new QueueEvents(name, { connection });
    await events.waitUntilReady();
    // BullMQ's lock lasts 2 s and its stalled-job check runs every second (defaults: 30 s each).
    const config = {
      redis,
      queue: name,
      concurrency: 1,
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
      plays: { real: { ffmpegPath: REAL_FFMPEG, ffprobePath: REAL_FFPROBE, stallTimeoutMs: 30_000 } },
    };
    const first = await startWorkerProcess(config);
    workers.push(first);

    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const firstProgress = new Promise<void>((resolve) => events?.once('progress', () => resolve()));
    const job = await queue.add('remux', { play: 'real', inputs: [input], output }, { attempts: 1 });
    await firstProgress;

    // ffmpeg is transcoding under the first worker: remember exactly which processes those are.
    const below: ProcessInfo[] = descendantsOf([first.pid]).filter((info) => !/\/esbuild --service/.test(info.cmdline));
    expect(below.some((info) => info.cmdline.includes(REAL_FFMPEG) && info.cmdline.includes('libx264'))).toBe(true);
    expect(await job.getState()).toBe('active');

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await waitUntilGone(below, 5_000)).toEqual([]); // parentDeathSignal: the kernel killed them
    expect(existsSync(output)).toBe(false); // the partial file is only the dead worker's temp file
    const deadTemp = readdirSync(outDir).filter((file) => file.startsWith('.'));
    expect(deadTemp.every((file) => file.includes(`tmp-${first.pid}-`))).toBe(true);

    const second = await startWorkerProcess(config);
    workers.push(second);
    await job.waitUntilFinished(events, 120_000);

    const finished = (await queue.getJob(job.id as string)) as Job;
    expect(await finished.getState()).toBe('completed');
    expect(stalled).toEqual([job.id]);
    expect(finished.stalledCounter).toBe(1);
    expect(finished.returnvalue).toMatchObject({ output, strategy: 'transcode' });

    // One complete MP4 at the output: H.264 + AAC, the whole recording.
    const probe = await ffprobeJson(output);
    expect(probe.streams.map((stream) => stream.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(probe.format.duration)).toBeGreaterThan(DURATION_SEC - 1);
    expect(Number(probe.format.duration)).toBeLessThan(DURATION_SEC + 1);
    // The second worker left nothing; the SIGKILLed one could not remove its temp file.
    expect(readdirSync(outDir).sort()).toEqual([...deadTemp, 'recording.mp4'].sort());
    expect(descendantsOf([second.pid]).filter((info) => !/\/esbuild --service/.test(info.cmdline))).toEqual([]);
  }, 180_000);

  test('an ffmpeg that writes nothing (so no broken pipe ends it) and ignores SIGTERM still dies with the worker', async () => {
    // Without parentDeathSignal this one would outlive a SIGKILLed worker for ever.
    fake = createFakeFfmpeg(scenarios.ignoresSigterm({ steps: [{ hang: true }], announceReady: false }));
    const name = 'dead-silent';
    const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
    const silentQueue = new Queue(name, { connection });
    try {
      const worker = await startWorkerProcess({
        redis,
        queue: name,
        concurrency: 1,
        lockDurationMs: 30_000,
        stalledIntervalMs: 30_000,
        plays: { silent: { ffmpegPath: fake.path, ffprobePath: fake.path, startupGraceMs: 60_000 } },
      });
      workers.push(worker);
      await silentQueue.add('remux', { play: 'silent', inputs: [input], output: path.join(dir, 'silent.mp4') });
      let hanging: ProcessInfo | undefined;
      const deadline = Date.now() + 30_000;
      while (!(hanging = descendantsOf([worker.pid]).find((info) => info.cmdline.includes(fake?.scenarioPath as string) && info.cmdline.includes('-progress')))) {
        if (Date.now() > deadline) throw new Error('the fake ffmpeg never started');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      trackPid(hanging.pid);
      worker.child.kill('SIGKILL');
      await worker.exited;
      expect(await waitUntilGone([hanging], 5_000)).toEqual([]);
    } finally {
      await silentQueue.close();
    }
  }, 60_000);
});
