import type { RemuxStrategy } from './types.js';

/**
 * How long one attempt may run, from the work it has to do:
 *
 *   copy rungs (default, fallback): 5 min + 1 min per started GiB + 0.5 × media duration
 *   transcode:                      5 min + 1 min per started GiB + 4 × media duration
 *
 * 0.5× is a copy at 2× real time (measured about 50×); 4× lets a transcode run at 0.25× real
 * time (1080p HEVC → H.264 ran at 0.63× on a 2-core machine). Without a trusted media
 * duration, the media is assumed to be 1 Mbit/s of input (a long estimate for broadcast
 * bitrates). At most 24 hours. A host's `timeoutMs` replaces all of this with one overall
 * deadline.
 */
export const REMUX_BUDGET = Object.freeze({
  baseMs: 5 * 60_000,
  perGibMs: 60_000,
  copyMsPerMediaMs: 0.5,
  transcodeMsPerMediaMs: 4,
  assumedBitrateBps: 1_000_000,
  maxMs: 24 * 60 * 60_000,
});

const GIB = 2 ** 30;

/** Pure: the deadline of one attempt (see {@link REMUX_BUDGET}). */
export function attemptBudgetMs(strategy: RemuxStrategy, totalInputBytes: number, mediaDurationSec: number | undefined): number {
  if (!Number.isFinite(totalInputBytes) || totalInputBytes < 0) {
    throw new TypeError(`attemptBudgetMs: totalInputBytes must be a finite number ≥ 0, got ${String(totalInputBytes)}`);
  }
  const mediaSec = mediaDurationSec ?? (totalInputBytes * 8) / REMUX_BUDGET.assumedBitrateBps;
  const factor = strategy === 'transcode' ? REMUX_BUDGET.transcodeMsPerMediaMs : REMUX_BUDGET.copyMsPerMediaMs;
  const ms = REMUX_BUDGET.baseMs + Math.ceil(totalInputBytes / GIB) * REMUX_BUDGET.perGibMs + factor * mediaSec * 1000;
  return Math.min(Math.round(ms), REMUX_BUDGET.maxMs);
}
