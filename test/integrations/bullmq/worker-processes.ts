import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { WorkerConfig } from './fixtures/remux-worker.js';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/remux-worker.ts');

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Asks the worker to cancel a job; resolves with whether it held the job. */
  cancel(jobId: string): Promise<boolean>;
  /** SIGTERM (the worker closes: its jobs go back to wait), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts one worker process (the remux-worker fixture, under tsx) and resolves once it is connected. */
export async function startWorkerProcess(config: WorkerConfig): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker process did not get ready within 30 s')), 30_000);
    child.on('message', (message: { ready?: number }) => {
      if (message.ready === undefined) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  const cancel = (jobId: string) =>
    new Promise<boolean>((resolve) => {
      const onMessage = (message: { cancelled?: string; found?: boolean }) => {
        if (message.cancelled !== jobId) return;
        child.off('message', onMessage);
        resolve(message.found === true);
      };
      child.on('message', onMessage);
      child.send({ cancel: jobId });
    });
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { child, pid: child.pid as number, exited, cancel, stop };
}
