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
  /** Media duration of the inputs, when known and trusted (see `mediaDurationOf`). */
  readonly expectedDurationSec: number | undefined;
  /** Audio tracks the output must have. @default 1 when `hasAudio` */
  readonly audioTrackCount?: number;
}

/** What is wrong with an output, and whether another rung can fix it. */
export interface OutputProblem {
  readonly message: string;
  /**
   * A late, short or missing picture, or a hole kept in the timeline: a copy rung may have
   * lost the picture or kept the timestamps, transcode rebuilds both.
   */
  readonly picture: boolean;
}

/** Output shorter than this share of the inputs is not a complete remux. */
const MIN_DURATION_SHARE = 0.5;
/** The picture may start at most this long after the sound. */
export const MAX_PICTURE_DELAY_SEC = 1;
/** The timeline may outlast its longest track by this factor plus {@link TIMELINE_SLACK_SEC}: more is a kept timestamp jump. */
const MAX_TIMELINE_STRETCH = 1.5;
const TIMELINE_SLACK_SEC = 5;

/**
 * Pure: why a probed output is not a complete, playable file, or `undefined` when it is.
 * Exit 0 alone proves nothing (ffmpeg 5.1 exits 0 after `Error writing trailer`). Checks, in
 * order: size, readable MP4, video present, audio tracks, a duration, the picture starting
 * within {@link MAX_PICTURE_DELAY_SEC} of the sound, a video track at least half as long as
 * the audio, a timeline not much longer than its longest track, and at least half the expected
 * duration.
 */
export function findOutputProblem(probe: ProbeResult, sizeBytes: number, expected: OutputExpectations): string | undefined {
  return checkOutput(probe, sizeBytes, expected)?.message;
}

/** {@link findOutputProblem} with the kind of problem. */
export function checkOutput(probe: ProbeResult, sizeBytes: number, expected: OutputExpectations): OutputProblem | undefined {
  const problem = (message: string, picture = false): OutputProblem => ({ message, picture });
  if (sizeBytes === 0) return problem('the output file is empty');
  if (!probe.ok) return problem(`the output cannot be read: ${probe.error ?? 'no streams'}`);
  if (probe.formatName !== undefined && !/mp4|mov/.test(probe.formatName)) return problem(`the output is ${probe.formatName}, not MP4`);
  const streams = probe.streams ?? [];
  const video = streams.find((s) => s.codecType === 'video' && (s.width ?? 0) > 0);
  if (expected.hasVideo && (probe.video === undefined || (streams.length > 0 && video === undefined))) {
    return problem('the output has no video stream', true);
  }
  const wantedAudio = expected.audioTrackCount ?? (expected.hasAudio ? 1 : 0);
  if (probe.audioTrackCount < wantedAudio) return problem(`the output has ${probe.audioTrackCount} audio tracks of ${wantedAudio}`);
  if (probe.durationSec === undefined || !(probe.durationSec > 0)) return problem('the output has no duration');
  const audio = streams.filter((s) => s.codecType === 'audio');
  if (expected.hasVideo && video !== undefined && audio.length > 0) {
    const audioStart = Math.min(...audio.map((s) => s.startTimeSec ?? 0));
    const delay = (video.startTimeSec ?? 0) - audioStart;
    if (delay > MAX_PICTURE_DELAY_SEC) return problem(`the picture starts ${delay.toFixed(2)} s after the sound`, true);
    const audioSec = Math.max(...audio.map((s) => s.durationSec ?? 0));
    const videoSec = video.durationSec;
    if (videoSec !== undefined && audioSec > 2 && videoSec < audioSec * MIN_DURATION_SHARE) {
      return problem(`the video lasts ${videoSec.toFixed(1)} s of the sound's ${audioSec.toFixed(1)} s`, true);
    }
  }
  const longestTrackSec = Math.max(0, ...streams.map((s) => s.durationSec ?? 0));
  if (longestTrackSec > 0 && probe.durationSec > longestTrackSec * MAX_TIMELINE_STRETCH + TIMELINE_SLACK_SEC) {
    return problem(`the timeline runs ${probe.durationSec.toFixed(1)} s for ${longestTrackSec.toFixed(1)} s of media: a timestamp jump was kept`, true);
  }
  if (expected.expectedDurationSec !== undefined && probe.durationSec < expected.expectedDurationSec * MIN_DURATION_SHARE) {
    return problem(`the output lasts ${probe.durationSec.toFixed(1)} s of an expected ${expected.expectedDurationSec.toFixed(1)} s`);
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
