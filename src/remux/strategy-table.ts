import { ANALYZE_ARGS } from './analyze-limits.js';
import type { RemuxStrategy } from './types.js';
import { DEFAULT_TRANSCODE_VIDEO_ARGS } from './video-encoder.js';

/** One rung of the remux ladder as plain data: what `buildStrategyArgs` emits, and why. */
export interface StrategySpec {
  readonly strategy: RemuxStrategy;
  /** One line for a README table. */
  readonly summary: string;
  /** Input (demuxer) flags, placed before `-i`. */
  readonly inputFlags: readonly string[];
  /** Video codec arguments (after the maps). */
  readonly videoArgs: readonly string[];
  /** Adds `-fps_mode cfr` (or `-vsync cfr` on builds without `-fps_mode`). */
  readonly constantFrameRate: boolean;
  /** The `-filter:a` chain; the AAC arguments are the same on every rung. */
  readonly audioFilter: string;
  /** Muxer flags, placed after the input (before `-i` they are ignored). */
  readonly muxerFlags: readonly string[];
  /** Why each choice is there, including the fixes measured against the source system. */
  readonly notes: readonly string[];
}

const TOLERANT_INPUT = [...ANALYZE_ARGS, '-fflags', '+genpts+discardcorrupt', '-err_detect', 'ignore_err'];
/** `+igndts` also turns off ffmpeg's correction of MPEG-TS timestamp jumps: only after a DTS failure. */
const DTS_IGNORING_INPUT = [...ANALYZE_ARGS, '-fflags', '+genpts+discardcorrupt+igndts', '-err_detect', 'ignore_err'];
const SIMPLE_AUDIO_FILTER = 'aresample=async=1:first_pts=0,aformat=channel_layouts=stereo';

/**
 * The three rungs, in ladder order. Every rung also gets `-y -nostdin -hide_banner
 * -loglevel level+warning`, `-map 0:v:0? -map 0:a:0?`, `-c:a aac -b:a 192k -profile:a aac_low
 * -ar 48000 -ac 2` and `-sn -dn -movflags +faststart -f mp4`.
 */
export const STRATEGY_TABLE: readonly StrategySpec[] = Object.freeze([
  {
    strategy: 'default',
    summary: 'copy the video from its first keyframe, audio to AAC (AAC-LC copied), resynced',
    inputFlags: TOLERANT_INPUT,
    videoArgs: ['-c:v', 'copy'],
    constantFrameRate: false,
    audioFilter: 'asetpts=PTS-STARTPTS,aresample=async=1000:first_pts=0,aformat=channel_layouts=stereo',
    muxerFlags: ['-avoid_negative_ts', 'make_zero'],
    notes: [
      'no input seek: the source system\'s -ss 1 dropped copied video up to the next keyframe (the MP4 opened with up to one GOP of sound and no picture); frames before the first keyframe are dropped by the copy itself',
      'the audio is trimmed to the first video keyframe when the recording starts mid-GOP',
      '-avoid_negative_ts make_zero is a muxer option: placed after -i (before -i it was a no-op)',
      '-async 1 from the source system is dropped: byte-identical output with and without it (clean input and a 1.5 s audio gap, both test builds); the aresample filter does the work',
      'no -vsync: with -c:v copy it is a no-op',
      'no +igndts: it turns off ffmpeg\'s correction of MPEG-TS timestamp jumps (two recordings joined kept a 990 s hole in the timeline with it, 10 s without, on ffmpeg 5.1)',
    ],
  },
  {
    strategy: 'fallback',
    summary: 'copy the video ignoring DTS, interleave strictly, simpler audio resync',
    inputFlags: DTS_IGNORING_INPUT,
    videoArgs: ['-c:v', 'copy'],
    constantFrameRate: false,
    audioFilter: SIMPLE_AUDIO_FILTER,
    muxerFlags: ['-max_interleave_delta', '0', '-avoid_negative_ts', 'make_zero'],
    notes: [
      'tried after a timestamp failure of default (non-monotonic DTS, unset timestamps), or an output whose picture starts late or is missing',
      'differs from default by +igndts, -max_interleave_delta 0 and the simpler audio filter',
      'the source system also passed -vsync cfr here: a no-op with -c:v copy (byte-identical output)',
    ],
  },
  {
    strategy: 'transcode',
    summary: 're-encode the video to 8-bit 4:2:0 H.264 at a constant frame rate, deinterlaced when the probe says interlaced',
    inputFlags: [...ANALYZE_ARGS, '-fflags', '+genpts+discardcorrupt'],
    // libx264 with the default `TranscodeOptions`; the `transcode` option chooses others.
    videoArgs: DEFAULT_TRANSCODE_VIDEO_ARGS.video,
    constantFrameRate: true,
    audioFilter: SIMPLE_AUDIO_FILTER,
    muxerFlags: [],
    notes: [
      'first rung for every decodable codec browsers do not play (hevc, 10-bit or 4:2:2 h264, mpeg2video, mpeg4, vc1, …); last resort after fallback otherwise',
      'interlaced sources (field order tt, bb, tb, bt) get bwdif before the encoder',
      'yuv420p makes 10-bit sources 8-bit; a fixed 100-frame GOP without scene cuts keeps seeking regular',
      'constant frame rate: -fps_mode cfr where the build has it, else -vsync cfr',
    ],
  },
] satisfies StrategySpec[]);
