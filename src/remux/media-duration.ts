import type { ProbeResult, StreamPlan } from './types.js';

/** The media duration of a remux, and whether it can be held against the output. */
export interface MediaDuration {
  /** Seconds of media in all parts, when the probe gave any. */
  readonly durationSec: number | undefined;
  /**
   * `false` when the figure cannot be right: it implies fewer bits per second than any real
   * recording has (a timestamp jump, a wrap or another program's clock inflated it). Then the
   * output check does not compare durations and `percent` is not reported.
   */
  readonly trusted: boolean;
}

/** Below this many bits per second of input, a video recording's probed duration is not believed. */
export const MIN_VIDEO_BITRATE_BPS = 32_000;
/** The same bound for a recording without video (radio). */
export const MIN_AUDIO_BITRATE_BPS = 4_000;

/**
 * Pure: the media duration of the parts, from the durations of the chosen streams (a
 * multi-program capture's `format.duration` spans every program's clock: 72,054 s for a few
 * seconds of one service), else the container's. Each part is read with the first part's
 * stream choice; a part without per-stream durations uses its container duration.
 */
export function mediaDurationOf(probes: readonly ProbeResult[], plan: StreamPlan | undefined, totalInputBytes: number): MediaDuration {
  let total = 0;
  for (const probe of probes) {
    const part = partDurationSec(probe, plan);
    if (part === undefined) return { durationSec: undefined, trusted: false };
    total += part;
  }
  const minBitrate = plan?.video === undefined && plan !== undefined ? MIN_AUDIO_BITRATE_BPS : MIN_VIDEO_BITRATE_BPS;
  const trusted = total > 0 && (totalInputBytes * 8) / total >= minBitrate;
  return { durationSec: total, trusted };
}

function partDurationSec(probe: ProbeResult, plan: StreamPlan | undefined): number | undefined {
  const chosen = [plan?.video?.index, ...(plan?.audio.map((track) => track.index) ?? [])].filter((index) => index !== undefined);
  const durations = (probe.streams ?? [])
    .filter((s) => chosen.includes(s.index) && s.durationSec !== undefined && s.durationSec > 0)
    .map((s) => s.durationSec as number);
  if (durations.length > 0) return Math.max(...durations);
  return probe.durationSec !== undefined && probe.durationSec > 0 ? probe.durationSec : undefined;
}
