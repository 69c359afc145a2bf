/**
 * Case 22 for worker threads: a worker's exit hooks never run when it is terminated or when the
 * main thread calls process.exit(), so the supervisors in it hand their processes to a sentinel
 * that kills them when the worker's pipe to it closes. A real host process runs the worker
 * (fixtures/worker-host.mjs); afterwards we look in /proc for the pids the worker started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { scenarios } from '../../src/testing/scenario/builders.js';
import { isSameProcessAlive, type ProcessIdentity } from '../helpers/resources.js';
import { cleanUpProcessesAndFakes, makeFake, trackProcess, waitUntilGone } from './kit.js';

const WORKER_HOST = fileURLToPath(new URL('./fixtures/worker-host.mjs', import.meta.url));

afterEach(cleanUpProcessesAndFakes);

/** Starts the host; resolves with it and the identities of the jobs its worker started, once they run. */
async function startWorkerHost(
  end: 'terminate' | 'exit',
): Promise<{ host: ChildProcess; jobs: ProcessIdentity[]; next: (event: string) => Promise<Record<string, unknown>>; endWorker: () => void }> {
  const fake = makeFake(scenarios.silentHang());
  const host = spawn(process.execPath, [WORKER_HOST, end, fake.path, '2'], { stdio: ['pipe', 'pipe', 'inherit'] });
  trackProcess(host.pid);
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: host.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (event: string): Promise<Record<string, unknown>> => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      const found = lines.find((line) => line.event === event);
      if (found) return found;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    throw new Error(`no "${event}" from the worker host`);
  };
  const ready = await next('ready');
  // Identified at once, while they surely run (the worker reported them after 'spawn').
  const jobs = (ready.pids as number[]).map((pid) => trackProcess(pid)).filter((identity) => identity !== undefined);
  return { host, jobs, next, endWorker: () => host.stdin?.write('end\n') };
}

test('case 22 (worker): worker.terminate() while its jobs run → every ffmpeg it started is gone; the host lives on', async () => {
  const { host, jobs, next, endWorker } = await startWorkerHost('terminate');
  expect(jobs).toHaveLength(2);
  expect(jobs.every(isSameProcessAlive)).toBe(true);
  endWorker();
  await next('terminated');
  const gone = await Promise.all(jobs.map((job) => waitUntilGone(job, 10_000)));
  expect(gone).toEqual([true, true]);
  expect(host.exitCode).toBeNull(); // only the worker ended
});

test('case 22 (worker): the main thread calls process.exit(0) while the worker’s jobs run → every ffmpeg is gone', async () => {
  const { host, jobs, endWorker } = await startWorkerHost('exit');
  expect(jobs).toHaveLength(2);
  expect(jobs.every(isSameProcessAlive)).toBe(true);
  const exited = new Promise((resolve) => host.once('exit', resolve));
  endWorker();
  await exited;
  const gone = await Promise.all(jobs.map((job) => waitUntilGone(job, 10_000)));
  expect(gone).toEqual([true, true]);
});
