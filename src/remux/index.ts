export { buildStrategyArgs, type BuildStrategyArgsOptions, DEFAULT_REMUX_LOG_LEVEL, type StrategyInput } from './build-strategy-args.js';
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
export { decideStrategy } from './decide-strategy.js';
export { RemuxError } from './errors.js';
export { nextStrategy, RemuxLadder } from './ladder.js';
export type { RemuxAttempt, RemuxLadderEvents, RemuxLadderOptions, RemuxRequest, RemuxResult } from './ladder-types.js';
export { findOutputProblem, type OutputExpectations } from './output-file.js';
export { probeMedia, type ProbeMediaOptions } from './probe-media.js';
export { bitDepthOf, parseProbeJson, probeArgs } from './probe-parse.js';
export { REMUX_DEADLINE_BASE_MS, REMUX_DEADLINE_MAX_MS, REMUX_DEADLINE_PER_GIB_MS, remuxDeadlineMs } from './remux-deadline.js';
export { STRATEGY_TABLE, type StrategySpec } from './strategy-table.js';
export type {
  ProbedAudioStream,
  ProbedVideoStream,
  ProbeResult,
  RemuxErrorKind,
  RemuxStrategy,
  RunnableStrategyDecision,
  StrategyDecision,
  UnsupportedStrategyDecision,
} from './types.js';
