import type { FfmpegProgress } from 'ffmpeg-supervisor';

/** What a job's `progress` holds (`job.updateProgress`), as plain JSON. */
export interface JobProgressPayload {
  /** 0–100, one decimal; present when the expected duration is known. */
  readonly percent?: number;
  /** The ladder's strategy (`default`, `fallback`, `transcode`); absent for a plain ffmpeg job. */
  readonly strategy?: string;
  /** Media time written so far, in microseconds. */
  readonly outTimeUs?: number;
  /** Processing speed as a multiple of real time (`2.5` for 2.5x). */
  readonly speed?: number;
}

/** The job's progress payload for one supervisor (or ladder) progress block. */
export function toJobProgress(progress: FfmpegProgress & { readonly strategy?: string }): JobProgressPayload {
  const payload: { -readonly [K in keyof JobProgressPayload]: JobProgressPayload[K] } = {};
  if (progress.percent !== undefined) payload.percent = Math.round(progress.percent * 10) / 10;
  if (progress.strategy !== undefined) payload.strategy = progress.strategy;
  if (progress.outTimeUs !== undefined) payload.outTimeUs = progress.outTimeUs;
  if (progress.speed !== undefined) payload.speed = progress.speed;
  return payload;
}
