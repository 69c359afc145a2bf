/**
 * Remux metrics for Prometheus: stalls and attempts per strategy, attempt durations, served on
 * `/metrics` on the loopback interface. `examples/bullmq-worker.ts` feeds the same counters from
 * every job's ladder in a queue worker.
 *
 *   node --import tsx examples/metrics-prom-client.ts recording.ts out.mp4
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { RemuxLadder } from 'ffmpeg-supervisor';
import { Counter, Histogram, Registry } from 'prom-client';

/** Remux counters and a histogram registered once on `registry`; `observe()` feeds them a ladder's events. */
export function createRemuxMetrics(registry: Registry): { observe(ladder: RemuxLadder): void } {
  const stalls = new Counter({
    name: 'ffmpeg_remux_stalls_total',
    help: 'Remux attempts the watchdog stopped because ffmpeg made no progress.',
    labelNames: ['strategy'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'ffmpeg_remux_attempts_total',
    help: 'Remux attempts by strategy and how they ended (kind "ok", or the RemuxError kind).',
    labelNames: ['strategy', 'kind'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'ffmpeg_remux_attempt_duration_seconds',
    help: 'How long remux attempts ran.',
    labelNames: ['strategy'],
    buckets: [1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  return {
    observe(ladder) {
      ladder.on('stall', (stall) => stalls.inc({ strategy: stall.strategy }));
      ladder.on('attemptEnd', (attempt) => {
        attempts.inc({ strategy: attempt.strategy, kind: attempt.kind === 'none' ? 'ok' : attempt.kind });
        durations.observe({ strategy: attempt.strategy }, attempt.durationMs / 1000);
      });
    },
  };
}

/** Feeds one ladder's events into counters and a histogram registered on `registry`. */
export function instrumentLadder(ladder: RemuxLadder, registry: Registry): void {
  createRemuxMetrics(registry).observe(ladder);
}

/** Serves `registry` on `http://127.0.0.1:<port>/metrics` (port 0: any free one). */
export async function serveMetrics(registry: Registry, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics` };
}

async function main(input: string, output: string): Promise<void> {
  const registry = new Registry();
  const ladder = new RemuxLadder();
  instrumentLadder(ladder, registry);
  const { server, url } = await serveMetrics(registry, Number(process.env.METRICS_PORT ?? 9464));
  console.log(`metrics on ${url}`);
  try {
    const result = await ladder.remux({ inputs: [input], output });
    console.log(`remuxed with strategy ${result.strategy}`);
  } catch (error) {
    console.error(`remux failed: ${(error as Error).message}`);
  }
  console.log(await registry.metrics());
  server.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [input, output] = process.argv.slice(2);
  if (input === undefined || output === undefined) throw new Error('usage: metrics-prom-client.ts <recording.ts> <out.mp4>');
  await main(input, output);
}
