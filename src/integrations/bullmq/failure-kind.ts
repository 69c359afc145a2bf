/**
 * Names a processor's failure by a kind the retry policy knows. Duck-typed on `code` and
 * `kind` (not `instanceof`), so errors from another copy of the library are read the same way.
 */

/** Thrown by a processor when the job's data or its input files cannot be used. */
export class BadJobInputError extends Error {
  override name = 'BadJobInputError';
  readonly code = 'ERR_BAD_JOB_INPUT';
  readonly kind = 'bad_input';
}

interface ErrorLike {
  readonly code?: unknown;
  readonly kind?: unknown;
  readonly outcome?: { readonly reason?: unknown; readonly stderrTail?: unknown } | undefined;
}

/**
 * The failure kind of an error a remux or ffmpeg run rejected with:
 * - a `RemuxError` (`ERR_REMUX_FAILED`): its `kind`;
 * - another `FfmpegError`: its outcome's `reason` (`failed`, `stalled`, `timeout`, `aborted`,
 *   `spawn_failed`); no binary found (`ERR_FFMPEG_NOT_FOUND`) counts as `spawn_failed`;
 * - a {@link BadJobInputError}: `bad_input`;
 * - anything else: `unknown`.
 */
export function failureKindOf(error: unknown): string {
  if (error === null || typeof error !== 'object') return 'unknown';
  const { code, kind, outcome } = error as ErrorLike;
  if ((code === 'ERR_REMUX_FAILED' || code === 'ERR_BAD_JOB_INPUT') && typeof kind === 'string') return kind;
  if (code === 'ERR_FFMPEG_NOT_FOUND') return 'spawn_failed';
  if (typeof code === 'string' && code.startsWith('ERR_FFMPEG_') && typeof outcome?.reason === 'string') return outcome.reason;
  return 'unknown';
}

/** ffmpeg's stderr tail carried by the error (its outcome's, else its last attempt's), or `''`. */
export function stderrTailOf(error: unknown): string {
  if (error === null || typeof error !== 'object') return '';
  const { outcome, attempts } = error as ErrorLike & { attempts?: ReadonlyArray<{ stderrTail?: unknown }> };
  if (typeof outcome?.stderrTail === 'string' && outcome.stderrTail.trim() !== '') return outcome.stderrTail;
  const last = Array.isArray(attempts) ? attempts.at(-1)?.stderrTail : undefined;
  return typeof last === 'string' ? last : '';
}
