import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { createFakeFfmpeg, type FakeFfmpeg, scenarios } from 'ffmpeg-supervisor/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { descendantsOf, waitUntilGone } from '../integrations/bullmq/procs.js';
import { REDIS_SERVER_PATH, REDIS_SKIP_NOTE, type RedisServer, startRedisServer } from '../integrations/bullmq/redis-server.js';
import { createTempDir, removeTempDir } from '../helpers/media.js';
import { killTracked, trackPid } from '../helpers/processes.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/bullmq-worker.ts');

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

describe.skipIf(!REDIS_SERVER_PATH)(`examples/bullmq-worker.ts${REDIS_SKIP_NOTE}`, () => {
  let redis: RedisServer;
  let dir: string;
  let fake: FakeFfmpeg;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = createTempDir('ffsup-bullmq-example-');
    fake = createFakeFfmpeg(scenarios.completes({ outputText: 'an mp4' }));
    const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
    queue = new Queue('remux', { connection });
    events = new QueueEvents('remux', { connection });
    await events.waitUntilReady();
  }, 30_000);

  afterAll(async () => {
    await killTracked();
    await events?.close();
    await queue?.close();
    await redis?.stop();
    fake?.cleanup();
    removeTempDir(dir);
  });

  test('remuxes a job with metrics on /metrics; SIGTERM stops a running ffmpeg and puts its job back in the queue', async () => {
    const input = path.join(dir, 'recording.ts');
    writeFileSync(input, 'the fake ffprobe describes it');
    const outDir = path.join(dir, 'out');
    mkdirSync(outDir);
    const worker = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], {
      env: { ...process.env, REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), CONCURRENCY: '1', METRICS_PORT: '0', FFMPEG_PATH: fake.path, FFPROBE_PATH: fake.path },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    trackPid(worker.pid);
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => worker.once('exit', (code, signal) => resolve([code, signal])));
    const { lines, waitFor } = watchLines(worker);
    const metricsUrl = (await waitFor(/^ready (http:\/\/127\.0\.0\.1:\d+\/metrics)$/))[1] as string;

    const done = await queue.add('remux', { inputs: [input], output: path.join(outDir, 'done.mp4') });
    expect(await done.waitUntilFinished(events, 30_000)).toMatchObject({ strategy: 'default' });
    expect(existsSync(path.join(outDir, 'done.mp4'))).toBe(true);
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toContain('ffmpeg_remux_attempts_total{strategy="default",kind="ok"} 1');
    expect(text).toContain('ffmpeg_remux_jobs_total{result="ok"} 1');

    // Now a remux that would run for ever; SIGTERM the worker while it runs.
    writeFileSync(fake.scenarioPath, JSON.stringify({ steps: [{ advance: { count: 2, everyMs: 20 } }, { writeOutputText: 'partial' }, { advance: { count: 100_000, everyMs: 50 } }] }));
    const progressed = new Promise<void>((resolve) => events.once('progress', () => resolve()));
    const running = await queue.add('remux', { inputs: [input], output: path.join(outDir, 'running.mp4') }, { attempts: 3 });
    await waitFor(new RegExp(`^job ${running.id} started$`));
    await progressed;
    const ffmpegs = descendantsOf([worker.pid as number]).filter((info) => info.cmdline.includes(fake.scenarioPath) && info.cmdline.includes('-progress'));
    expect(ffmpegs).toHaveLength(1);

    worker.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(lines.slice(-2)).toEqual(['SIGTERM: closing', 'closed']);
    expect(await waitUntilGone(ffmpegs, 5_000)).toEqual([]);
    expect(readdirSync(outDir)).toEqual(['done.mp4']);
    const requeued = (await queue.getJob(running.id as string)) as Job;
    expect(await requeued.getState()).toBe('waiting');
    expect(requeued.attemptsMade).toBe(0);
  }, 60_000);
});
