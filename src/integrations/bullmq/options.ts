import { type Clock, systemClock } from 'ffmpeg-supervisor';
import { mergeRetryPolicy, type RetryPolicy, type RetryPolicyOverrides } from './retry-policy.js';

/** Options every processor factory takes. */
export interface JobProcessorOptions {
  /** At most one `job.updateProgress()` per job per this many ms (the latest value wins). @default 1_000 */
  readonly progressIntervalMs?: number;
  /** ffmpeg stderr lines appended to the job's `failedReason`. @default 10 */
  readonly stderrLines?: number;
  /** Overrides of {@link DEFAULT_RETRY_POLICY}, e.g. `{ kinds: { timeout: 'fail' } }`. */
  readonly retryPolicy?: RetryPolicyOverrides;
  /** Time source of the progress throttle. @default the system clock */
  readonly clock?: Clock;
}

export interface ResolvedJobProcessorOptions {
  readonly progressIntervalMs: number;
  readonly stderrLines: number;
  readonly retryPolicy: RetryPolicy;
  readonly clock: Clock;
}

export const JOB_PROCESSOR_DEFAULTS = Object.freeze({ progressIntervalMs: 1_000, stderrLines: 10 });

/** Fills in the defaults and checks every value; a `TypeError` names the option and the bad value. */
export function resolveJobProcessorOptions(options: JobProcessorOptions): ResolvedJobProcessorOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`processor options must be an object; got ${String(options)}.`);
  const { progressIntervalMs = JOB_PROCESSOR_DEFAULTS.progressIntervalMs, stderrLines = JOB_PROCESSOR_DEFAULTS.stderrLines, clock = systemClock } = options;
  if (!(typeof progressIntervalMs === 'number' && Number.isFinite(progressIntervalMs) && progressIntervalMs >= 0)) {
    throw new TypeError(`The \`progressIntervalMs\` option must be a number ≥ 0; got ${JSON.stringify(progressIntervalMs)}.`);
  }
  if (!(Number.isInteger(stderrLines) && stderrLines >= 0)) {
    throw new TypeError(`The \`stderrLines\` option must be an integer ≥ 0; got ${JSON.stringify(stderrLines)}.`);
  }
  if (clock === null || typeof clock !== 'object' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw new TypeError(`The \`clock\` option must have now, setTimeout() and clearTimeout(); got ${String(clock)}.`);
  }
  return { progressIntervalMs, stderrLines, retryPolicy: mergeRetryPolicy(options.retryPolicy), clock };
}

/** Checks that an option is a function when given. */
export function validateOptionalFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`The \`${name}\` option must be a function; got ${String(value)}.`);
}
