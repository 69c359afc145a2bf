import { randomUUID } from 'node:crypto';
import { realpath, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import type { RemuxError } from './errors.js';
import type { RemuxRequest } from './ladder-types.js';
import { validateAudioTrackPolicy } from './select-streams.js';

/** Builds a `RemuxError` that carries the attempts made so far. */
export type FailRemux = (kind: RemuxError['kind'], message: string, extra?: { outcome?: FfmpegOutcome; cause?: unknown }) => RemuxError;

/** Checks a `remux()` request's shape; a `TypeError` names the bad field. */
export function validateRequest(request: RemuxRequest): { inputs: readonly string[]; output: string; id: string } {
  if (request === null || typeof request !== 'object') throw new TypeError('remux() needs { inputs, output }.');
  const { inputs, output } = request;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((input) => typeof input === 'string' && input.length > 0)) {
    throw new TypeError(`remux(): \`inputs\` must be a non-empty array of paths; got ${JSON.stringify(inputs)}.`);
  }
  if (typeof output !== 'string' || output.length === 0) {
    throw new TypeError(`remux(): \`output\` must be a non-empty path; got ${JSON.stringify(output)}.`);
  }
  if (inputs.includes(output)) throw new TypeError(`remux(): \`output\` must not be one of the inputs (${output}).`);
  if (request.id !== undefined && (typeof request.id !== 'string' || request.id.length === 0)) {
    throw new TypeError(`remux(): \`id\` must be a non-empty string; got ${JSON.stringify(request.id)}.`);
  }
  if (request.timeoutMs !== undefined && !(typeof request.timeoutMs === 'number' && request.timeoutMs > 0 && Number.isFinite(request.timeoutMs))) {
    throw new TypeError(`remux(): \`timeoutMs\` must be a positive number; got ${JSON.stringify(request.timeoutMs)}.`);
  }
  validateAudioTrackPolicy(request.audioTracks, 'remux(): audioTracks');
  return { inputs, output, id: request.id ?? randomUUID() };
}

/** Total bytes of all parts (each must be a readable regular file). */
export async function totalSizeOf(
  inputs: readonly string[],
  fail: FailRemux,
): Promise<number> {
  let total = 0;
  for (const [index, input] of inputs.entries()) {
    try {
      const info = await stat(input);
      if (!info.isFile()) throw Object.assign(new Error(`${input} is not a regular file`), { code: 'EISDIR' });
      total += info.size;
    } catch (error) {
      throw fail('input_unreadable', `input part ${index} (${input}) cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }
  return total;
}

/** The output's directory must exist before anything runs: ffmpeg would name only the temp file. */
export async function requireDirectory(
  directory: string,
  fail: FailRemux,
): Promise<void> {
  try {
    if ((await stat(directory)).isDirectory()) return;
  } catch (error) {
    throw fail('output_dir_missing', `the output directory ${directory} does not exist or cannot be read`, { cause: error });
  }
  throw fail('output_dir_missing', `the output directory ${directory} is not a directory`);
}

/**
 * The output must be a file path that is none of the inputs: an existing directory, or the
 * same file as an input reached through `./`, `..`, a symlinked directory or a symlink, is
 * refused before anything runs (the input is never touched). Real paths are compared; an
 * output that does not exist yet is its directory's real path plus its name.
 */
export async function requireOutputPath(inputs: readonly string[], output: string, fail: FailRemux): Promise<void> {
  const info = await stat(output).catch(() => undefined);
  if (info?.isDirectory()) throw fail('output_is_directory', `the output ${output} is a directory, not a file path`);
  const outputReal = info ? await realpath(output) : join(await realpath(dirname(resolve(output))), basename(output));
  for (const [index, input] of inputs.entries()) {
    if ((await realpath(input)) === outputReal) {
      throw fail('output_is_input', `the output ${output} is input part ${index} (${input}): refusing to overwrite the recording`);
    }
  }
}

/** Free space below this refuses any remux: nothing useful fits. */
const MIN_FREE_BYTES = 1024 * 1024;

/** A disk that is already full fails before ffmpeg starts (`no_space`); `neededBytes` is at least 1 MiB. */
export async function requireFreeSpace(output: string, neededBytes: number, fail: FailRemux): Promise<void> {
  const free = await freeBytesAt(dirname(output));
  const needed = Math.max(neededBytes, MIN_FREE_BYTES);
  if (free !== undefined && free < needed) {
    throw fail('no_space', `not enough free space for ${output}: ${free} bytes free, ${needed} needed`);
  }
}

/** Free bytes for an unprivileged writer on the file system holding `directory`, or `undefined` when unknown. */
export async function freeBytesAt(directory: string): Promise<number | undefined> {
  try {
    const info = await statfs(directory);
    return Number(info.bavail) * Number(info.bsize);
  } catch {
    return undefined;
  }
}
