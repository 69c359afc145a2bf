import type { RestartReason } from '../service/restart-policy.js';
import { parseDuration } from './durations.js';

/** `run` options that keep ffmpeg running as a live service (`--restart` turns the service on). */
export const SERVICE_OPTIONS = {
  restart: { type: 'string' },
  'max-restarts': { type: 'string' },
  'restart-delay': { type: 'string' },
  'max-restart-delay': { type: 'string' },
  'reset-after': { type: 'string' },
  'min-speed': { type: 'string' },
  'min-speed-window': { type: 'string' },
} as const;

/** What `run --restart …` asks for. Durations in ms; `undefined` means the library's default. */
export interface ServiceFlags {
  readonly restartOn: readonly RestartReason[];
  readonly maxRestarts: { readonly count: number; readonly windowMs: number | undefined } | undefined;
  readonly initialDelayMs: number | undefined;
  readonly maxDelayMs: number | undefined;
  readonly resetAfterMs: number | undefined;
  readonly minSpeed: number | undefined;
  readonly minSpeedWindowMs: number | undefined;
}

interface ServiceValues {
  readonly restart?: string;
  readonly 'max-restarts'?: string;
  readonly 'restart-delay'?: string;
  readonly 'max-restart-delay'?: string;
  readonly 'reset-after'?: string;
  readonly 'min-speed'?: string;
  readonly 'min-speed-window'?: string;
}

/** `--restart` words and the reasons they select. */
export const RESTART_WORDS: Readonly<Record<string, readonly RestartReason[]>> = Object.freeze({
  'on-stall': ['stalled'],
  'on-failure': ['failed'],
  'on-complete': ['completed'],
  'on-timeout': ['timeout'],
  'on-slow': ['slow'],
  always: ['stalled', 'failed', 'completed', 'timeout', 'slow'],
});

/**
 * Pure: the service flags of `run`, or `undefined` without `--restart`. A bad value throws what
 * `usageError(message)` returns (the parser's usage error), with a one-line lower-case message.
 */
export function parseServiceFlags(values: ServiceValues, usageError: (message: string) => Error): ServiceFlags | undefined {
  if (values.restart === undefined) {
    const orphan = Object.keys(SERVICE_OPTIONS).find((name) => name !== 'restart' && values[name as keyof ServiceValues] !== undefined);
    if (orphan !== undefined) throw usageError(`--${orphan} needs --restart (for example --restart on-stall,on-failure)`);
    return undefined;
  }
  const duration = (name: keyof ServiceValues, minMs: number): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === undefined || ms < minMs) throw usageError(`bad duration for --${name}: '${text}' (use e.g. 500ms, 90s, 2m, 1h)`);
    return ms;
  };
  return {
    restartOn: parseRestartWords(values.restart, usageError),
    maxRestarts: values['max-restarts'] === undefined ? undefined : parseMaxRestarts(values['max-restarts'], usageError),
    initialDelayMs: duration('restart-delay', 0),
    maxDelayMs: duration('max-restart-delay', 0),
    resetAfterMs: duration('reset-after', 0),
    minSpeed: values['min-speed'] === undefined ? undefined : parseSpeed(values['min-speed'], usageError),
    minSpeedWindowMs: duration('min-speed-window', 1),
  };
}

function parseRestartWords(text: string, usageError: (message: string) => Error): RestartReason[] {
  const reasons = new Set<RestartReason>();
  for (const word of text.split(',')) {
    const selected = RESTART_WORDS[word.trim()];
    if (selected === undefined) {
      throw usageError(`unknown --restart '${word}' (use ${Object.keys(RESTART_WORDS).join(', ')}, comma-separated)`);
    }
    for (const reason of selected) reasons.add(reason);
  }
  return [...reasons];
}

/** `5/10m` (5 restarts within 10 minutes), `5` (within the default window), or `unlimited`. */
function parseMaxRestarts(text: string, usageError: (message: string) => Error): { count: number; windowMs: number | undefined } {
  if (text === 'unlimited') return { count: Number.POSITIVE_INFINITY, windowMs: undefined };
  const [countText = '', windowText, extra] = text.split('/');
  const count = /^\d+$/.test(countText) ? Number(countText) : Number.NaN;
  const windowMs = windowText === undefined ? undefined : parseDuration(windowText);
  if (!Number.isSafeInteger(count) || extra !== undefined || (windowText !== undefined && !(windowMs !== undefined && windowMs > 0))) {
    throw usageError(`bad --max-restarts '${text}' (use <count>/<window>, e.g. 5/10m, or a count, or unlimited)`);
  }
  return { count, windowMs };
}

function parseSpeed(text: string, usageError: (message: string) => Error): number {
  const speed = /^\d+(?:\.\d+)?x?$/.test(text) ? Number.parseFloat(text) : Number.NaN;
  if (!(speed > 0)) throw usageError(`bad --min-speed '${text}' (use a speed such as 0.9 or 0.9x)`);
  return speed;
}
