export { type Clock, systemClock } from './clock.js';
export {
  type FfmpegCapabilities,
  MODERN_FFMPEG_CAPABILITIES,
  type ProbeCapabilitiesOptions,
  clearCapabilitiesCache,
  parseCapabilities,
  probeCapabilities,
} from './capabilities.js';
export { defaultCapabilityCacheDirectory } from './capability-cache.js';
export {
  FfmpegAbortedError,
  FfmpegError,
  type FfmpegErrorCode,
  FfmpegExitError,
  FfmpegNotFoundError,
  FfmpegSpawnError,
  FfmpegStalledError,
  FfmpegTimeoutError,
} from './errors.js';
export { installShutdownHandlers, killAllLiveRuns, liveRunCount } from './host-exit.js';
export { MAX_TIMER_DELAY_MS } from './long-timer.js';
export {
  type FfmpegSupervisorOptions,
  IN_PROCESS_SPAWN,
  isInProcessSpawn,
  SUPERVISOR_DEFAULTS,
  type SpawnFunction,
  type SupervisorEventName,
} from './options.js';
export { type FfmpegOutcome, OUTCOMES, type OutcomeReason, type OutcomeSpec, type StopReason, errorForOutcome } from './outcome.js';
export { type FfmpegProgress, ProgressParser, computePercent, parseProgressBlock } from './progress-parser.js';
export { resolveFfmpegPath, resolveFfprobePath } from './resolve-path.js';
export { spawnEnvFor } from './static-build-env.js';
export { type FfmpegStall, FfmpegSupervisor, type FfmpegSupervisorEvents } from './supervisor.js';
export type { RunPhase } from './run-phase.js';
export type { StallPhase } from './watchdog.js';
