/** The deadline of a remux with no input at all: 20 minutes. */
export const REMUX_DEADLINE_BASE_MS = 20 * 60_000;
/** Added per started GiB of input: 1 minute. */
export const REMUX_DEADLINE_PER_GIB_MS = 60_000;
/** The deadline never exceeds 2 hours. */
export const REMUX_DEADLINE_MAX_MS = 2 * 60 * 60_000;

const GIB = 2 ** 30;

/**
 * The overall deadline of one `remux()` call: 20 minutes plus 1 minute per started GiB
 * (2^30 bytes) of input, at most 2 hours. Count every part of a multi-part recording. A
 * partial GiB counts as a whole one: 1 GiB gives 21 minutes, 1 GiB + 1 byte gives 22.
 *
 * @throws {TypeError} when `totalInputBytes` is negative, NaN or infinite.
 */
export function remuxDeadlineMs(totalInputBytes: number): number {
  if (typeof totalInputBytes !== 'number' || !Number.isFinite(totalInputBytes) || totalInputBytes < 0) {
    throw new TypeError(`remuxDeadlineMs: totalInputBytes must be a finite number ≥ 0, got ${String(totalInputBytes)}`);
  }
  const startedGib = Math.ceil(totalInputBytes / GIB);
  return Math.min(REMUX_DEADLINE_BASE_MS + startedGib * REMUX_DEADLINE_PER_GIB_MS, REMUX_DEADLINE_MAX_MS);
}
