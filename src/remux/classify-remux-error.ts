import type { OutcomeReason } from '../supervisor/outcome.js';
import type { RemuxErrorKind } from './types.js';

/** One ffmpeg stderr message the classifier knows, as plain data (a README can show the table). */
export interface RemuxErrorPattern {
  /** A case-insensitive substring, or a regular expression tested line by line. */
  readonly pattern: string | RegExp;
  readonly kind: RemuxErrorKind;
  /** `true`: a failed `default` rung may be retried with `fallback`. */
  readonly retryWithFallback: boolean;
  /** `true`: a failed `fallback` rung may be retried with `transcode`. */
  readonly retryWithTranscode: boolean;
  /**
   * Error-level (ffmpeg gives up, or the output is broken): a failure even when ffmpeg exits 0.
   * The others are warnings after which ffmpeg goes on; they decide the kind only of a run
   * that failed anyway.
   */
  readonly fatal: boolean;
}

/**
 * The patterns, in precedence order: when several match, the first in this table decides.
 * Timestamp problems come first because the fallback rung exists for them and is cheap (still
 * a copy); `invalid_duration` forbids climbing (the source system saw fallback break resume),
 * so it decides only when no timestamp message is there; a broken trailer comes last.
 */
export const REMUX_ERROR_PATTERNS: readonly RemuxErrorPattern[] = Object.freeze([
  // The disk filled up mid-run: no rung can help.
  { pattern: 'No space left on device', kind: 'no_space', retryWithFallback: false, retryWithTranscode: false, fatal: true },
  // ffprobe named the codec but this ffmpeg has no decoder for it: the one real "unsupported".
  { pattern: /Decoder \(codec [^)]*\) not found/i, kind: 'codec_unsupported', retryWithFallback: false, retryWithTranscode: false, fatal: true },
  { pattern: 'Application provided invalid, non monotonically increasing dts to muxer', kind: 'non_monotonic_dts', retryWithFallback: true, retryWithTranscode: true, fatal: true },
  // ffmpeg ≤ 6.0: "Non-monotonous DTS in output stream 0:1"; 6.1 and later: "Non-monotonic DTS".
  { pattern: /non-monoton(?:ous|ic) DTS/i, kind: 'non_monotonic_dts', retryWithFallback: true, retryWithTranscode: true, fatal: false },
  { pattern: 'Timestamps are unset in a packet for stream', kind: 'timestamps_unset', retryWithFallback: true, retryWithTranscode: true, fatal: false },
  { pattern: 'Packet with invalid duration', kind: 'invalid_duration', retryWithFallback: false, retryWithTranscode: false, fatal: false },
  { pattern: /past duration .* too large/i, kind: 'invalid_duration', retryWithFallback: false, retryWithTranscode: false, fatal: false },
  // ffmpeg ≤ 6 logs a failed trailer (e.g. the +faststart rewrite) and still exits 0.
  { pattern: 'Error writing trailer', kind: 'output_invalid', retryWithFallback: false, retryWithTranscode: false, fatal: true },
] satisfies RemuxErrorPattern[]);

/** Messages seen in 20–30% of DVB recordings that never make a run fail (nor succeed). */
export const COSMETIC_PATTERNS: readonly string[] = Object.freeze([
  'PES packet size mismatch',
  'Packet corrupt',
  'corrupt input packet',
  'incomplete frame',
  'corrupt decoded frame',
]);

/** What one ffmpeg run's stderr and exit code say about a remux. */
export interface RemuxClassification {
  /** `'none'`: the run succeeded (the output still has to be checked). */
  readonly kind: RemuxErrorKind | 'none';
  readonly retryWithFallback: boolean;
  readonly retryWithTranscode: boolean;
  /** The pattern that decided the kind, as written in {@link REMUX_ERROR_PATTERNS}. */
  readonly matched?: string;
  /** The stderr line it matched (trimmed, at most 500 characters). */
  readonly matchedLine?: string;
  /** Warning-level patterns seen (for logs), whether or not they decided the kind. */
  readonly warnings: string[];
  /** Cosmetic patterns seen. */
  readonly cosmetic: string[];
  readonly exitCode: number | null;
}

/**
 * Classifies a finished ffmpeg run from its stderr (keep its tail: the fatal line is usually
 * last) and exit code.
 *
 * - Exit 0 with no fatal pattern: `'none'`.
 * - Exit 0 with a fatal pattern (e.g. `Error writing trailer`): that pattern's kind.
 * - Non-zero exit, or `null` (killed): never `'none'`; the first matching pattern's kind, else
 *   `'generic'` (no fallback, transcode allowed).
 * - Cosmetic messages are listed and never change the kind.
 *
 * Stalls, deadlines, host aborts and spawn failures are not decided here: see
 * {@link remuxErrorKindForOutcome}.
 */
export function classifyRemuxError(stderr: string, exitCode: number | null): RemuxClassification {
  const lines = stderr.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  const hits = MATCHERS.flatMap((m) => {
    const line = lines.find(m.test);
    return line === undefined ? [] : [{ ...m, line }];
  });
  const warnings = hits.filter((h) => !h.spec.fatal).map((h) => h.label);
  const cosmetic = COSMETIC_PATTERNS.filter((p) => lines.some((line) => line.toLowerCase().includes(p.toLowerCase())));
  const failed = exitCode !== 0;
  const decisive = hits.find((h) => failed || h.spec.fatal);
  if (decisive !== undefined) {
    const { kind, retryWithFallback, retryWithTranscode } = decisive.spec;
    const matchedLine = decisive.line.trim().slice(0, 500);
    return { kind, retryWithFallback, retryWithTranscode, matched: decisive.label, matchedLine, warnings, cosmetic, exitCode };
  }
  if (failed) {
    return { kind: 'generic', retryWithFallback: false, retryWithTranscode: true, warnings, cosmetic, exitCode };
  }
  return { kind: 'none', retryWithFallback: false, retryWithTranscode: false, warnings, cosmetic, exitCode };
}

/**
 * `true` when a stderr line matches any pattern the classifier reads (error or cosmetic).
 * Lets a caller keep the few lines that matter from a long run whose stderr it cannot keep
 * whole, and pass them to {@link classifyRemuxError} with the stderr tail.
 */
export function isClassifierLine(line: string): boolean {
  const lower = line.toLowerCase();
  return MATCHERS.some((m) => m.test(line)) || COSMETIC_PATTERNS.some((p) => lower.includes(p.toLowerCase()));
}

/**
 * The remux error kind a supervisor outcome decides by itself: `stalled`, `timeout`, `aborted`
 * and `spawn_failed` map to the kind of the same name, and such a failure never climbs the
 * ladder (a stall is an availability problem; a deadline, a host cancellation or a missing
 * binary would only repeat). `failed` and `completed` give `undefined`: classify the stderr.
 */
export function remuxErrorKindForOutcome(reason: OutcomeReason): RemuxErrorKind | undefined {
  switch (reason) {
    case 'stalled':
    case 'timeout':
    case 'aborted':
    case 'spawn_failed':
      return reason;
    default:
      return undefined;
  }
}

interface Matcher {
  readonly spec: RemuxErrorPattern;
  readonly label: string;
  readonly test: (line: string) => boolean;
}

const MATCHERS: readonly Matcher[] = REMUX_ERROR_PATTERNS.map((spec) => {
  const { pattern } = spec;
  if (typeof pattern === 'string') {
    const needle = pattern.toLowerCase();
    return { spec, label: pattern, test: (line: string) => line.toLowerCase().includes(needle) };
  }
  // A fresh, stateless, case-insensitive copy: no `g`/`y` lastIndex surprises.
  const regex = new RegExp(pattern.source, `${pattern.flags.replace(/[gyi]/g, '')}i`);
  return { spec, label: String(pattern), test: (line: string) => regex.test(line) };
});
