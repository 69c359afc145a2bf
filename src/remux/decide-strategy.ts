import type { ProbeResult, StrategyDecision } from './types.js';

/** ffprobe codec names (and common aliases) mapped to the names the decision uses. */
const CODEC_ALIASES: Readonly<Record<string, string>> = {
  h264: 'h264',
  avc: 'h264',
  avc1: 'h264',
  hevc: 'hevc',
  h265: 'hevc',
  mpeg2video: 'mpeg2video',
};

/** Normalises a video codec name: lower case, `h265`/`avc` aliases folded. */
export function normalizeVideoCodec(codecName: string): string {
  const lower = codecName.trim().toLowerCase();
  return CODEC_ALIASES[lower] ?? lower;
}

/**
 * Picks the first rung of the ladder from an ffprobe of the first input part:
 *
 * | video | detail | strategy |
 * | --- | --- | --- |
 * | hevc / h265 | any | transcode |
 * | h264 | 10-bit or more | transcode |
 * | h264 | 8-bit | default |
 * | mpeg2video | any | transcode |
 * | any other codec | | unsupported (no ffmpeg run) |
 * | none (radio) | | default, audio only |
 * | probe failed | | default, assuming h264 8-bit |
 *
 * Audio never changes the decision: it is always re-encoded to AAC.
 */
export function decideStrategy(probe: ProbeResult): StrategyDecision {
  const audioTrackCount = probe.audioTrackCount;
  if (!probe.ok || (probe.video === undefined && probe.audio.length === 0)) {
    return {
      strategy: 'default',
      reason: `probe failed (${probe.error ?? 'no audio or video stream'}): assuming h264 8-bit, which corrupt first frames of DVB recordings often hide from ffprobe`,
      videoCodec: 'h264',
      bitDepth: 8,
      audioTrackCount,
      hasVideo: true,
      probeFailed: true,
    };
  }
  const video = probe.video;
  if (video === undefined) {
    return {
      strategy: 'default',
      reason: 'no video stream (radio): audio-only path, the audio is re-encoded to AAC',
      audioTrackCount,
      hasVideo: false,
      probeFailed: false,
    };
  }
  const videoCodec = normalizeVideoCodec(video.codecName);
  const { bitDepth } = video;
  const runnable = (strategy: 'default' | 'transcode', reason: string): StrategyDecision => ({
    strategy,
    reason,
    videoCodec,
    bitDepth,
    audioTrackCount,
    hasVideo: true,
    probeFailed: false,
  });
  switch (videoCodec) {
    case 'hevc':
      return runnable('transcode', 'hevc: browsers cannot play HEVC in MP4, re-encoding to h264');
    case 'mpeg2video':
      return runnable('transcode', 'mpeg2video: not playable in browsers, re-encoding to h264');
    case 'h264':
      return bitDepth > 8
        ? runnable('transcode', `h264 ${bitDepth}-bit: browsers play only 8-bit h264, re-encoding to 8-bit`)
        : runnable('default', 'h264 8-bit: the video can be copied');
    default:
      return {
        strategy: 'unsupported',
        reason: `video codec ${videoCodec} is not supported: no strategy makes it browser-playable`,
        videoCodec,
        bitDepth,
        audioTrackCount,
        hasVideo: true,
        probeFailed: false,
      };
  }
}
