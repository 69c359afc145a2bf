import type { Job } from 'bullmq';
import { type RemuxLadderOptions, RemuxLadder, type RemuxStrategy } from 'ffmpeg-supervisor';
import { type RemuxJobData, readRemuxJobData, requireInputFiles } from './job-data.js';
import { type JobProcessorOptions, resolveJobProcessorOptions, validateOptionalFunction } from './options.js';
import { isParentDeathSignalAvailable } from './parent-death.js';
import { runJobAttempt } from './run-job.js';

/** What a remux job returns (its `returnvalue`): small and plain JSON. */
export interface RemuxJobResult {
  readonly output: string;
  readonly strategy: RemuxStrategy;
  readonly durationMs: number;
  /** Every strategy run, in order: the ladder's climb. */
  readonly attempts: ReadonlyArray<{ readonly strategy: RemuxStrategy; readonly kind: string; readonly durationMs: number }>;
}

export interface RemuxProcessorOptions extends JobProcessorOptions {
  /**
   * Options of the job's `RemuxLadder` (one ladder per job), or a function of the job that
   * returns them. `parentDeathSignal` defaults to `true` where it works (Linux with `setpriv`),
   * so a SIGKILLed worker leaves no ffmpeg behind.
   */
  readonly ladder?: RemuxLadderOptions | ((job: Job) => RemuxLadderOptions);
  /** Reads the request from a job. @default checks `job.data` as {@link RemuxJobData} */
  readonly readJob?: (job: Job) => RemuxJobData;
  /** Called with each job's ladder before it runs: wire metrics or logs to its events here. */
  readonly onLadder?: (ladder: RemuxLadder, job: Job) => void;
}

/** A BullMQ processor, `(job, token, signal) => Promise`, as `new Worker(name, processor)` takes it. */
export type JobProcessor<R> = (job: Job, token?: string, signal?: AbortSignal) => Promise<R>;

/**
 * A processor that remuxes a recording per job with `RemuxLadder`: progress (percent, strategy,
 * media time, speed) to `job.updateProgress` at most once a second, the worker's `AbortSignal`
 * (`worker.cancelJob`, `abortJobsOnClose`) passed to the ladder, failures mapped to BullMQ's
 * retry model by the retry policy, and a `failedReason` that carries the kind and ffmpeg's last
 * stderr lines.
 */
export function createRemuxProcessor(options: RemuxProcessorOptions = {}): JobProcessor<RemuxJobResult> {
  const resolved = resolveJobProcessorOptions(options);
  validateOptionalFunction(options.readJob, 'readJob');
  validateOptionalFunction(options.onLadder, 'onLadder');
  const ladderOptionsFor = typeof options.ladder === 'function' ? options.ladder : () => options.ladder as RemuxLadderOptions | undefined;
  if (typeof options.ladder !== 'function') new RemuxLadder(withDefaults(options.ladder)); // validates the options now, not per job
  const readJob = options.readJob ?? ((job: Job) => readRemuxJobData(job.data));

  // Three declared parameters: BullMQ passes the AbortSignal only to processors that take it.
  return (job, token, signal) =>
    runJobAttempt(job, token, signal, resolved, async (reportProgress) => {
      const request = readRemuxJobData(readJob(job));
      await requireInputFiles(request.inputs);
      const ladder = new RemuxLadder(withDefaults(ladderOptionsFor(job)));
      ladder.on('progress', reportProgress);
      options.onLadder?.(ladder, job);
      const result = await ladder.remux({ ...request, signal });
      return {
        output: result.output,
        strategy: result.strategy,
        durationMs: Math.round(result.durationMs),
        attempts: result.attempts.map((attempt) => ({ strategy: attempt.strategy, kind: attempt.kind, durationMs: Math.round(attempt.durationMs) })),
      };
    });
}

function withDefaults(ladder: RemuxLadderOptions | undefined): RemuxLadderOptions {
  return { ...ladder, parentDeathSignal: ladder?.parentDeathSignal ?? isParentDeathSignalAvailable() };
}
