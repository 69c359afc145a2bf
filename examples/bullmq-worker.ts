/**
 * A remux worker for a BullMQ queue on Redis: run one such process per machine (or several),
 * each taking `CONCURRENCY` jobs at a time. A job's data is `{ inputs: [...parts], output }`.
 *
 *   REDIS_HOST=10.0.0.5 QUEUE=remux CONCURRENCY=2 METRICS_PORT=9464 node --import tsx examples/bullmq-worker.ts
 *
 * - A stuck ffmpeg is stopped by the watchdog and the job fails once, never retried; timeouts,
 *   spawn failures and crashes follow the job's `attempts` and `backoff`.
 * - SIGTERM or Ctrl-C: running ffmpegs are stopped and reaped, temp files removed, and their
 *   jobs go back to the queue for another worker; then the process exits. A second signal exits
 *   at once (ffmpeg is still killed with the process).
 * - SIGKILL (or a crash): ffmpeg dies with the worker (`parentDeathSignal`), and BullMQ's
 *   stalled-job check hands the job to another worker once its lock expires.
 * - `/metrics` (when METRICS_PORT is set): stalls and attempts per strategy, jobs by result.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import { probeCapabilities, resolveFfmpegPath } from 'ffmpeg-supervisor';
import { abortJobsOnClose, createRemuxProcessor, kindOfFailureReason } from 'ffmpeg-supervisor/bullmq';
import { Counter, Registry } from 'prom-client';
import { createRemuxMetrics, serveMetrics } from './metrics-prom-client.js';

export interface RemuxWorkerOptions {
  readonly queue: string;
  readonly connection: { readonly host: string; readonly port: number };
  /** Jobs at once in this process. */
  readonly concurrency: number;
  /** Where the counters go; none when undefined. */
  readonly registry?: Registry;
}

/** One BullMQ worker running the remux processor, with its metrics and abort-on-close wired. */
export function startRemuxWorker({ queue, connection, concurrency, registry }: RemuxWorkerOptions): Worker {
  const metrics = registry ? createRemuxMetrics(registry) : undefined;
  const worker = new Worker(
    queue,
    createRemuxProcessor({
      ladder: { stallTimeoutMs: 90_000, sidecars: false },
      onLadder: (ladder) => metrics?.observe(ladder),
    }),
    // BullMQ needs maxRetriesPerRequest: null on a worker's connection.
    { connection: { ...connection, maxRetriesPerRequest: null }, concurrency },
  );
  abortJobsOnClose(worker); // close(): stop the ffmpegs now and requeue, rather than wait for them
  if (registry) {
    const jobs = new Counter({ name: 'ffmpeg_remux_jobs_total', help: 'Remux jobs by result (ok, or the failure kind).', labelNames: ['result'], registers: [registry] });
    worker.on('completed', () => jobs.inc({ result: 'ok' }));
    worker.on('failed', (job) => jobs.inc({ result: kindOfFailureReason(job?.failedReason) ?? 'unknown' }));
  }
  worker.on('error', (error) => console.error(`worker error: ${error.message}`));
  return worker;
}

async function main(): Promise<void> {
  // Fail at start on a machine without a working ffmpeg, not on the first job; the answer is
  // cached, so no job pays for the probe.
  await probeCapabilities(resolveFfmpegPath());
  const registry = new Registry();
  const worker = startRemuxWorker({
    queue: process.env.QUEUE ?? 'remux',
    connection: { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) },
    concurrency: Number(process.env.CONCURRENCY ?? availableParallelism()),
    registry,
  });
  const metrics = process.env.METRICS_PORT === undefined ? undefined : await serveMetrics(registry, Number(process.env.METRICS_PORT));
  worker.on('active', (job) => console.log(`job ${job.id} started`));
  worker.on('completed', (job, result: { strategy: string }) => console.log(`job ${job.id} completed (${result.strategy})`));
  worker.on('failed', (job, error) => console.log(`job ${job?.id} failed: ${error.message.split('\n')[0]}`));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      console.log(`${signal}: closing`);
      process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143)); // a second signal: now
      worker.close().then(
        () => {
          metrics?.server.close();
          console.log('closed');
        },
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
  await worker.waitUntilReady();
  console.log(`ready${metrics ? ` ${metrics.url}` : ''}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
