import { stat } from 'node:fs/promises';
import { BadJobInputError } from './failure-kind.js';

/** `job.data` of a remux job (what `createRemuxProcessor` reads by default). */
export interface RemuxJobData {
  /** One recording, or its parts in order. */
  readonly inputs: readonly string[];
  /** The MP4 to create (written only by an atomic rename of a checked file). */
  readonly output: string;
  /** Overall budget for this attempt. @default remuxDeadlineMs(total input bytes) */
  readonly timeoutMs?: number;
}

/** `job.data` of a plain ffmpeg job (what `createFfmpegProcessor` reads by default). */
export interface FfmpegJobData {
  /** ffmpeg arguments, without `-progress` (the supervisor adds it). */
  readonly args: readonly string[];
  /** Enables `percent` in the job's progress. */
  readonly expectedDurationUs?: number;
  /** Overall deadline of this attempt. */
  readonly timeoutMs?: number;
}

/** Checks a remux job's data; a {@link BadJobInputError} names the bad field. */
export function readRemuxJobData(data: unknown): RemuxJobData {
  const record = requireObject(data, '{ inputs, output }');
  const { inputs, output, timeoutMs } = record;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every(isNonEmptyString)) {
    throw new BadJobInputError(`job.data.inputs must be a non-empty array of paths; got ${describe(inputs)}`);
  }
  if (!isNonEmptyString(output)) throw new BadJobInputError(`job.data.output must be a non-empty path; got ${describe(output)}`);
  return { inputs, output, timeoutMs: readTimeout(timeoutMs) };
}

/** Checks a plain ffmpeg job's data; a {@link BadJobInputError} names the bad field. */
export function readFfmpegJobData(data: unknown): FfmpegJobData {
  const record = requireObject(data, '{ args }');
  const { args, expectedDurationUs, timeoutMs } = record;
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
    throw new BadJobInputError(`job.data.args must be an array of strings; got ${describe(args)}`);
  }
  if (expectedDurationUs !== undefined && !isPositiveNumber(expectedDurationUs)) {
    throw new BadJobInputError(`job.data.expectedDurationUs must be a positive number; got ${describe(expectedDurationUs)}`);
  }
  return { args, expectedDurationUs, timeoutMs: readTimeout(timeoutMs) };
}

/** Every input must be a readable regular file: a missing recording is bad input, not a reason to retry. */
export async function requireInputFiles(inputs: readonly string[]): Promise<void> {
  for (const input of inputs) {
    let isFile: boolean;
    try {
      isFile = (await stat(input)).isFile();
    } catch (error) {
      throw new BadJobInputError(`input ${input} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    if (!isFile) throw new BadJobInputError(`input ${input} is not a regular file`);
  }
}

function requireObject(data: unknown, shape: string): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new BadJobInputError(`job.data must be an object like ${shape}; got ${describe(data)}`);
  return data as Record<string, unknown>;
}

function readTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!isPositiveNumber(value)) throw new BadJobInputError(`job.data.timeoutMs must be a positive number; got ${describe(value)}`);
  return value;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
