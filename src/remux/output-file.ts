import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ProbeResult } from './types.js';

/**
 * A temporary path beside `output`, unique per job and attempt, hidden, and keeping the
 * extension (ffmpeg picks the muxer from it: `out.mp4.part` fails). Beside the output so the
 * final rename never crosses a file system.
 */
export function tempPathFor(output: string, label = 'tmp'): string {
  const extension = extname(output) || '.mp4';
  const stem = basename(output, extname(output));
  return join(dirname(output), `.${stem}.${label}-${process.pid}-${randomBytes(6).toString('hex')}${extension}`);
}

/** What the check of a finished file expects. */
export interface OutputExpectations {
  readonly hasVideo: boolean;
  readonly hasAudio: boolean;
  /** Total duration of the inputs, when known. */
  readonly expectedDurationSec: number | undefined;
}

/** Output shorter than this share of the inputs is not a complete remux. */
const MIN_DURATION_SHARE = 0.5;

/**
 * Pure: why a probed output is not a complete, playable file, or `undefined` when it is.
 * Exit 0 alone proves nothing (ffmpeg 5.1 exits 0 after `Error writing trailer`).
 */
export function findOutputProblem(probe: ProbeResult, sizeBytes: number, expected: OutputExpectations): string | undefined {
  if (sizeBytes === 0) return 'the output file is empty';
  if (!probe.ok) return `ffprobe cannot read the output: ${probe.error ?? 'no streams'}`;
  if (probe.formatName !== undefined && !/mp4|mov/.test(probe.formatName)) return `the output is ${probe.formatName}, not MP4`;
  if (expected.hasVideo && probe.video === undefined) return 'the output has no video stream';
  if (expected.hasAudio && probe.audioTrackCount === 0) return 'the output has no audio stream';
  if (probe.durationSec === undefined || !(probe.durationSec > 0)) return 'the output has no duration';
  if (expected.expectedDurationSec !== undefined && probe.durationSec < expected.expectedDurationSec * MIN_DURATION_SHARE) {
    return `the output lasts ${probe.durationSec.toFixed(1)} s of an expected ${expected.expectedDurationSec.toFixed(1)} s`;
  }
  return undefined;
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Removes a file if it exists; never throws. */
export async function removeQuietly(path: string | undefined): Promise<void> {
  if (path) await rm(path, { force: true }).catch(() => {});
}

/** Writes a small file atomically: a unique temp beside it, then a rename onto it. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = tempPathFor(path, 'write');
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
}

export const sidecarPaths = (output: string) => ({ meta: `${output}.meta.json`, errorLog: `${output}.err.log` });
