import type { FakeProbe } from './format.js';

/** What the fake ffprobe describes when a scenario has no `probe`: an H.264 8-bit + AC-3 broadcast recording. */
export const DEFAULT_FAKE_PROBE: Required<FakeProbe> = Object.freeze({
  durationSec: 60,
  videoCodec: 'h264',
  pixFmt: 'yuv420p',
  audioCodecs: Object.freeze(['ac3']),
});

const MP4_PATH = /\.(mp4|m4v|m4a|mov)$/i;
const FRAME_RATE = 25;
const VIDEO_TIME_BASE = 12_800;
const AUDIO_RATE = 48_000;

type Stream = Record<string, unknown>;

/**
 * The JSON ffprobe prints for the ladder's `probeArgs(path)`. An MPEG-TS input is described as
 * the scenario's `probe` says; an MP4 (the ladder checking its output) as a complete file of
 * what the ladder makes: 8-bit H.264 (`yuv420p`) and AAC-LC, every stream starting at 0 and
 * lasting the scenario's duration, in an `isom` MP4.
 */
export function renderProbeJson(probe: FakeProbe | undefined, path: string): string {
  const resolved = { ...DEFAULT_FAKE_PROBE, ...probe };
  const json = MP4_PATH.test(path) ? describeMp4(resolved, path) : describeTransportStream(resolved, path);
  return `${JSON.stringify(json, null, 4)}\n`;
}

function describeTransportStream({ durationSec, videoCodec, pixFmt, audioCodecs }: Required<FakeProbe>, path: string) {
  const streams: Stream[] = [];
  if (videoCodec !== 'none') {
    streams.push({
      index: 0,
      codec_name: videoCodec,
      profile: videoCodec === 'h264' ? 'High' : 'Main',
      codec_type: 'video',
      width: 1280,
      height: 720,
      pix_fmt: pixFmt,
      level: 40,
      ...(videoCodec === 'h264' && { bits_per_raw_sample: /1[02]le$/.test(pixFmt) ? '10' : '8' }),
      disposition: { default: 1, attached_pic: 0 },
    });
  }
  for (const codec of audioCodecs) {
    streams.push({
      index: streams.length,
      codec_name: codec,
      codec_type: 'audio',
      sample_rate: String(AUDIO_RATE),
      channels: 2,
      channel_layout: 'stereo',
      disposition: { default: 1, attached_pic: 0 },
    });
  }
  return { programs: [], streams, format: { filename: path, nb_streams: streams.length, format_name: 'mpegts', duration: durationSec.toFixed(6) } };
}

function describeMp4({ durationSec, videoCodec, audioCodecs }: Required<FakeProbe>, path: string) {
  const duration = durationSec.toFixed(6);
  const streams: Stream[] = [];
  if (videoCodec !== 'none') {
    streams.push({
      index: 0,
      codec_name: 'h264',
      codec_long_name: 'H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10',
      profile: 'High',
      codec_type: 'video',
      codec_tag_string: 'avc1',
      width: 1280,
      height: 720,
      pix_fmt: 'yuv420p',
      level: 40,
      r_frame_rate: `${FRAME_RATE}/1`,
      avg_frame_rate: `${FRAME_RATE}/1`,
      time_base: `1/${VIDEO_TIME_BASE}`,
      start_pts: 0,
      start_time: '0.000000',
      duration_ts: Math.round(durationSec * VIDEO_TIME_BASE),
      duration,
      nb_frames: String(Math.round(durationSec * FRAME_RATE)),
      bits_per_raw_sample: '8',
      disposition: { default: 1, attached_pic: 0 },
    });
  }
  // The ladder maps one audio track (`-map 0:a:0?`).
  if (audioCodecs.length > 0) {
    streams.push({
      index: streams.length,
      codec_name: 'aac',
      codec_long_name: 'AAC (Advanced Audio Coding)',
      profile: 'LC',
      codec_type: 'audio',
      codec_tag_string: 'mp4a',
      sample_fmt: 'fltp',
      sample_rate: String(AUDIO_RATE),
      channels: 2,
      channel_layout: 'stereo',
      time_base: `1/${AUDIO_RATE}`,
      start_pts: 0,
      start_time: '0.000000',
      duration_ts: Math.round(durationSec * AUDIO_RATE),
      duration,
      bit_rate: '192000',
      disposition: { default: 1, attached_pic: 0 },
    });
  }
  return {
    programs: [],
    streams,
    format: {
      filename: path,
      nb_streams: streams.length,
      nb_programs: 0,
      format_name: 'mov,mp4,m4a,3gp,3g2,mj2',
      format_long_name: 'QuickTime / MOV',
      start_time: '0.000000',
      duration,
      probe_score: 100,
      tags: { major_brand: 'isom', minor_version: '512', compatible_brands: 'isomiso2avc1mp41', encoder: 'Lavf59.27.100' },
    },
  };
}
