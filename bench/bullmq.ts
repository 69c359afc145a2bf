/**
 * Remux jobs through a BullMQ queue on a private Redis: jobs per minute through 1, 2 and 4
 * worker processes (`examples/bullmq-worker.ts`, concurrency 1 each), and the queue's overhead
 * per job against running the same remuxes directly with `RemuxLadder`, one after another.
 *
 * Each round runs every mode once, in order (direct, 1, 2, 4 workers), on the same jobs (real
 * ffmpeg, the ladder's `default` rung: copy the video, AAC audio). A mode's time runs from adding
 * the jobs (or starting the first direct remux) to the last completion; worker start-up is not
 * counted. Needs `redis-server` (skipped, saying so, without one) and a built package.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { RemuxLadder } from '../src/remux/ladder.js';
import { REDIS_SERVER_PATH, type RedisServer, startRedisServer } from '../test/integrations/bullmq/redis-server.js';
import { availableBuilds, ffmpegVersion, generateRecording } from './lib/media.js';
import { isQuick, printHeading, printTable } from './lib/options.js';
import { killGroup, onInterrupt } from './lib/processes.js';
import { fixed, median } from './lib/stats.js';

const JOBS = isQuick ? 4 : 12;
const ROUNDS = isQuick ? 1 : 3;
const DURATION_SEC = isQuick ? 3 : 10;
const WORKER_COUNTS = [1, 2, 4] as const;
const EXAMPLE = fileURLToPath(new URL('../examples/bullmq-worker.ts', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/bullmq/index.js', import.meta.url));

const workers = new Set<ChildProcess>();
let redis: RedisServer | undefined;

type Mode = 'direct' | `${(typeof WORKER_COUNTS)[number]} worker${'' | 's'}`;

async function startWorkers(count: number, queue: string, ffmpegPath: string, ffprobePath: string): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], {
        env: { ...process.env, REDIS_HOST: redis?.host, REDIS_PORT: String(redis?.port), QUEUE: queue, CONCURRENCY: '1', FFMPEG_PATH: ffmpegPath, FFPROBE_PATH: ffprobePath },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      workers.add(child);
      child.once('exit', () => workers.delete(child));
      await new Promise<void>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
        lines.on('line', (line) => line.startsWith('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`a worker exited (code ${code}) before it was ready`)));
      });
      return child;
    }),
  );
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Remuxes `inputs` one after another in this process; returns the wall time in ms. */
async function runDirect(inputs: readonly string[], outDir: string, ffmpegPath: string, ffprobePath: string): Promise<number> {
  const started = performance.now();
  for (const [index, input] of inputs.entries()) {
    const ladder = new RemuxLadder({ ffmpegPath, ffprobePath });
    await ladder.remux({ inputs: [input], output: join(outDir, `direct-${index}.mp4`) });
  }
  return performance.now() - started;
}

/** Adds one job per input and waits until all completed; returns the wall time in ms. */
async function runQueued(count: number, inputs: readonly string[], outDir: string, build: { ffmpegPath: string; ffprobePath: string }, round: number): Promise<number> {
  const name = `bench-${round}-${count}`;
  const connection = { host: redis?.host as string, port: redis?.port as number, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  const children = await startWorkers(count, name, build.ffmpegPath, build.ffprobePath);
  try {
    let finished = 0;
    let failed = '';
    const allDone = new Promise<void>((resolve) => {
      const onEnd = () => (finished += 1) === inputs.length && resolve();
      events.on('completed', onEnd);
      events.on('failed', ({ failedReason }) => {
        failed ||= failedReason;
        onEnd();
      });
    });
    const started = performance.now();
    await queue.addBulk(inputs.map((input, index) => ({ name: 'remux', data: { inputs: [input], output: join(outDir, `${name}-${index}.mp4`) } })));
    await allDone;
    const wallMs = performance.now() - started;
    if (failed) throw new Error(`a queued remux failed: ${failed}`);
    if (count === 1) breakdowns.push(await breakdownOf(queue, started));
    return wallMs;
  } finally {
    await stopWorkers(children);
    await events.close();
    await queue.close();
  }
}

/** Where a 1-worker run spends its time, from the jobs' own timestamps (ms, summed over the jobs). */
interface Breakdown {
  /** The ladder's own `durationMs` (probe, ffmpeg, check, rename). */
  readonly ladderMs: number;
  /** In the processor but outside the ladder: job data checks, the last progress update. */
  readonly processorMs: number;
  /** From one job's end (or the start) to the next job's start, and after the last job: the queue's own work. */
  readonly queueMs: number;
}
const breakdowns: Breakdown[] = [];

async function breakdownOf(queue: Queue, startedAt: number): Promise<Breakdown> {
  const jobs = (await queue.getJobs(['completed'])).sort((a, b) => (a.processedOn ?? 0) - (b.processedOn ?? 0));
  const wallStart = Date.now() - (performance.now() - startedAt);
  let ladderMs = 0;
  let processorMs = 0;
  let queueMs = 0;
  let previousEnd = wallStart;
  for (const job of jobs) {
    const processed = (job.finishedOn ?? 0) - (job.processedOn ?? 0);
    const ladder = (job.returnvalue as { durationMs: number }).durationMs;
    ladderMs += ladder;
    processorMs += processed - ladder;
    queueMs += (job.processedOn ?? 0) - previousEnd;
    previousEnd = job.finishedOn ?? previousEnd;
  }
  return { ladderMs, processorMs, queueMs };
}

async function main(): Promise<void> {
  printHeading('BullMQ: remux jobs through worker processes');
  if (!REDIS_SERVER_PATH) {
    console.log('skipped: no redis-server binary on PATH (install the redis-server package)');
    return;
  }
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
  const build = availableBuilds().at(-1); // Debian's when installed (the faster one here), else the npm build
  if (!build) throw new Error('no ffmpeg build found');
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-bench-bullmq-'));
  const removeHandlers = onInterrupt(() => {
    for (const child of workers) killGroup(child.pid as number);
    if (redis) killGroup(redis.pid);
  });
  try {
    redis = await startRedisServer();
    const recording = await generateRecording(build.ffmpegPath, dir, DURATION_SEC);
    const inputs = Array.from({ length: JOBS }, () => recording);
    console.log(`ffmpeg: ${build.name} ${await ffmpegVersion(build.ffmpegPath)}; ${JOBS} jobs per mode, each a ${DURATION_SEC} s 1280x720 H.264 + AC-3 recording remuxed by the ladder (default rung); ${ROUNDS} round(s); Redis ${redis.port}\n`);
    const walls = new Map<Mode, number[]>();
    const record = (mode: Mode, wallMs: number) => walls.set(mode, [...(walls.get(mode) ?? []), wallMs]);
    // Warm-up: one remux, so the capability probe and the page cache are not in the first figure.
    await runDirect([recording], dir, build.ffmpegPath, build.ffprobePath);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const outDir = join(dir, `round-${round}`);
      mkdirSync(outDir);
      record('direct', await runDirect(inputs, outDir, build.ffmpegPath, build.ffprobePath));
      for (const count of WORKER_COUNTS) record(`${count} worker${count === 1 ? '' : 's'}` as Mode, await runQueued(count, inputs, outDir, build, round));
      rmSync(outDir, { recursive: true, force: true });
    }
    const directMs = median(walls.get('direct') ?? []);
    const rows: Array<Array<string | number>> = [['mode', 'wall med s', 'jobs / min', 'ms / job', 'vs direct']];
    for (const [mode, list] of walls) {
      const wallMs = median(list);
      rows.push([mode, fixed(wallMs / 1000, 2), fixed((JOBS / wallMs) * 60_000, 1), fixed(wallMs / JOBS, 0), `${fixed((wallMs / directMs - 1) * 100, 1)} %`]);
    }
    printTable(rows);
    const perJob = (pick: (breakdown: Breakdown) => number) => median(breakdowns.map(pick)) / JOBS;
    const ladderMs = perJob((b) => b.ladderMs);
    const outsideMs = perJob((b) => b.processorMs + b.queueMs);
    console.log(
      `\n1 worker, per job (medians of rounds): ladder ${fixed(ladderMs, 1)} ms, processor outside the ladder ${fixed(perJob((b) => b.processorMs), 1)} ms, ` +
        `queue (add → start, end → next start) ${fixed(perJob((b) => b.queueMs), 1)} ms`,
    );
    console.log(`queue overhead per job at 1 worker: ${fixed(outsideMs, 1)} ms, ${fixed((outsideMs / ladderMs) * 100, 1)} % of the remux itself (target ≤ 5 %)`);
    const oneWorkerMs = median(walls.get('1 worker') ?? []);
    console.log(`whole runs, 1 worker against direct: ${fixed((oneWorkerMs - directMs) / JOBS, 1)} ms per job (${fixed((oneWorkerMs / directMs - 1) * 100, 1)} %; load on the machine moves this both ways)`);
  } finally {
    for (const child of workers) killGroup(child.pid as number);
    await redis?.stop();
    removeHandlers();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
