import type { FfmpegProgress } from './progress-parser.js';

/**
 * Remembers the highest `outTimeUs`, `frame` and `totalSize` seen. A block is forward progress
 * only when one of them goes past its previous best; frozen or repeated numbers are not.
 */
export class ForwardProgressTracker {
  #bestOutTimeUs = Number.NEGATIVE_INFINITY;
  #bestFrame = Number.NEGATIVE_INFINITY;
  #bestTotalSize = Number.NEGATIVE_INFINITY;
  #lastOutTimeUs: number | undefined;

  /** Records a block; returns whether it moved forward. */
  observe(progress: FfmpegProgress): boolean {
    let moved = false;
    if (progress.outTimeUs !== undefined) {
      this.#lastOutTimeUs = progress.outTimeUs;
      if (progress.outTimeUs > this.#bestOutTimeUs) {
        // The first reading of a negative start time (out_time=-00:00:00.023) is not yet progress.
        moved ||= this.#bestOutTimeUs !== Number.NEGATIVE_INFINITY || progress.outTimeUs > 0;
        this.#bestOutTimeUs = progress.outTimeUs;
      }
    }
    if (progress.frame !== undefined && progress.frame > this.#bestFrame) {
      moved ||= this.#bestFrame !== Number.NEGATIVE_INFINITY || progress.frame > 0;
      this.#bestFrame = progress.frame;
    }
    if (progress.totalSize !== undefined && progress.totalSize > this.#bestTotalSize) {
      moved ||= this.#bestTotalSize !== Number.NEGATIVE_INFINITY || progress.totalSize > 0;
      this.#bestTotalSize = progress.totalSize;
    }
    return moved;
  }

  /** The last `out_time_us` ffmpeg reported (for stall reports). */
  get lastOutTimeUs(): number | undefined {
    return this.#lastOutTimeUs;
  }
}
