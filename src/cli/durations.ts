/** Milliseconds per unit accepted by {@link parseDuration}. */
const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1_000, m: 60_000, h: 3_600_000 });

const BARE_NUMBER = /^\d+(?:\.\d+)?$/;
const WITH_UNITS = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * Pure: a human duration in milliseconds (rounded to whole ms), or `undefined` when the text
 * is not one. `500ms`, `90s`, `1.5s`, `2m`, `1h`, `1m30s`; a bare number is seconds (`90` →
 * 90 000). Units are lower case; negative values, spaces and empty text are rejected.
 */
export function parseDuration(text: string): number | undefined {
  if (BARE_NUMBER.test(text)) return Math.round(Number(text) * 1_000);
  if (!WITH_UNITS.test(text)) return undefined;
  let totalMs = 0;
  for (const [, amount, unit] of text.matchAll(PART)) totalMs += Number(amount) * (UNIT_MS[unit as string] ?? Number.NaN);
  return Number.isFinite(totalMs) ? Math.round(totalMs) : undefined;
}

/**
 * Pure: a short human form of a duration, for ETAs and summaries. `340ms`, `3.2s`, `42s`,
 * `2m05s`, `1h02m05s`. Negative or non-finite input gives `--`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 9_950) return `${(ms / 1_000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const seconds = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m${pad2(seconds)}s`;
  return `${Math.floor(totalMinutes / 60)}h${pad2(totalMinutes % 60)}m${pad2(seconds)}s`;
}

/** Pure: microseconds of media time as `HH:MM:SS.cc` (ffmpeg's own `time=` style). */
export function formatMediaTime(us: number): string {
  if (!Number.isFinite(us)) return '--:--:--.--';
  const sign = us < 0 ? '-' : '';
  const centis = Math.floor(Math.abs(us) / 10_000);
  const totalSeconds = Math.floor(centis / 100);
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  return `${sign}${pad2(hours)}:${pad2(minutes)}:${pad2(totalSeconds % 60)}.${pad2(centis % 100)}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
