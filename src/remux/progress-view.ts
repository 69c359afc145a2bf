import type { FfmpegProgress } from '../supervisor/progress-parser.js';

/**
 * What a host sees of one attempt's progress: `percent` from the trusted media duration,
 * clamped to 0–100 and never lower than before (timestamp jumps make `out_time` go back), and
 * `etaMs` from ffmpeg's `speed` (media seconds per wall second). Without a trusted duration
 * neither is given: a wrong figure is worse than none.
 */
export class ProgressView {
  readonly #durationSec: number | undefined;
  #bestPercent = 0;

  constructor(durationSec: number | undefined) {
    this.#durationSec = durationSec !== undefined && durationSec > 0 ? durationSec : undefined;
  }

  next(progress: FfmpegProgress): FfmpegProgress & { readonly etaMs: number | undefined } {
    const durationSec = this.#durationSec;
    if (durationSec === undefined || progress.outTimeUs === undefined) return { ...progress, percent: undefined, etaMs: undefined };
    const raw = progress.done ? 100 : (progress.outTimeUs / 1e6 / durationSec) * 100;
    this.#bestPercent = Math.min(100, Math.max(this.#bestPercent, raw));
    const leftSec = Math.max(0, durationSec - progress.outTimeUs / 1e6);
    const speed = progress.speed;
    const etaMs = progress.done ? 0 : speed !== undefined && speed > 0 ? Math.round((leftSec / speed) * 1000) : undefined;
    return { ...progress, percent: this.#bestPercent, etaMs };
  }
}
