import type { Job } from 'bullmq';
import { FfmpegSupervisor, type FfmpegSupervisorOptions } from 'ffmpeg-supervisor';
import { type FfmpegJobData, readFfmpegJobData } from './job-data.js';
import { type JobProcessorOptions, resolveJobProcessorOptions, validateOptionalFunction } from './options.js';
import { isParentDeathSignalAvailable } from './parent-death.js';
import type { JobProcessor } from './remux-processor.js';
import { runJobAttempt } from './run-job.js';

/** What a plain ffmpeg job returns (its `returnvalue`). */
export interface FfmpegJobResult {
  readonly durationMs: number;
  /** Media time of the last progress block, in microseconds. */
  readonly outTimeUs: number | undefined;
}

/** Supervisor options a worker sets; `args`, `expectedDurationUs` and `timeoutMs` come from the job, `signal` from BullMQ. */
export type WorkerSupervisorOptions = Omit<FfmpegSupervisorOptions, 'args' | 'signal' | 'expectedDurationUs' | 'timeoutMs'>;

export interface FfmpegProcessorOptions extends JobProcessorOptions {
  /**
   * Options of each job's `FfmpegSupervisor`, or a function of the job that returns them.
   * `parentDeathSignal` defaults to `true` where it works (Linux with `setpriv`).
   */
  readonly supervisor?: WorkerSupervisorOptions | ((job: Job) => WorkerSupervisorOptions);
  /** Reads the run from a job. @default checks `job.data` as {@link FfmpegJobData} */
  readonly readJob?: (job: Job) => FfmpegJobData;
  /** Called with each job's supervisor before it runs: wire metrics or logs to its events here. */
  readonly onSupervisor?: (supervisor: FfmpegSupervisor, job: Job) => void;
}

/**
 * A processor that runs one supervised ffmpeg per job: the same progress, cancellation and
 * retry mapping as {@link createRemuxProcessor}, with the outcome's `reason` as the failure kind.
 * The job's data says what ffmpeg runs: only let trusted producers add jobs to such a queue.
 */
export function createFfmpegProcessor(options: FfmpegProcessorOptions = {}): JobProcessor<FfmpegJobResult> {
  const resolved = resolveJobProcessorOptions(options);
  validateOptionalFunction(options.readJob, 'readJob');
  validateOptionalFunction(options.onSupervisor, 'onSupervisor');
  const supervisorOptionsFor = typeof options.supervisor === 'function' ? options.supervisor : () => options.supervisor as WorkerSupervisorOptions | undefined;
  if (typeof options.supervisor !== 'function') validateSupervisorOptions(options.supervisor);
  const readJob = options.readJob ?? ((job: Job) => readFfmpegJobData(job.data));

  return (job, token, signal) =>
    runJobAttempt(job, token, signal, resolved, async (reportProgress) => {
      const run = readFfmpegJobData(readJob(job));
      const supervisor = new FfmpegSupervisor({
        ...withDefaults(supervisorOptionsFor(job)),
        args: run.args,
        expectedDurationUs: run.expectedDurationUs,
        timeoutMs: run.timeoutMs,
        signal,
      });
      supervisor.on('progress', reportProgress);
      options.onSupervisor?.(supervisor, job);
      const outcome = await supervisor.run();
      return { durationMs: Math.round(outcome.durationMs), outTimeUs: outcome.lastProgress?.outTimeUs };
    });
}

/** Checks the options now, not per job, without looking up a binary (a spawn that is never called stands in). */
function validateSupervisorOptions(supervisor: WorkerSupervisorOptions | undefined): void {
  new FfmpegSupervisor({ ...withDefaults(supervisor), args: [], spawn: supervisor?.spawn ?? neverSpawn });
}

function neverSpawn(): never {
  throw new Error('not called: the supervisor is only constructed to check its options');
}

function withDefaults(supervisor: WorkerSupervisorOptions | undefined): WorkerSupervisorOptions {
  return { ...supervisor, parentDeathSignal: supervisor?.parentDeathSignal ?? isParentDeathSignalAvailable() };
}
