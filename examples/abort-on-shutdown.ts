/**
 * Graceful shutdown: on SIGTERM (or Ctrl-C) abort every running remux, so each ffmpeg is
 * stopped and reaped and each temp file removed, then close the server and let the process
 * end on its own: nothing is left behind.
 *
 *   RECORDINGS_DIR=/srv/recordings CACHE_DIR=/var/cache/mp4 node --import tsx examples/abort-on-shutdown.ts
 */
import { createStreamService } from './http-stream-mp4.js';

const service = createStreamService({
  recordingsDir: process.env.RECORDINGS_DIR ?? '.',
  cacheDir: process.env.CACHE_DIR ?? '.',
});
service.ladder.on('attempt', (attempt) => console.log(`attempt ${attempt.strategy} started`));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: aborting ${service.jobCount} job(s)`);
    service.close().then(
      () => console.log('stopped'),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  });
}

console.log(`ready ${await service.listen(Number(process.env.PORT ?? 0))}`);
