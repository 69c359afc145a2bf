import { formatDuration, formatMediaTime } from './durations.js';

/** What a progress line shows; every field may be missing (ffmpeg wrote `N/A`, or no expected duration). */
export interface ProgressView {
  /** The ladder's strategy (`remux`); absent for `run`. */
  readonly label?: string;
  readonly percent?: number;
  readonly outTimeUs?: number;
  readonly frame?: number;
  readonly speed?: number;
  /** ffmpeg finished writing (`progress=end`). */
  readonly done?: boolean;
}

const FILLED = '█';
const EMPTY = '░';

/** Pure: a bar of exactly `width` cells, filled to `percent` (clamped 0–100, rounded down). */
export function renderBar(percent: number, width: number): string {
  const cells = Math.max(0, Math.floor(width));
  const share = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) / 100 : 0;
  const filled = Math.floor(share * cells);
  return FILLED.repeat(filled) + EMPTY.repeat(cells - filled);
}

/**
 * Pure: how long until the output reaches 100 %, in ms of wall time, from where it is
 * (`outTimeUs` at `percent`) and how fast it goes (`speed`× real time). `undefined` when any
 * of them is unknown or zero.
 */
export function estimateRemainingMs(
  outTimeUs: number | undefined,
  percent: number | undefined,
  speed: number | undefined,
): number | undefined {
  if (outTimeUs === undefined || percent === undefined || speed === undefined) return undefined;
  if (!(percent > 0) || !(speed > 0) || !(outTimeUs >= 0)) return undefined;
  if (percent >= 100) return 0;
  const totalUs = (outTimeUs * 100) / percent;
  return (totalUs - outTimeUs) / 1_000 / speed;
}

/** Pure: `ETA 0s`, `ETA 12s`, `ETA 2m05s` (whole seconds, rounded up), or `ETA --` when unknown. */
export function formatEta(remainingMs: number | undefined): string {
  if (remainingMs === undefined || !Number.isFinite(remainingMs) || remainingMs < 0) return 'ETA --';
  const seconds = Math.ceil(remainingMs / 1_000);
  return `ETA ${seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1_000)}`;
}

/** Pure: ` 42.0%`, always six characters up to 100 %. */
export function formatPercent(percent: number): string {
  const clamped = Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : 0));
  return `${clamped.toFixed(1).padStart(5)}%`;
}

/** Pure: `12.3x`, or `--x` when unknown. */
export function formatSpeed(speed: number | undefined): string {
  if (speed === undefined || !Number.isFinite(speed)) return '--x';
  return `${speed < 10 ? speed.toFixed(2) : speed.toFixed(1)}x`;
}

/**
 * Pure: one progress line. With a percent: `[default] ████░░░░  42.0%  00:00:04.20  frame 105
 * 12.3x  ETA 4s` (no bar when `barWidth` is 0); without: time, frame and speed only. A done
 * block shows 100 %.
 */
export function formatProgressLine(view: ProgressView, barWidth: number, show: ProgressLineParts = {}): string {
  const parts: string[] = [];
  if (view.label !== undefined) parts.push(`[${view.label}]`);
  const percent = view.done && view.percent !== undefined ? 100 : view.percent;
  if (percent !== undefined) {
    parts.push(barWidth > 0 ? `${renderBar(percent, barWidth)} ${formatPercent(percent)}` : formatPercent(percent).trim());
  }
  if (view.outTimeUs !== undefined && show.time !== false) parts.push(formatMediaTime(view.outTimeUs));
  if (view.frame !== undefined && show.frame !== false) parts.push(`frame ${view.frame}`);
  parts.push(formatSpeed(view.speed));
  if (percent !== undefined) {
    parts.push(formatEta(view.done ? 0 : estimateRemainingMs(view.outTimeUs, view.percent, view.speed)));
  }
  return parts.join('  ');
}

/** The smallest bar worth drawing; below it the bar is left out. */
const MIN_BAR_WIDTH = 8;

/** Which optional parts a progress line shows. */
export interface ProgressLineParts {
  /** @default true */
  readonly frame?: boolean;
  /** The media time. @default true */
  readonly time?: boolean;
}

/**
 * Pure: {@link formatProgressLine} made to fit `columns - 1` characters without losing what
 * matters most: the percent, speed and ETA. The bar shrinks to fit, then the frame count goes,
 * then the media time, then the bar, then the strategy label; only then is the line cut.
 */
export function formatProgressLineToFit(view: ProgressView, barWidth: number, columns: number | undefined): string {
  if (columns === undefined || !(columns > 1)) return formatProgressLine(view, barWidth);
  const room = columns - 1;
  const length = (line: string): number => [...line].length;
  const levels: ProgressLineParts[] = [{}, { frame: false }, { frame: false, time: false }];
  for (const parts of levels) {
    const full = formatProgressLine(view, barWidth, parts);
    if (length(full) <= room) return full;
    if (barWidth > 0 && view.percent !== undefined) {
      const cells = barWidth - (length(full) - room);
      if (cells >= MIN_BAR_WIDTH) return formatProgressLine(view, cells, parts);
    }
  }
  for (const parts of levels) {
    const line = formatProgressLine(view, 0, parts);
    if (length(line) <= room) return line;
  }
  return fitToWidth(formatProgressLine({ ...view, label: undefined }, 0, { frame: false, time: false }), columns);
}

/** Pure: `line` cut to fit `columns - 1` characters (a full-width line would wrap and break `\r` redraws). */
export function fitToWidth(line: string, columns: number | undefined): string {
  if (columns === undefined || !(columns > 1)) return line;
  const chars = [...line];
  return chars.length < columns ? line : `${chars.slice(0, columns - 2).join('')}…`;
}
