/**
 * Which failures BullMQ may retry. A failure is named by a kind (a `RemuxError` kind, a
 * supervisor outcome reason, or one of this module's own); the policy maps each kind to
 * `'retry'` (follow the queue's `attempts` and `backoff`) or `'fail'` (an `UnrecoverableError`:
 * failed at once, whatever attempts remain). Plain data and pure functions.
 */

/** `'retry'`: the job's `attempts` and `backoff` decide; `'fail'`: failed now, never retried. */
export type RetryDecision = 'retry' | 'fail';

export interface RetryPolicy {
  /** Decision per failure kind. */
  readonly kinds: Readonly<Record<string, RetryDecision>>;
  /** Decision for a kind not listed (a kind added by a newer library, an unexpected error). */
  readonly unknown: RetryDecision;
}

/** A partial policy a host passes to override the default one. */
export interface RetryPolicyOverrides {
  readonly kinds?: Readonly<Record<string, RetryDecision>>;
  readonly unknown?: RetryDecision;
}

/**
 * The failure kinds this integration knows, as strings. The remux ladder may name more kinds
 * in later versions; those follow `unknown`.
 */
export const KNOWN_FAILURE_KINDS = [
  // remux ladder kinds (RemuxError.kind)
  'stalled',
  'timeout',
  'aborted',
  'spawn_failed',
  'codec_unsupported',
  'no_playable_streams',
  'output_invalid',
  'non_monotonic_dts',
  'timestamps_unset',
  'invalid_duration',
  'generic',
  // supervisor outcome reason of a plain ffmpeg job (the others are shared with the ladder)
  'failed',
  // this integration's own: the job's data or its input files cannot be used
  'bad_input',
] as const;

export type KnownFailureKind = (typeof KNOWN_FAILURE_KINDS)[number];

/**
 * The default mapping. Never retried: a stall (the input stopped: a retry would hold a slot as
 * long again), a deliberate cancel, and everything that is a property of the input (its codec,
 * its streams, its timestamps after the ladder climbed, an output that failed the check, bad
 * job data or a missing input). Retried within the queue's `attempts`: a deadline, a binary
 * that could not be started (this machine), and failures that may be transient (a crash, a
 * kill, an unmatched non-zero exit).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  kinds: Object.freeze({
    stalled: 'fail',
    aborted: 'fail',
    codec_unsupported: 'fail',
    no_playable_streams: 'fail',
    output_invalid: 'fail',
    non_monotonic_dts: 'fail',
    timestamps_unset: 'fail',
    invalid_duration: 'fail',
    bad_input: 'fail',
    timeout: 'retry',
    spawn_failed: 'retry',
    generic: 'retry',
    failed: 'retry',
  } satisfies Record<KnownFailureKind, RetryDecision>),
  unknown: 'retry',
});

/** What the policy says for `kind`. */
export function decideRetry(kind: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  return Object.hasOwn(policy.kinds, kind) ? (policy.kinds[kind] as RetryDecision) : policy.unknown;
}

/** The default policy with the host's overrides on top; a `TypeError` names a bad entry. */
export function mergeRetryPolicy(overrides: RetryPolicyOverrides | undefined, base: RetryPolicy = DEFAULT_RETRY_POLICY): RetryPolicy {
  if (overrides === undefined) return base;
  if (overrides === null || typeof overrides !== 'object') {
    throw new TypeError(`The \`retryPolicy\` option must be an object like { kinds: { stalled: 'fail' } }; got ${String(overrides)}.`);
  }
  for (const [kind, decision] of Object.entries(overrides.kinds ?? {})) validateDecision(decision, `retryPolicy.kinds.${kind}`);
  if (overrides.unknown !== undefined) validateDecision(overrides.unknown, 'retryPolicy.unknown');
  return Object.freeze({
    kinds: Object.freeze({ ...base.kinds, ...overrides.kinds }),
    unknown: overrides.unknown ?? base.unknown,
  });
}

function validateDecision(decision: unknown, name: string): void {
  if (decision !== 'retry' && decision !== 'fail') {
    throw new TypeError(`The \`${name}\` option must be 'retry' or 'fail'; got ${JSON.stringify(decision)}.`);
  }
}
