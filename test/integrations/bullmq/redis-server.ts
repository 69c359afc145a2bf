import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The `redis-server` binary on `PATH` (or `/usr/bin`, `/usr/local/bin`), or `undefined`. */
export const REDIS_SERVER_PATH: string | undefined = findRedisServer();

/** Why the Redis tests skip, for their titles; empty when a server binary exists. */
export const REDIS_SKIP_NOTE = REDIS_SERVER_PATH ? '' : ' [SKIPPED: no redis-server binary found on PATH; install the redis-server package]';

export interface RedisServer {
  readonly port: number;
  readonly host: '127.0.0.1';
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a private `redis-server` on a free loopback port, persistence off, in a fresh temporary
 * directory, and resolves once it accepts connections.
 */
export async function startRedisServer(): Promise<RedisServer> {
  if (!REDIS_SERVER_PATH) throw new Error('startRedisServer: no redis-server binary');
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return await startOn(REDIS_SERVER_PATH, port);
    } catch (error) {
      if (attempt >= 5) throw error; // the port was taken between the probe and the bind: try another
    }
  }
}

async function startOn(binary: string, port: number): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ffsup-redis-'));
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = onceAsync(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await waitForReady(child);
  } catch (error) {
    await stop();
    throw error;
  }
  child.stdout?.resume();
  child.stderr?.resume();
  return { port, host: '127.0.0.1', pid: child.pid as number, stop };
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => done(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) done();
    };
    const onExit = (code: number | null): void => done(new Error(`redis-server exited with code ${code}:\n${output}`));
    const done = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
