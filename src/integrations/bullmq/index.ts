export { abortJobsOnClose, type ClosingWorker, isWorkerClosing, WORKER_CLOSING_REASON } from './abort-on-close.js';
export { createFfmpegProcessor, type FfmpegJobResult, type FfmpegProcessorOptions, type WorkerSupervisorOptions } from './ffmpeg-processor.js';
export { BadJobInputError, failureKindOf, stderrTailOf } from './failure-kind.js';
export { formatFailureReason, kindOfFailureReason, lastLines } from './failure-reason.js';
export { type FfmpegJobData, type RemuxJobData, readFfmpegJobData, readRemuxJobData } from './job-data.js';
export { type JobFailureError, toJobError } from './job-error.js';
export { type JobProgressPayload, toJobProgress } from './job-progress.js';
export { JOB_PROCESSOR_DEFAULTS, type JobProcessorOptions } from './options.js';
export { isParentDeathSignalAvailable } from './parent-death.js';
export { ProgressThrottle } from './progress-throttle.js';
export { createRemuxProcessor, type JobProcessor, type RemuxJobResult, type RemuxProcessorOptions } from './remux-processor.js';
export {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  KNOWN_FAILURE_KINDS,
  type KnownFailureKind,
  mergeRetryPolicy,
  type RetryDecision,
  type RetryPolicy,
  type RetryPolicyOverrides,
} from './retry-policy.js';
