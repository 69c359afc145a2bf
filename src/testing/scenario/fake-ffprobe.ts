import type { FakeProbe } from './format.js';

/** What the fake ffprobe describes when a scenario has no `probe`: an H.264 8-bit + AC-3 broadcast recording. */
export const DEFAULT_FAKE_PROBE: Required<FakeProbe> = Object.freeze({
  durationSec: 60,
  videoCodec: 'h264',
  pixFmt: 'yuv420p',
  audioCodecs: Object.freeze(['ac3']),
});

const MP4_PATH = /\.(mp4|m4v|m4a|mov)$/i;

/**
 * The JSON ffprobe prints for the ladder's `probeArgs(path)`. An MPEG-TS input is described as
 * the scenario's `probe` says; an MP4 (the ladder checking its output) as what the ladder makes
 * of it: the same video (8-bit H.264 when re-encoded), AAC audio, the same duration.
 */
export function renderProbeJson(probe: FakeProbe | undefined, path: string): string {
  const { durationSec, videoCodec, pixFmt, audioCodecs } = { ...DEFAULT_FAKE_PROBE, ...probe };
  const isMp4 = MP4_PATH.test(path);
  const streams: Array<Record<string, unknown>> = [];
  if (videoCodec !== 'none') {
    const outputCodec = isMp4 ? 'h264' : videoCodec;
    const outputPixFmt = isMp4 ? 'yuv420p' : pixFmt;
    streams.push({
      codec_name: outputCodec,
      profile: outputCodec === 'h264' ? 'High' : 'Main',
      codec_type: 'video',
      width: 1280,
      height: 720,
      pix_fmt: outputPixFmt,
      level: 40,
      ...(outputCodec === 'h264' && { bits_per_raw_sample: /1[02]le$/.test(outputPixFmt) ? '10' : '8' }),
      disposition: { default: 1, attached_pic: 0 },
    });
  }
  for (const codec of audioCodecs) {
    streams.push({
      codec_name: isMp4 ? 'aac' : codec,
      codec_type: 'audio',
      sample_rate: '48000',
      channels: 2,
      channel_layout: 'stereo',
      disposition: { default: 1, attached_pic: 0 },
    });
  }
  const format = { format_name: isMp4 ? 'mov,mp4,m4a,3gp,3g2,mj2' : 'mpegts', duration: durationSec.toFixed(6) };
  return `${JSON.stringify({ programs: [], streams, format }, null, 4)}\n`;
}
