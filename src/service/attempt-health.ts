import { ForwardProgressTracker } from '../supervisor/forward-progress.js';
import type { FfmpegProgress } from '../supervisor/index.js';

/** What one progress block changed for an attempt. */
export interface HealthChange {
  /** The first forward progress of the attempt: it is up. */
  readonly cameUp: boolean;
  /** It has now made forward progress for `resetAfterMs`: the backoff goes back to its first step. */
  readonly becameHealthy: boolean;
  /** It stayed below `minSpeed` for the whole window: it is falling behind real time. */
  readonly fellBehind: boolean;
  /** How long the speed has been below `minSpeed` (0 when it is not). */
  readonly belowForMs: number;
}

export interface AttemptHealthOptions {
  readonly resetAfterMs: number;
  /** `undefined`: the speed is not watched. */
  readonly minSpeed: number | undefined;
  readonly minSpeedWindowMs: number;
}

/**
 * The health of one attempt, fed with its progress blocks and the clock time each arrived.
 * Forward progress is judged as the supervisor's watchdog judges it: frozen blocks are not
 * progress. Healthy uptime runs from the first forward progress; blocks below `minSpeed` do not
 * make an attempt healthy. No timers: a silent attempt is the watchdog's business.
 */
export class AttemptHealth {
  readonly #options: AttemptHealthOptions;
  readonly #tracker = new ForwardProgressTracker();
  #upSinceMs: number | undefined;
  #healthy = false;
  #belowSinceMs: number | undefined;
  #fellBehind = false;

  constructor(options: AttemptHealthOptions) {
    this.#options = options;
  }

  get isUp(): boolean {
    return this.#upSinceMs !== undefined;
  }

  get isHealthy(): boolean {
    return this.#healthy;
  }

  observe(progress: FfmpegProgress, nowMs: number): HealthChange {
    const forward = this.#tracker.observe(progress);
    const cameUp = forward && this.#upSinceMs === undefined;
    if (cameUp) this.#upSinceMs = nowMs;
    const belowForMs = this.#watchSpeed(progress.speed, nowMs);
    const fellBehind = !this.#fellBehind && this.#options.minSpeed !== undefined && belowForMs >= this.#options.minSpeedWindowMs;
    if (fellBehind) this.#fellBehind = true;
    const becameHealthy =
      !this.#healthy && forward && belowForMs === 0 && this.#upSinceMs !== undefined && nowMs - this.#upSinceMs >= this.#options.resetAfterMs;
    if (becameHealthy) this.#healthy = true;
    return { cameUp, becameHealthy, fellBehind, belowForMs };
  }

  /** ms the speed has been below `minSpeed`; a block without a speed (`N/A`) leaves the state as is. */
  #watchSpeed(speed: number | undefined, nowMs: number): number {
    const { minSpeed } = this.#options;
    if (minSpeed === undefined || speed === undefined) return this.#belowSinceMs === undefined ? 0 : nowMs - this.#belowSinceMs;
    if (speed >= minSpeed) {
      this.#belowSinceMs = undefined;
      return 0;
    }
    this.#belowSinceMs ??= nowMs;
    return nowMs - this.#belowSinceMs;
  }
}
