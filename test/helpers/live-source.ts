import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NPM_FFMPEG_PATH, STATIC_BUILD_ENV, SYSTEM_FFMPEG_PATH } from './media.js';

const execFileAsync = promisify(execFile);

/** The constant mux rate of {@link generateLiveTs}: the source paces its bytes by it. */
export const LIVE_TS_BITS_PER_SECOND = 250_000;
const TS_PACKET_BYTES = 188;
const PUMP_INTERVAL_MS = 50;

/**
 * A small live-like MPEG-TS: testsrc2 at 160x120, 25 fps, H.264 with a 1 s GOP (HLS segments can
 * be cut every second), muxed at a constant 250 kbit/s so bytes map to media time.
 */
export async function generateLiveTs(dir: string, durationSec = 60): Promise<string> {
  const ffmpegPath = NPM_FFMPEG_PATH ?? SYSTEM_FFMPEG_PATH;
  if (ffmpegPath === undefined) throw new Error('generateLiveTs: no ffmpeg binary found');
  const output = join(dir, 'live-source.ts');
  await execFileAsync(
    ffmpegPath,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=duration=${durationSec}:size=160x120:rate=25`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-b:v', '150k', '-maxrate', '150k', '-bufsize', '150k',
      '-f', 'mpegts', '-muxrate', String(LIVE_TS_BITS_PER_SECOND), `file:${output}`],
    { timeout: 60_000, env: STATIC_BUILD_ENV },
  );
  return output;
}

/** A controllable live HTTP source on 127.0.0.1. */
export interface LiveSource {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Keep the connections open but send nothing (a stalled tuner). */
  pause(): void;
  resume(): void;
  /** Cut every open connection; new ones are still accepted. */
  drop(): void;
  /** Cut every connection and stop listening: new connections are refused (the source is down). */
  refuse(): Promise<void>;
  /** Listen again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves `file` to every connection from its start, at real-time pace (its mux rate), after a
 * first second sent at once so that ffmpeg's probing does not wait on the clock.
 */
export async function startLiveSource(file: string, port = 0): Promise<LiveSource> {
  const data = readFileSync(file);
  const bytesPerMs = LIVE_TS_BITS_PER_SECOND / 8 / 1_000;
  const streams = new Set<{ response: ServerResponse; offset: number; allowance: number }>();
  const sockets = new Set<Socket>();
  let paused = false;
  let connections = 0;
  let lastPumpAt = performance.now();

  const server = createServer((request, response) => {
    connections += 1;
    response.writeHead(200, { 'content-type': 'video/mp2t', connection: 'close' });
    const stream = { response, offset: 0, allowance: bytesPerMs * 1_000 };
    streams.add(stream);
    response.on('close', () => streams.delete(stream));
    request.resume();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const pump = setInterval(() => {
    const now = performance.now();
    const elapsedMs = now - lastPumpAt;
    lastPumpAt = now;
    if (paused) return;
    for (const stream of streams) {
      stream.allowance += bytesPerMs * elapsedMs;
      const end = Math.min(data.length, stream.offset + Math.floor(stream.allowance / TS_PACKET_BYTES) * TS_PACKET_BYTES);
      if (end > stream.offset) {
        stream.response.write(data.subarray(stream.offset, end));
        stream.allowance -= end - stream.offset;
        stream.offset = end;
      }
      if (stream.offset >= data.length) {
        streams.delete(stream);
        stream.response.end();
      }
    }
  }, PUMP_INTERVAL_MS);

  const listen = (onPort: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(onPort, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  await listen(port);
  const boundPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${boundPort}/live.ts`,
    get connections() {
      return connections;
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    drop: dropAll,
    refuse: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropAll();
      return closed;
    },
    restore: () => listen(boundPort),
    close: () => {
      clearInterval(pump);
      dropAll();
      return server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    },
  };
}

/** A local port with nothing listening on it (connections are refused). */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `condition` every 20 ms; rejects with `what` once `timeoutMs` ran out. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
