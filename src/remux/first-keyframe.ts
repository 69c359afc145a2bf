import { withFileProtocol } from './file-protocol.js';
import { type ProbeMediaOptions, runFfprobe } from './probe-media.js';

/**
 * Video packets read to find the first keyframe: 600 is 24 s at 25 fps, more than two of the
 * longest broadcast GOPs (8–10 s) and x264's default `keyint=250`.
 */
export const KEYFRAME_SCAN_PACKETS = 600;

/** ffprobe arguments that list the first packets of one stream: `stream_index,pts_time,flags` as CSV. */
export function firstKeyframeArgs(path: string, streamIndex: number): string[] {
  return [
    '-v', 'quiet',
    '-fflags', '+discardcorrupt',
    '-select_streams', String(streamIndex),
    '-show_entries', 'packet=pts_time,dts_time,flags',
    '-read_intervals', `%+#${KEYFRAME_SCAN_PACKETS}`,
    '-of', 'csv=p=0',
    withFileProtocol(path),
  ];
}

/**
 * Pure: the time (seconds, the input's timeline) of the first keyframe in `firstKeyframeArgs`
 * output, or `undefined` when none was listed. Takes the packet's pts, else its dts.
 */
export function parseFirstKeyframe(csv: string): number | undefined {
  for (const line of csv.split(/\r?\n/)) {
    const [pts, dts, flags] = line.split(',');
    if (flags === undefined || !flags.includes('K')) continue;
    const time = Number(pts !== undefined && pts !== 'N/A' && pts !== '' ? pts : dts);
    if (Number.isFinite(time)) return time;
  }
  return undefined;
}

/**
 * Seconds from the input's start (`startTimeSec`, the container's start) to the first keyframe
 * of the video stream, or `undefined` when it cannot be told (no keyframe in the first
 * {@link KEYFRAME_SCAN_PACKETS} packets, ffprobe failed, or an implausible answer).
 */
export async function probeVideoStartSec(
  path: string,
  streamIndex: number,
  startTimeSec: number | undefined,
  options: ProbeMediaOptions,
): Promise<number | undefined> {
  const answer = await runFfprobe(firstKeyframeArgs(path, streamIndex), options);
  if (typeof answer !== 'string' || startTimeSec === undefined) return undefined;
  const keyframeSec = parseFirstKeyframe(answer);
  if (keyframeSec === undefined) return undefined;
  const offsetSec = keyframeSec - startTimeSec;
  return offsetSec >= 0 && offsetSec < 60 ? offsetSec : undefined;
}
