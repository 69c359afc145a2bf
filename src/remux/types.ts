/** The three rungs of the remux ladder, in the order they are tried. */
export type RemuxStrategy = 'default' | 'fallback' | 'transcode';

/** Every way a remux can fail; `RemuxError.kind` is one of these. */
export type RemuxErrorKind =
  | 'non_monotonic_dts'
  | 'timestamps_unset'
  | 'invalid_duration'
  | 'codec_unsupported'
  | 'stalled'
  | 'timeout'
  | 'aborted'
  | 'spawn_failed'
  | 'output_invalid'
  | 'no_playable_streams'
  | 'input_unreadable'
  | 'output_is_input'
  | 'output_is_directory'
  | 'output_dir_missing'
  | 'no_space'
  | 'generic';

/** The first usable video stream of a probed file. */
export interface ProbedVideoStream {
  /** ffprobe's `codec_name`, lower case (`h264`, `hevc`, `mpeg2video`). */
  readonly codecName: string;
  /** ffprobe's `profile` (`High`, `High 10`, `Main 10`). */
  readonly profile?: string;
  /** ffprobe's `level` (`40` for 4.0). */
  readonly level?: number;
  /** ffprobe's `pix_fmt` (`yuv420p`, `yuv420p10le`). */
  readonly pixFmt?: string;
  /** ffprobe's `bits_per_raw_sample`, as a number. */
  readonly bitsPerRawSample?: number;
  /** Bits per sample, from `pixFmt` first, then `bitsPerRawSample`, else 8. */
  readonly bitDepth: number;
  readonly width?: number;
  readonly height?: number;
  /** ffprobe's `field_order` (`progressive`, `tt`, `bb`, `tb`, `bt`). */
  readonly fieldOrder?: string;
}

/** One audio stream of a probed file. */
export interface ProbedAudioStream {
  /** ffprobe's `codec_name`, lower case (`ac3`, `mp2`, `aac_latm`). */
  readonly codecName: string;
  readonly sampleRate?: number;
  readonly channels?: number;
  readonly channelLayout?: string;
}

/** Why a stream of the input is not part of the output. */
export type DroppedStreamReason =
  | 'no_parameters'
  | 'attached_picture'
  | 'not_audio_or_video'
  | 'other_program'
  | 'extra_video'
  | 'audio_description'
  | 'clean_effects'
  | 'not_main_audio'
  | 'language_not_wanted';

/** Every stream of a probed file, as the stream choice reads it. */
export interface ProbedStream {
  /** ffprobe's absolute stream `index` (what `-map 0:<index>` names). */
  readonly index: number;
  /** `video`, `audio`, `subtitle`, `data`, `attachment`, or `unknown`. */
  readonly codecType: string;
  /** Lower-case codec name; `unknown` when ffprobe gave none. */
  readonly codecName: string;
  /** The PID (`0x100`) or container stream id, as ffprobe prints it. */
  readonly id?: string;
  readonly profile?: string;
  readonly pixFmt?: string;
  readonly bitDepth?: number;
  readonly width?: number;
  readonly height?: number;
  readonly fieldOrder?: string;
  readonly sampleRate?: number;
  readonly channels?: number;
  readonly channelLayout?: string;
  /** The `language` tag (`deu`, `eng`), when there is one. */
  readonly language?: string;
  readonly startTimeSec?: number;
  readonly durationSec?: number;
  readonly attachedPicture: boolean;
  readonly visualImpaired: boolean;
  readonly hearingImpaired: boolean;
  readonly cleanEffects: boolean;
  /** The programs (`program_id`) that list this stream; empty outside MPEG-TS. */
  readonly programIds: readonly number[];
}

/** What `probeMedia` (and the pure `parseProbeJson`) report about a file. */
export interface ProbeResult {
  /** `true` when ffprobe's answer was readable and held at least one audio or video stream. */
  readonly ok: boolean;
  /** The first video stream that is not an attached picture; absent for radio recordings. */
  readonly video?: ProbedVideoStream;
  /** Every audio stream, in file order. Only the first is mapped by the ladder. */
  readonly audio: readonly ProbedAudioStream[];
  /** `audio.length`, kept as its own field for logs and metadata. */
  readonly audioTrackCount: number;
  /** Container duration in seconds, when ffprobe knew it (absurd for multi-program captures: see `selectStreams`). */
  readonly durationSec?: number;
  /** Container start time in seconds (negative across a PTS wrap). */
  readonly startTimeSec?: number;
  /** Every stream, in file order, with its absolute index. */
  readonly streams?: readonly ProbedStream[];
  /** ffprobe's `format_name` (`mpegts`). */
  readonly formatName?: string;
  /** Why the probe is not `ok`. */
  readonly error?: string;
}

/** Fields every strategy decision carries. */
interface StrategyDecisionBase {
  /** A sentence for logs and metadata: why this strategy was chosen. */
  readonly reason: string;
  /** Number of audio streams seen by the probe (0 when the probe failed). */
  readonly audioTrackCount: number;
}

/** The streams a decision maps, as plain data (absolute stream indexes). */
export interface StreamPlan {
  /** The video stream (absent for radio or a failed probe). */
  readonly video?: { readonly index: number; readonly codecName: string; readonly interlaced: boolean; readonly pixFmt?: string };
  /** The audio tracks, main first; `copy` when the track is AAC-LC browsers play as it is. */
  readonly audio: ReadonlyArray<{ readonly index: number; readonly codecName: string; readonly language?: string; readonly copy: boolean }>;
  /** Streams left out, each with its reason (empty PIDs, data, subtitles, other programs, …). */
  readonly dropped: ReadonlyArray<{ readonly index: number; readonly codecType: string; readonly codecName: string; readonly id?: string; readonly reason: DroppedStreamReason }>;
  readonly programId?: number;
}

/** A decision to run ffmpeg, starting at `default` (copy video) or `transcode`. */
export interface RunnableStrategyDecision extends StrategyDecisionBase {
  readonly strategy: 'default' | 'transcode';
  /** Normalised video codec (`h264`, `hevc`, `mpeg2video`); absent for radio. */
  readonly videoCodec?: string;
  /** Video bit depth; absent for radio. */
  readonly bitDepth?: number;
  /** `false` for a recording without a video stream (radio). */
  readonly hasVideo: boolean;
  /** `true` when the probe failed and H.264 8-bit was assumed. */
  readonly probeFailed: boolean;
  /** The streams mapped and dropped; absent when the probe failed (then `0:v:0? 0:a:0?`). */
  readonly streams?: StreamPlan;
  /** `false` for MKV, MP4, MOV inputs: no DVB-specific demuxer flags. @default true */
  readonly isMpegTs?: boolean;
}

/**
 * A decision not to run ffmpeg at all: the video codec is unknown to ffprobe
 * (`codec_unsupported`), or no stream has parameters (`no_playable_streams`).
 */
export interface UnsupportedStrategyDecision extends StrategyDecisionBase {
  readonly strategy: 'unsupported';
  readonly kind: 'codec_unsupported' | 'no_playable_streams';
  readonly videoCodec?: string;
  readonly bitDepth?: number;
  readonly hasVideo: boolean;
  readonly probeFailed: false;
  readonly streams?: StreamPlan;
}

/** The outcome of `decideStrategy`: discriminated on `strategy`. */
export type StrategyDecision = RunnableStrategyDecision | UnsupportedStrategyDecision;
