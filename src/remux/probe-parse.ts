import { withFileProtocol } from './file-protocol.js';
import type { ProbedAudioStream, ProbedStream, ProbedVideoStream, ProbeResult } from './types.js';
import { ANALYZE_ARGS } from './analyze-limits.js';

/** The stream and format fields the ladder reads; ffprobe prints only these. */
export const PROBE_ENTRIES =
  'stream=index,id,codec_type,codec_name,profile,level,pix_fmt,bits_per_raw_sample,' +
  'sample_rate,channels,channel_layout,width,height,field_order,start_time,duration' +
  ':stream_disposition=attached_pic,visual_impaired,hearing_impaired,clean_effects' +
  ':stream_tags=language:program=program_id:format=duration,start_time,format_name';

/** The packet fields listed with `probeArgs(path, { packets })`. */
export const PACKET_ENTRIES = 'packet=stream_index,pts_time,dts_time,flags';

export interface ProbeArgsOptions {
  /**
   * Also list the first `packets` packets of all streams ({@link PACKET_ENTRIES}), read in the
   * same run: the ladder finds the video's first keyframe there (`parseFirstKeyframe`) instead
   * of starting a second ffprobe. @default 0
   */
  readonly packets?: number;
  /**
   * Read up to 20 s / 50 MB for the streams' parameters (`ANALYZE_ARGS`), where ffprobe's own
   * limits are 5 s / 5 MB. An MPEG-TS is read to the limit whatever it holds, so the long read
   * costs two to three times as much; the ladder asks for it only when a stream came back
   * without parameters (`needsLongAnalysis`). @default true
   */
  readonly longAnalysis?: boolean;
}

/**
 * The ffprobe arguments for one input. `-show_entries` narrows the output of `-show_streams`
 * and `-show_format` to {@link PROBE_ENTRIES} (plus `disposition`); both the 2023 static
 * ffprobe and ffprobe 5.1 print the same JSON for these arguments. The input gets a `file:`
 * prefix so a name such as `concat:x.ts` is not read as a protocol.
 */
export function probeArgs(inputPath: string, options: ProbeArgsOptions = {}): string[] {
  if (typeof inputPath !== 'string' || inputPath === '') {
    throw new TypeError(`probeArgs: inputPath must be a non-empty string, got ${JSON.stringify(inputPath)}`);
  }
  const packets = options.packets ?? 0;
  if (!Number.isSafeInteger(packets) || packets < 0) {
    throw new TypeError(`probeArgs: options.packets must be a whole number of packets (0 or more), got ${JSON.stringify(packets)}`);
  }
  return [
    '-v', 'quiet',
    ...(options.longAnalysis === false ? [] : ANALYZE_ARGS),
    '-fflags', '+discardcorrupt',
    '-print_format', 'json',
    '-show_programs',
    '-show_streams',
    '-show_format',
    '-show_entries', packets > 0 ? `${PROBE_ENTRIES}:${PACKET_ENTRIES}` : PROBE_ENTRIES,
    ...(packets > 0 ? ['-read_intervals', `%+#${packets}`] : []),
    withFileProtocol(inputPath),
  ];
}

/**
 * Pure: whether a probe made with ffprobe's own analysis limits (`longAnalysis: false`) left
 * something out that a longer read can find: no usable answer, or a video or audio stream without
 * its parameters (no dimensions, no sample rate). A recording cut before its first keyframe, a
 * declared PID whose packets come late, or one without packets at all (then the longer read
 * confirms it).
 */
export function needsLongAnalysis(probe: ProbeResult): boolean {
  if (!probe.ok) return true;
  return (probe.streams ?? []).some(
    (s) => (s.codecType === 'video' && !s.attachedPicture && !((s.width ?? 0) > 0)) || (s.codecType === 'audio' && !((s.sampleRate ?? 0) > 0)),
  );
}

// p10/p12/p14/p16 (yuv420p10le, gbrp12be), p010/p016/p210 (semi-planar), gray10le; 9-bit too.
const HIGH_DEPTH_PIX_FMT = /(?:p[0-4]?|gray)(9|1[0246])(?:le|be)?$/;

/**
 * Bits per sample of a video stream: from the pixel format's depth suffix first, then from
 * `bits_per_raw_sample` (ffprobe prints it as a string), else 8.
 */
export function bitDepthOf(pixFmt?: string, bitsPerRawSample?: string | number): number {
  const fromPixFmt = pixFmt === undefined ? undefined : HIGH_DEPTH_PIX_FMT.exec(pixFmt.toLowerCase())?.[1];
  if (fromPixFmt !== undefined) return Number(fromPixFmt);
  const raw = toNumber(bitsPerRawSample);
  return raw !== undefined && Number.isInteger(raw) && raw > 0 ? raw : 8;
}

/**
 * Reads the JSON that ffprobe prints for {@link probeArgs}. Pure and total: unreadable text,
 * an empty answer (`{}`, what ffprobe prints for a missing file) or an answer with neither
 * audio nor video gives `ok: false` with an `error`, never a throw. A file with audio and no
 * video (radio) is `ok`.
 */
export function parseProbeJson(jsonText: string): ProbeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch (error) {
    return failed(`ffprobe output is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) return failed('ffprobe output is not a JSON object');

  const streams = Array.isArray(parsed['streams']) ? parsed['streams'].filter(isRecord) : [];
  const format = isRecord(parsed['format']) ? parsed['format'] : {};
  const programsOf = programMembership(parsed['programs']);
  const videoStream = streams.find((s) => s['codec_type'] === 'video' && !isAttachedPicture(s));
  const audio = streams.filter((s) => s['codec_type'] === 'audio').map(toAudio);
  const video = videoStream === undefined ? undefined : toVideo(videoStream);
  const durationSec = toNumber(format['duration']);
  const startTimeSec = toNumber(format['start_time']);
  const formatName = toText(format['format_name']);

  const result: ProbeResult = {
    ok: video !== undefined || audio.length > 0,
    ...(video && { video }),
    audio,
    audioTrackCount: audio.length,
    ...(durationSec !== undefined && { durationSec }),
    ...(startTimeSec !== undefined && { startTimeSec }),
    ...(formatName !== undefined && { formatName }),
    streams: streams.map((s, position) => toStream(s, position, programsOf)),
  };
  return result.ok ? result : { ...result, error: 'ffprobe found no audio or video stream' };
}

function toVideo(s: Record<string, unknown>): ProbedVideoStream {
  const pixFmt = toText(s['pix_fmt']);
  const bitsPerRawSample = toNumber(s['bits_per_raw_sample']);
  return dropUndefined({
    codecName: toText(s['codec_name'])?.toLowerCase() ?? 'unknown',
    profile: toText(s['profile']),
    level: toNumber(s['level']),
    pixFmt,
    bitsPerRawSample,
    bitDepth: bitDepthOf(pixFmt, bitsPerRawSample),
    width: toNumber(s['width']),
    height: toNumber(s['height']),
    fieldOrder: toText(s['field_order']),
  });
}

function toStream(s: Record<string, unknown>, position: number, programsOf: Map<number, number[]>): ProbedStream {
  const index = toNumber(s['index']) ?? position;
  const disposition = isRecord(s['disposition']) ? s['disposition'] : {};
  const tags = isRecord(s['tags']) ? s['tags'] : {};
  const pixFmt = toText(s['pix_fmt']);
  const codecType = toText(s['codec_type']) ?? 'unknown';
  return dropUndefined({
    index,
    codecType,
    codecName: toText(s['codec_name'])?.toLowerCase() ?? 'unknown',
    id: toText(s['id']),
    profile: toText(s['profile']),
    pixFmt,
    bitDepth: codecType === 'video' ? bitDepthOf(pixFmt, toNumber(s['bits_per_raw_sample'])) : undefined,
    width: toNumber(s['width']),
    height: toNumber(s['height']),
    fieldOrder: toText(s['field_order']),
    sampleRate: toNumber(s['sample_rate']),
    channels: toNumber(s['channels']),
    channelLayout: toText(s['channel_layout']),
    language: toText(tags['language']),
    startTimeSec: toNumber(s['start_time']),
    durationSec: toNumber(s['duration']),
    attachedPicture: disposition['attached_pic'] === 1,
    visualImpaired: disposition['visual_impaired'] === 1,
    hearingImpaired: disposition['hearing_impaired'] === 1,
    cleanEffects: disposition['clean_effects'] === 1,
    programIds: programsOf.get(index) ?? [],
  });
}

/** Stream index → the `program_id`s that list it. */
function programMembership(programs: unknown): Map<number, number[]> {
  const membership = new Map<number, number[]>();
  if (!Array.isArray(programs)) return membership;
  for (const program of programs.filter(isRecord)) {
    const id = toNumber(program['program_id']);
    const streams = Array.isArray(program['streams']) ? program['streams'].filter(isRecord) : [];
    if (id === undefined) continue;
    for (const stream of streams) {
      const index = toNumber(stream['index']);
      if (index !== undefined) membership.set(index, [...(membership.get(index) ?? []), id]);
    }
  }
  return membership;
}

function toAudio(s: Record<string, unknown>): ProbedAudioStream {
  return dropUndefined({
    codecName: toText(s['codec_name'])?.toLowerCase() ?? 'unknown',
    sampleRate: toNumber(s['sample_rate']),
    channels: toNumber(s['channels']),
    channelLayout: toText(s['channel_layout']),
  });
}

function isAttachedPicture(s: Record<string, unknown>): boolean {
  const disposition = s['disposition'];
  return isRecord(disposition) && disposition['attached_pic'] === 1;
}

function failed(error: string): ProbeResult {
  return { ok: false, audio: [], audioTrackCount: 0, error };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string other than ffprobe's `N/A` / `unknown`. */
function toText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value !== 'N/A' && value !== 'unknown' ? value : undefined;
}

/** ffprobe prints some numbers as strings (`"44100"`, `"2.005800"`) and unknowns as `"N/A"`. */
function toNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
