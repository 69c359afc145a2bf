import { stat } from 'node:fs/promises';
import type { TimerClock } from '../supervisor/clock.js';

/** Options of {@link watchOutputActivity}. */
export interface OutputActivityOptions {
  readonly clock: TimerClock;
  /** How often the file is looked at. */
  readonly intervalMs: number;
  /** Called when the file's size or modification time changed since the last look. */
  readonly onActivity: () => void;
}

/**
 * Watches a file that a process writes and reports when it changes. ffmpeg prints no progress
 * while the `+faststart` pass moves the index to the front (it rewrites the whole file in
 * place), but every write moves the file's modification time: that is the sign of life the
 * watchdog gets during that phase. A process that writes nothing is still called stalled.
 * Returns the function that stops watching.
 */
export function watchOutputActivity(path: string, { clock, intervalMs, onActivity }: OutputActivityOptions): () => void {
  let stopped = false;
  let timer: unknown;
  let last: string | undefined;
  const look = async () => {
    const info = await stat(path).catch(() => undefined);
    if (stopped) return;
    const seen = info === undefined ? undefined : `${info.size}:${info.mtimeMs}`;
    if (seen !== undefined && last !== undefined && seen !== last) onActivity();
    if (seen !== undefined) last = seen;
    timer = clock.setTimeout(() => void look(), intervalMs);
  };
  timer = clock.setTimeout(() => void look(), intervalMs);
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
}
