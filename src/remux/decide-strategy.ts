import { type AudioTrackPolicy, describeStreams, selectStreams } from './select-streams.js';
import type { ProbedStream, ProbedVideoStream, ProbeResult, StrategyDecision, StreamPlan } from './types.js';

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

const INTERLACED_FIELD_ORDERS = new Set(['tt', 'bb', 'tb', 'bt']);
/** 4:2:0 8-bit: what browsers decode in H.264. */
const BROWSER_PIX_FMT = /^(yuvj?420p|nv12)$/;

/** Options of {@link decideStrategy}. */
export interface DecideStrategyOptions {
  /** Which audio tracks to keep. @default 'main' */
  readonly audioTracks?: AudioTrackPolicy;
}

/**
 * Picks the first rung of the ladder and the streams from an ffprobe of the first input part:
 *
 * | video | detail | strategy |
 * | --- | --- | --- |
 * | h264 | 8-bit 4:2:0 | default (copy) |
 * | h264 | 10-bit, 4:2:2 or 4:4:4 | transcode |
 * | any other codec ffprobe knows (hevc, mpeg2video, mpeg4, vc1, mpeg1video, …) | | transcode |
 * | a codec ffprobe cannot name | | unsupported (`codec_unsupported`, no ffmpeg run) |
 * | no stream with parameters at all | | unsupported (`no_playable_streams`) |
 * | none (radio) | | default, audio only |
 * | probe failed | | default, assuming h264 8-bit |
 *
 * Streams come from {@link selectStreams}. Audio never changes the strategy: AAC-LC mono or
 * stereo is copied, anything else is re-encoded to AAC.
 */
export function decideStrategy(probe: ProbeResult, options: DecideStrategyOptions = {}): StrategyDecision {
  const audioTrackCount = probe.audioTrackCount;
  const isMpegTs = probe.formatName === undefined || /mpegts/.test(probe.formatName);
  if (!probe.ok || (probe.video === undefined && probe.audio.length === 0)) {
    return {
      strategy: 'default',
      reason: `probe failed (${probe.error ?? 'no audio or video stream'}): assuming h264 8-bit, which corrupt first frames of DVB recordings often hide from ffprobe`,
      videoCodec: 'h264',
      bitDepth: 8,
      audioTrackCount,
      hasVideo: true,
      probeFailed: true,
      isMpegTs,
    };
  }
  // A hand-built probe without `streams` is decided on its first video stream, mapped by type.
  if (probe.streams === undefined) return decideVideo(probe.video, { audioTrackCount, isMpegTs, streams: undefined, index: undefined });
  const choice = selectStreams(probe, options.audioTracks ?? 'main');
  const video = choice.video;
  const streams: StreamPlan = {
    ...(video && {
      video: {
        index: video.index,
        codecName: normalizeVideoCodec(video.codecName),
        interlaced: INTERLACED_FIELD_ORDERS.has(video.fieldOrder ?? ''),
        ...(video.pixFmt !== undefined && { pixFmt: video.pixFmt }),
      },
    }),
    audio: choice.audio.map((s) => ({ index: s.index, codecName: s.codecName, ...(s.language !== undefined && { language: s.language }), copy: isBrowserAac(s) })),
    dropped: choice.dropped,
    ...(choice.programId !== undefined && { programId: choice.programId }),
  };
  if (video === undefined && choice.audio.length === 0) {
    return {
      strategy: 'unsupported',
      kind: 'no_playable_streams',
      reason: `no decodable audio or video stream: found ${describeStreams(probe.streams)}`,
      audioTrackCount,
      hasVideo: false,
      probeFailed: false,
      streams,
    };
  }
  const described = video && { codecName: video.codecName, bitDepth: video.bitDepth ?? 8, ...(video.pixFmt !== undefined && { pixFmt: video.pixFmt }) };
  return decideVideo(described, { audioTrackCount, isMpegTs, streams, index: video?.index });
}

function decideVideo(
  video: Pick<ProbedVideoStream, 'codecName' | 'bitDepth' | 'pixFmt'> | undefined,
  context: { audioTrackCount: number; isMpegTs: boolean; streams: StreamPlan | undefined; index: number | undefined },
): StrategyDecision {
  const { audioTrackCount, isMpegTs, streams } = context;
  const plan = streams === undefined ? {} : { streams };
  if (video === undefined) {
    return {
      strategy: 'default',
      reason: 'no video stream (radio): audio-only path',
      audioTrackCount,
      hasVideo: false,
      probeFailed: false,
      ...plan,
      isMpegTs,
    };
  }
  const videoCodec = normalizeVideoCodec(video.codecName);
  const bitDepth = video.bitDepth;
  const runnable = (strategy: 'default' | 'transcode', reason: string): StrategyDecision => ({
    strategy,
    reason,
    videoCodec,
    bitDepth,
    audioTrackCount,
    hasVideo: true,
    probeFailed: false,
    ...plan,
    isMpegTs,
  });
  if (videoCodec === 'unknown') {
    return {
      strategy: 'unsupported',
      kind: 'codec_unsupported',
      reason: `video stream${context.index === undefined ? '' : ` #${context.index}`} has a codec ffprobe cannot name: no strategy makes it browser-playable`,
      videoCodec,
      bitDepth,
      audioTrackCount,
      hasVideo: true,
      probeFailed: false,
      ...plan,
    };
  }
  if (videoCodec !== 'h264') return runnable('transcode', `${videoCodec}: browsers do not play it in MP4, re-encoding to h264`);
  if (bitDepth > 8) return runnable('transcode', `h264 ${bitDepth}-bit: browsers play only 8-bit h264, re-encoding to 8-bit`);
  if (video.pixFmt !== undefined && !BROWSER_PIX_FMT.test(video.pixFmt)) {
    return runnable('transcode', `h264 ${video.pixFmt}: browsers play only 4:2:0 h264, re-encoding to yuv420p`);
  }
  return runnable('default', 'h264 8-bit 4:2:0: the video can be copied');
}

/** AAC-LC, mono or stereo: plays in every browser as it is, so it is copied. */
function isBrowserAac(s: ProbedStream): boolean {
  return s.codecName === 'aac' && (s.profile === undefined || s.profile === 'LC') && (s.channels ?? 0) >= 1 && (s.channels ?? 0) <= 2;
}
