import { FfmpegError } from '../supervisor/errors.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import type { RemuxAttempt } from './ladder-types.js';
import type { RemuxErrorKind } from './types.js';

/** Why `remux()` failed (`kind`), and every strategy it ran with its outcome (`attempts`). */
export class RemuxError extends FfmpegError {
  override name = 'RemuxError';
  readonly kind: RemuxErrorKind;
  readonly attempts: readonly RemuxAttempt[];
  /** The request's `id` (set by the ladder). */
  readonly id: string | undefined;

  constructor(
    message: string,
    {
      kind,
      attempts,
      outcome,
      cause,
      id,
    }: { kind: RemuxErrorKind; attempts: readonly RemuxAttempt[]; outcome?: FfmpegOutcome; cause?: unknown; id?: string },
  ) {
    super(message, 'ERR_REMUX_FAILED', outcome, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.attempts = attempts;
    this.id = id;
  }
}
