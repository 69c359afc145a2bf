/**
 * A live channel: a tuner's HTTP MPEG-TS stream packaged to HLS, kept running by
 * `FfmpegService` (restarted after a stall or a failure, with backoff, within a budget), with
 * restart metrics for Prometheus on `/metrics`. Ctrl-C or SIGTERM stops ffmpeg with one SIGTERM,
 * so the playlist ends with `#EXT-X-ENDLIST`.
 *
 *   node --import tsx examples/live-hls.ts http://tuner.local:8001/stream.ts ./hls
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FfmpegService, type FfmpegServiceOptions } from 'ffmpeg-supervisor';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { serveMetrics } from './metrics-prom-client.js';

/**
 * ffmpeg arguments for one start: copy the stream into 2-second segments. `append_list` makes a
 * restart continue the same playlist (after a discontinuity tag) instead of starting it over.
 */
export function hlsArgs(input: string, dir: string, inputArgs: readonly string[] = []): string[] {
  return [
    '-hide_banner', '-loglevel', 'warning', '-y',
    ...inputArgs, '-i', input,
    '-map', '0:v:0?', '-map', '0:a?', '-c', 'copy',
    '-f', 'hls', '-hls_time', '2', '-hls_list_size', '10', '-hls_flags', 'append_list+delete_segments',
    '-hls_segment_filename', join(dir, 'segment-%06d.ts'), join(dir, 'live.m3u8'),
  ];
}

export interface LiveHlsOptions extends Omit<FfmpegServiceOptions, 'args'> {
  /** The live input, for example `http://tuner.local:8001/stream.ts`. */
  readonly input: string;
  /** Where the playlist and segments go (created if missing). */
  readonly dir: string;
  /** Options before `-i` (for example `['-rw_timeout', '15000000']`). */
  readonly inputArgs?: readonly string[];
}

/** A service for one channel: restarts on stall, failure and end of input, at most 10 within 10 minutes. */
export function createLiveHls({ input, dir, inputArgs, ...options }: LiveHlsOptions): FfmpegService {
  mkdirSync(dir, { recursive: true });
  return new FfmpegService({
    args: hlsArgs(input, dir, inputArgs),
    stallTimeoutMs: 20_000, // a live input that sends nothing for 20 s is down (Frigate's figure)
    startupGraceMs: 10_000,
    restartOn: ['stalled', 'failed', 'completed'],
    backoff: { initialDelayMs: 1_000, factor: 2, maxDelayMs: 60_000, jitter: 0.2 },
    resetAfterMs: 60_000,
    maxRestarts: { count: 10, windowMs: 600_000 },
    ...options,
  });
}

/** Feeds a service's events into restart metrics registered on `registry`. */
export function instrumentService(service: FfmpegService, registry: Registry): void {
  const registers = [registry];
  const up = new Gauge({ name: 'ffmpeg_service_up', help: '1 while ffmpeg makes forward progress, else 0.', registers });
  const starts = new Counter({ name: 'ffmpeg_service_starts_total', help: 'ffmpeg starts, restarts included.', registers });
  const restarts = new Counter({
    name: 'ffmpeg_service_restarts_total',
    help: 'Restarts by the reason the previous attempt ended.',
    labelNames: ['reason'],
    registers,
  });
  const delay = new Gauge({ name: 'ffmpeg_service_restart_delay_seconds', help: 'The delay before the pending (or last) restart.', registers });
  const attempts = new Histogram({
    name: 'ffmpeg_service_attempt_duration_seconds',
    help: 'How long each ffmpeg ran, by how it ended.',
    labelNames: ['reason'],
    buckets: [1, 10, 60, 600, 3_600, 21_600, 86_400],
    registers,
  });
  const giveUps = new Counter({ name: 'ffmpeg_service_give_ups_total', help: 'Times the restart budget ran out.', registers });
  up.set(0);
  service.on('start', () => starts.inc());
  service.on('up', () => up.set(1));
  service.on('down', () => up.set(0));
  service.on('restart', ({ reason, delayMs }) => {
    restarts.inc({ reason });
    delay.set(delayMs / 1_000);
  });
  service.on('exit', (outcome) => attempts.observe({ reason: outcome.reason }, outcome.durationMs / 1_000));
  service.on('giveUp', () => giveUps.inc());
}

async function main(input: string, dir: string): Promise<void> {
  const registry = new Registry();
  const service = createLiveHls({ input, dir });
  instrumentService(service, registry);
  service.on('start', ({ attempt }) => console.log(`attempt ${attempt}: starting ffmpeg`));
  service.on('stall', ({ attempt, stalledForMs }) => console.log(`attempt ${attempt}: no progress for ${Math.round(stalledForMs)} ms`));
  service.on('restart', ({ attempt, reason, delayMs }) => console.log(`${reason}: attempt ${attempt} in ${delayMs} ms`));
  const { server, url } = await serveMetrics(registry, Number(process.env.METRICS_PORT ?? 9464));
  console.log(`HLS in ${dir}, metrics on ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void service.stop(new Error(`received ${signal}`)));
  const outcome = await service.run();
  console.log(`${outcome.reason} after ${outcome.attempts} attempt(s)`);
  server.close();
  if (outcome.reason === 'gave_up') process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [input, dir] = process.argv.slice(2);
  if (input === undefined || dir === undefined) throw new Error('usage: live-hls.ts <http://…/stream.ts> <output dir>');
  await main(input, dir);
}
