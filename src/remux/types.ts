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
}

/** One audio stream of a probed file. */
export interface ProbedAudioStream {
  /** ffprobe's `codec_name`, lower case (`ac3`, `mp2`, `aac_latm`). */
  readonly codecName: string;
  readonly sampleRate?: number;
  readonly channels?: number;
  readonly channelLayout?: string;
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
  /** Container duration in seconds, when ffprobe knew it. */
  readonly durationSec?: number;
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
}

/** A decision not to run ffmpeg at all: the video codec cannot be made browser-playable here. */
export interface UnsupportedStrategyDecision extends StrategyDecisionBase {
  readonly strategy: 'unsupported';
  readonly videoCodec: string;
  readonly bitDepth: number;
  readonly hasVideo: true;
  readonly probeFailed: false;
}

/** The outcome of `decideStrategy`: discriminated on `strategy`. */
export type StrategyDecision = RunnableStrategyDecision | UnsupportedStrategyDecision;
