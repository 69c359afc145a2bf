export {
  AUDIO_TRIM_MIN_SEC,
  buildStrategyArgs,
  type BuildStrategyArgsOptions,
  buildVideoArgs,
  DEFAULT_REMUX_LOG_LEVEL,
  type StrategyInput,
} from './build-strategy-args.js';
export {
  classifyRemuxError,
  COSMETIC_PATTERNS,
  isClassifierLine,
  REMUX_ERROR_PATTERNS,
  type RemuxClassification,
  type RemuxErrorPattern,
  remuxErrorKindForOutcome,
} from './classify-remux-error.js';
export { buildConcatList } from './concat-list.js';
export { decideStrategy, type DecideStrategyOptions } from './decide-strategy.js';
export { RemuxError } from './errors.js';
export { firstKeyframeArgs, INPUT_PROBE_PACKETS, KEYFRAME_SCAN_PACKETS, parseFirstKeyframe, probeVideoStartSec } from './first-keyframe.js';
export { nextStrategy, RemuxLadder } from './ladder.js';
export type { RemuxAttempt, RemuxLadderEvents, RemuxLadderOptions, RemuxProgress, RemuxRequest, RemuxResult } from './ladder-types.js';
export { type MediaDuration, mediaDurationOf, MIN_AUDIO_BITRATE_BPS, MIN_VIDEO_BITRATE_BPS } from './media-duration.js';
export { type OutputActivityOptions, watchOutputActivity } from './output-activity.js';
export { checkOutput, findOutputProblem, MAX_PICTURE_DELAY_SEC, type OutputExpectations, type OutputProblem } from './output-file.js';
export { probeMedia, type ProbeMediaOptions } from './probe-media.js';
export { ProgressView } from './progress-view.js';
export { attemptBudgetMs, REMUX_BUDGET } from './remux-budget.js';
export { type AudioTrackPolicy, describeStreams, type DroppedStream, selectStreams, type StreamChoice } from './select-streams.js';
export { bitDepthOf, needsLongAnalysis, PACKET_ENTRIES, parseProbeJson, probeArgs, type ProbeArgsOptions } from './probe-parse.js';
export { REMUX_DEADLINE_BASE_MS, REMUX_DEADLINE_MAX_MS, REMUX_DEADLINE_PER_GIB_MS, remuxDeadlineMs } from './remux-deadline.js';
export { STRATEGY_TABLE, type StrategySpec } from './strategy-table.js';
export {
  AUTO_HARDWARE_ENCODERS,
  ENCODER_START_FAILURE_PATTERNS,
  type EncoderLeftReason,
  type EncoderPlan,
  type EncoderReport,
  forgetFailedEncoders,
  isEncoderStartFailure,
  type LeftEncoder,
  planEncoders,
} from './encoder-fallback.js';
export {
  DEFAULT_TRANSCODE_OPTIONS,
  resolveTranscodeOptions,
  type ResolvedTranscodeOptions,
  type TranscodeOptions,
  VIDEO_ENCODER_CHOICES,
  type VideoEncoderChoice,
  type VideoEncoderName,
  X264_PRESETS,
  type X264Preset,
} from './transcode-options.js';
export { type TranscodeVideoArgs, transcodeVideoArgs, type TranscodeVideoArgsOptions } from './video-encoder.js';
export type {
  DroppedStreamReason,
  ProbedAudioStream,
  ProbedStream,
  ProbedVideoStream,
  ProbeResult,
  RemuxErrorKind,
  RemuxStrategy,
  RunnableStrategyDecision,
  StrategyDecision,
  StreamPlan,
  UnsupportedStrategyDecision,
} from './types.js';
