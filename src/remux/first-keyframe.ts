import { withFileProtocol } from './file-protocol.js';
import { type ProbeMediaOptions, runFfprobe } from './probe-media.js';

/**
 * Video packets read to find the first keyframe: 600 is 24 s at 25 fps, more than two of the
 * longest broadcast GOPs (8–10 s) and x264's default `keyint=250`.
 */
export const KEYFRAME_SCAN_PACKETS = 600;

/**
 * ffprobe arguments that list the first packets of one stream (`pts_time`, `dts_time`, `flags`)
 * as JSON. `-show_format` is there too: it marks the call as an ffprobe run for the test kit's
 * fake, which answers ffprobe only.
 */
export function firstKeyframeArgs(path: string, streamIndex: number): string[] {
  return [
    '-v', 'quiet',
    '-fflags', '+discardcorrupt',
    '-select_streams', String(streamIndex),
    '-show_entries', 'packet=pts_time,dts_time,flags:format=format_name',
    '-show_format',
    '-read_intervals', `%+#${KEYFRAME_SCAN_PACKETS}`,
    '-print_format', 'json',
    withFileProtocol(path),
  ];
}

/**
 * Packets of all streams the ladder's input probe lists (`probeArgs(path, { packets })`), so
 * the first keyframe is usually found without a second ffprobe: 600 is 10 s of one video and
 * one audio stream, over 2 s of a DVB service with five audio tracks and teletext, where a GOP
 * lasts 0.5–2 s. When the chosen stream has no keyframe among them, {@link probeVideoStartSec}
 * scans that stream alone. Each 100 packets cost the probe about 1–2 ms of CPU (measured on
 * 720p H.264 + AC-3, BENCHMARKS.md).
 */
export const INPUT_PROBE_PACKETS = 600;

/**
 * Pure: the time (seconds, the input's timeline) of the first keyframe (`K` in `flags`) in the
 * JSON of {@link firstKeyframeArgs}, or of `probeArgs(path, { packets })` with `streamIndex`
 * naming the stream; `undefined` when none was listed or the text is not that JSON. Takes the
 * packet's pts, else its dts.
 */
export function parseFirstKeyframe(jsonText: string, streamIndex?: number): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch {
    return undefined;
  }
  const packets = (parsed as { packets?: unknown })?.packets;
  if (!Array.isArray(packets)) return undefined;
  for (const packet of packets as Array<Record<string, unknown>>) {
    if (typeof packet?.['flags'] !== 'string' || !packet['flags'].includes('K')) continue;
    if (streamIndex !== undefined && packet['stream_index'] !== undefined && packet['stream_index'] !== streamIndex) continue;
    const time = Number(packet['pts_time'] ?? packet['dts_time']);
    if (Number.isFinite(time)) return time;
    const dts = Number(packet['dts_time']);
    if (Number.isFinite(dts)) return dts;
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
  return typeof answer === 'string' ? keyframeOffsetSec(parseFirstKeyframe(answer), startTimeSec) : undefined;
}

/** Seconds from the input's start to a keyframe, or `undefined` when either is unknown or the answer is implausible. */
export function keyframeOffsetSec(keyframeSec: number | undefined, startTimeSec: number | undefined): number | undefined {
  if (keyframeSec === undefined || startTimeSec === undefined) return undefined;
  const offsetSec = keyframeSec - startTimeSec;
  return offsetSec >= 0 && offsetSec < 60 ? offsetSec : undefined;
}
