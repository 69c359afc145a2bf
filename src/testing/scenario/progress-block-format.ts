/**
 * Progress blocks exactly as ffmpeg 5.1's `print_report()` writes them, and the arithmetic of the
 * scenario steps that produce them. Pure; shared by the fake ffmpeg program and the in-process fake.
 */
import type { FakeProgressBlock, FakeStep } from './format.js';

/** One progress block with every number known; what `frozen` repeats. */
export interface FakeBlock {
  readonly frame: number;
  readonly fps: number;
  readonly outTimeUs: number | 'N/A';
  readonly totalSize: number | 'N/A';
  readonly bitrateKbps: number | 'N/A';
  readonly speed: number | 'N/A';
  readonly extra?: Readonly<Record<string, string>> | undefined;
}

export type AdvanceStep = Extract<FakeStep, { advance: unknown }>['advance'];

/** The numbers before any block was written. */
export const ZERO_BLOCK: FakeBlock = { frame: 0, fps: 0, outTimeUs: 0, totalSize: 0, bitrateKbps: 'N/A', speed: 'N/A' };

/** The block one `advance` tick writes: every number moved forward from `last`. */
export function advanceBlock(last: FakeBlock, step: AdvanceStep): FakeBlock {
  const { everyMs, outTimeStepUs = 1_000_000, frameStep = 25, bytesStep = 125_000 } = step;
  const outTimeUs = numberOr0(last.outTimeUs) + outTimeStepUs;
  const totalSize = numberOr0(last.totalSize) + bytesStep;
  return {
    frame: last.frame + frameStep,
    fps: everyMs > 0 ? (frameStep * 1000) / everyMs : 0,
    outTimeUs,
    totalSize,
    bitrateKbps: deriveBitrateKbps(totalSize, outTimeUs),
    speed: everyMs > 0 ? outTimeStepUs / (everyMs * 1000) : 'N/A',
  };
}

/** Keys a `progress` step leaves out keep their last value; the bitrate follows size and time. */
export function resolveBlock(given: FakeProgressBlock, last: FakeBlock): FakeBlock {
  const outTimeUs = given.outTimeUs ?? last.outTimeUs;
  const totalSize = given.totalSize ?? last.totalSize;
  return {
    frame: given.frame ?? last.frame,
    fps: given.fps ?? last.fps,
    outTimeUs,
    totalSize,
    bitrateKbps: given.bitrateKbps ?? deriveBitrateKbps(totalSize, outTimeUs),
    speed: given.speed ?? last.speed,
    extra: given.extra,
  };
}

/** A block exactly as ffmpeg 5.1's `print_report()` writes it. */
export function renderBlock(block: FakeBlock, end: boolean): string {
  const { outTimeUs, totalSize, bitrateKbps, speed } = block;
  const lines = [
    `frame=${block.frame}`,
    `fps=${block.fps.toFixed(2)}`,
    'stream_0_0_q=-1.0',
    `bitrate=${bitrateKbps === 'N/A' ? 'N/A' : `${bitrateKbps.toFixed(1).padStart(6)}kbits/s`}`,
    `total_size=${totalSize}`,
    `out_time_us=${outTimeUs}`,
    `out_time_ms=${outTimeUs}`,
    `out_time=${outTimeUs === 'N/A' ? 'N/A' : formatOutTime(outTimeUs)}`,
    'dup_frames=0',
    'drop_frames=0',
    `speed=${speed === 'N/A' ? 'N/A' : `${formatG3(speed).padStart(4)}x`}`,
    ...Object.entries(block.extra ?? {}).map(([key, value]) => `${key}=${value}`),
    `progress=${end ? 'end' : 'continue'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `%s%02d:%02d:%02d.%06d`, with a leading `-` for negative times. */
export function formatOutTime(us: number): string {
  const abs = Math.abs(Math.trunc(us));
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const secs = Math.floor(abs / 1e6);
  return `${us < 0 ? '-' : ''}${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}.${pad(abs % 1e6, 6)}`;
}

/** C's `%.3g`: three significant digits, trailing zeros dropped, exponent form outside 1e-4..1e3. */
export function formatG3(value: number): string {
  const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(value.toPrecision(3)))));
  if (exponent < -4 || exponent >= 3) {
    const [mantissa = '0', power = '0'] = value.toExponential(2).split('e');
    const sign = power.startsWith('-') ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${power.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return stripZeros(value.toFixed(2 - exponent));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function deriveBitrateKbps(totalSize: number | 'N/A', outTimeUs: number | 'N/A'): number | 'N/A' {
  return typeof totalSize === 'number' && typeof outTimeUs === 'number' && outTimeUs > 0
    ? (totalSize * 8000) / outTimeUs
    : 'N/A';
}

function numberOr0(value: number | 'N/A'): number {
  return value === 'N/A' ? 0 : value;
}
