/**
 * Serves recordings as browser-playable MP4: `GET /recordings/{id}/stream.mp4` remuxes
 * `{id}.ts` once (concurrent requests share the job), at most `maxJobs` at a time, answers 503
 * with `Retry-After` while busy or after a stall, and serves the MP4 with byte ranges once ready.
 *
 *   RECORDINGS_DIR=/srv/recordings CACHE_DIR=/var/cache/mp4 node --import tsx examples/http-stream-mp4.ts
 */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { RemuxError, RemuxLadder, type RemuxLadderOptions } from 'ffmpeg-supervisor';

export interface StreamServiceOptions {
  /** Where `{id}.ts` recordings are. */
  readonly recordingsDir: string;
  /** Where `{id}.mp4` files are made (the ladder renames only complete, checked files into place). */
  readonly cacheDir: string;
  /** Remuxes running at once; a new one beyond this answers 503. @default 2 */
  readonly maxJobs?: number;
  /** How long a request waits for its remux before answering 503. @default 10_000 */
  readonly waitMs?: number;
  /** After a stall, answer 503 for this long before trying again. @default 300_000 */
  readonly stallCooldownMs?: number;
  readonly ladder?: RemuxLadderOptions;
}

const ROUTE = /^\/recordings\/([\w-]+)\/stream\.mp4$/;

export function createStreamService(options: StreamServiceOptions) {
  const { recordingsDir, cacheDir, maxJobs = 2, waitMs = 10_000, stallCooldownMs = 300_000 } = options;
  const ladder = new RemuxLadder(options.ladder);
  const jobs = new Map<string, Promise<void>>(); // one per output
  const stalledUntil = new Map<string, number>();
  const failed = new Map<string, string>();
  const shutdown = new AbortController();

  function remux(id: string, input: string, output: string): Promise<void> {
    failed.delete(id);
    const job = ladder
      .remux({ inputs: [input], output, signal: shutdown.signal })
      .then(
        () => undefined,
        (error: unknown) => {
          const kind = error instanceof RemuxError ? error.kind : 'generic';
          if (kind === 'stalled') stalledUntil.set(id, Date.now() + stallCooldownMs);
          else if (kind !== 'aborted') failed.set(id, kind);
        },
      )
      .finally(() => jobs.delete(id));
    jobs.set(id, job);
    return job;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const id = ROUTE.exec(new URL(request.url ?? '/', 'http://localhost').pathname)?.[1];
    if (id === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) return void response.writeHead(404).end();
    const input = path.join(recordingsDir, `${id}.ts`);
    const output = path.join(cacheDir, `${id}.mp4`);
    if (existsSync(output)) return sendFile(request, response, output);
    if (!existsSync(input)) return void response.writeHead(404).end('no such recording\n');
    const coolingMs = (stalledUntil.get(id) ?? 0) - Date.now();
    if (coolingMs > 0) return busy(response, coolingMs, 'the last remux stalled');
    let job = jobs.get(id);
    if (job === undefined) {
      if (jobs.size >= maxJobs) return busy(response, 5_000, 'every remux slot is busy');
      job = remux(id, input, output);
    }
    await Promise.race([job, delay(waitMs, undefined, { ref: false })]);
    if (existsSync(output)) return sendFile(request, response, output);
    if (shutdown.signal.aborted) return busy(response, 5_000, 'the service is shutting down');
    if (stalledUntil.has(id)) return busy(response, stallCooldownMs, 'the remux stalled');
    if (failed.has(id)) return void response.writeHead(500).end(`remux failed: ${failed.get(id)}\n`);
    busy(response, 5_000, 'remuxing');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.headersSent || response.writeHead(500).end());
  });

  return {
    ladder,
    get jobCount(): number {
      return jobs.size;
    },
    async listen(port = 0, host = '127.0.0.1'): Promise<string> {
      await new Promise<void>((resolve) => server.listen(port, host, resolve));
      return `http://${host}:${(server.address() as AddressInfo).port}`;
    },
    /** Aborts every remux (ffmpeg stopped, temp files removed), waits for them, then closes the server. */
    async close(): Promise<void> {
      shutdown.abort(new Error('the service is shutting down'));
      await Promise.allSettled(jobs.values());
      server.close();
      server.closeAllConnections();
    },
  };
}

function busy(response: ServerResponse, retryAfterMs: number, reason: string): void {
  response.writeHead(503, { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) }).end(`${reason}\n`);
}

/** Sends an MP4 whole (200) or one byte range of it (206), as browsers seeking in a video ask. */
async function sendFile(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
  const { size } = await stat(file);
  const range = parseRange(request.headers.range, size);
  const headers = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes' };
  if (range === 'unsatisfiable') return void response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
  const { start, end } = range ?? { start: 0, end: size - 1 };
  response.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': String(end - start + 1),
    ...(range && { 'content-range': `bytes ${start}-${end}/${size}` }),
  });
  if (request.method === 'HEAD' || size === 0) return void response.end();
  createReadStream(file, { start, end }).pipe(response);
}

/** One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else is ignored (the whole file is sent). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const service = createStreamService({ recordingsDir: process.env.RECORDINGS_DIR ?? '.', cacheDir: process.env.CACHE_DIR ?? '.' });
  console.log(`ready ${await service.listen(Number(process.env.PORT ?? 8080))}`);
}
