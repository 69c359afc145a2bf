import type { RemuxStrategy } from './types.js';
import { DEFAULT_TRANSCODE_VIDEO_ARGS } from './video-encoder.js';

/** One rung of the remux ladder as plain data: what `buildStrategyArgs` emits, and why. */
export interface StrategySpec {
  readonly strategy: RemuxStrategy;
  /** One line for a README table. */
  readonly summary: string;
  /** Input (demuxer) flags, placed before `-i`. */
  readonly inputFlags: readonly string[];
  /** Seconds skipped at the start of the input (`-ss`, an input option). */
  readonly seekInputSec?: number;
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

const TOLERANT_INPUT = ['-fflags', '+genpts+discardcorrupt+igndts', '-err_detect', 'ignore_err'];
const SIMPLE_AUDIO_FILTER = 'aresample=async=1:first_pts=0,aformat=channel_layouts=stereo';

/**
 * The three rungs, in ladder order. Every rung also gets `-y -nostdin -hide_banner
 * -loglevel level+warning`, `-map 0:v:0? -map 0:a:0?`, `-c:a aac -b:a 192k -profile:a aac_low
 * -ar 48000 -ac 2` and `-sn -dn -movflags +faststart -f mp4`.
 */
export const STRATEGY_TABLE: readonly StrategySpec[] = Object.freeze([
  {
    strategy: 'default',
    summary: 'copy the video, skip the first second, re-encode the audio to AAC',
    inputFlags: TOLERANT_INPUT,
    seekInputSec: 1,
    videoArgs: ['-c:v', 'copy'],
    constantFrameRate: false,
    audioFilter: 'asetpts=PTS-STARTPTS,aresample=async=1000:first_pts=0,aformat=channel_layouts=stereo',
    muxerFlags: ['-avoid_negative_ts', 'make_zero'],
    notes: [
      '-ss 1 skips the corrupt first frames of DVB recordings; as an input seek with copied video, the MP4 may open with up to one GOP of audio and no picture',
      '-avoid_negative_ts make_zero is a muxer option: placed after -i (before -i it was a no-op)',
      '-async 1 from the source system is dropped: byte-identical output with and without it (clean input and a 1.5 s audio gap, both test builds); the aresample filter does the work',
      'no -vsync: with -c:v copy it is a no-op',
    ],
  },
  {
    strategy: 'fallback',
    summary: 'copy the video from the very start, interleave strictly, simpler audio resync',
    inputFlags: TOLERANT_INPUT,
    videoArgs: ['-c:v', 'copy'],
    constantFrameRate: false,
    audioFilter: SIMPLE_AUDIO_FILTER,
    muxerFlags: ['-max_interleave_delta', '0', '-avoid_negative_ts', 'make_zero'],
    notes: [
      'tried after a timestamp failure of default (non-monotonic DTS, unset timestamps)',
      'differs from default by not seeking, -max_interleave_delta 0 and the simpler audio filter',
      'the source system also passed -vsync cfr here: a no-op with -c:v copy (byte-identical output)',
    ],
  },
  {
    strategy: 'transcode',
    summary: 're-encode the video to 8-bit H.264 at a constant frame rate',
    inputFlags: ['-fflags', '+genpts+discardcorrupt'],
    // libx264 with the default `TranscodeOptions`; the `transcode` option chooses others.
    videoArgs: DEFAULT_TRANSCODE_VIDEO_ARGS.video,
    constantFrameRate: true,
    audioFilter: SIMPLE_AUDIO_FILTER,
    muxerFlags: [],
    notes: [
      'first rung for hevc, 10-bit h264 and mpeg2video; last resort after fallback otherwise',
      'yuv420p makes 10-bit sources 8-bit; a fixed 100-frame GOP without scene cuts keeps seeking regular',
      'constant frame rate: -fps_mode cfr where the build has it, else -vsync cfr',
    ],
  },
] satisfies StrategySpec[]);
