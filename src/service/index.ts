export { type AttemptHealthOptions, AttemptHealth, type HealthChange } from './attempt-health.js';
export { type BackoffPolicy, DEFAULT_BACKOFF, MAX_DELAY_MS, backoffDelayMs, resolveBackoff } from './backoff.js';
export {
  type FfmpegServiceOptions,
  type ResolvedServiceOptions,
  SERVICE_DEFAULTS,
  type ServiceArgs,
  type ServiceArgsContext,
  type ServiceClock,
} from './options.js';
export { DEFAULT_RESTART_BUDGET, type RestartBudget, isRestartAllowed, resolveRestartBudget, restartsInWindow } from './restart-budget.js';
export { DEFAULT_RESTART_ON, RESTART_REASONS, type RestartReason, restartReasonFor } from './restart-policy.js';
export { FfmpegService } from './service.js';
export {
  type DownReason,
  type FfmpegServiceEvents,
  SERVICE_ATTEMPT_HISTORY,
  type ServiceAttempt,
  type ServiceFinished,
  type ServiceGaveUp,
  type ServiceOutcome,
  type ServiceState,
  type ServiceStopped,
} from './types.js';
