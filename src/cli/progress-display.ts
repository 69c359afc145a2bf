import type { EncoderReport } from '../remux/encoder-fallback.js';
import type { RemuxAttempt, RemuxLadderEvents, RemuxResult } from '../remux/ladder-types.js';
import type { StrategyDecision } from '../remux/types.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import type { FfmpegProgress } from '../supervisor/progress-parser.js';
import type { FfmpegStall } from '../supervisor/supervisor.js';
import {
  type CliEvent,
  attemptEndEvent,
  attemptEvent,
  decisionEvent,
  errorEvent,
  progressEvent,
  remuxResultEvent,
  runResultEvent,
  signalEvent,
  spawnEvent,
  stallEvent,
} from './json-events.js';
import {
  attemptLabel,
  describeAttempt,
  describeAttemptEnd,
  describeDecision,
  describeFailure,
  describeRemuxResult,
  describeRunResult,
  describeSignal,
  describeSpawn,
  describeStall,
} from './messages.js';
import { fitToWidth, formatProgressLine, formatProgressLineToFit, type ProgressView } from './progress-format.js';

/** `tty`: one line redrawn in place; `plain`: throttled lines for logs; `json`: one event per line. */
export type DisplayMode = 'tty' | 'plain' | 'json';

/** The part of a stream the display writes to (`process.stderr`, `process.stdout`, a test's buffer). */
export interface DisplayStream {
  write(chunk: string): unknown;
  /** Terminal width; the live line is cut to fit it. */
  readonly columns?: number;
}

export interface ProgressDisplayOptions {
  readonly mode: DisplayMode;
  readonly stream: DisplayStream;
  /** Wall-clock ms, for throttling. @default Date.now */
  readonly now?: () => number;
  /** Cells of the TTY bar. @default 24 */
  readonly barWidth?: number;
}

/** TTY: at most one redraw per this many ms (~10 redraws/s). */
export const TTY_REDRAW_INTERVAL_MS = 100;
/** Plain: a progress line at most this often, unless the percent crossed a new tenth. */
export const PLAIN_PROGRESS_INTERVAL_MS = 2_000;

const CLEAR_LINE = '\r\x1b[2K';

type Progress = FfmpegProgress & { readonly strategy?: string };
type Stall = FfmpegStall & { readonly strategy?: string };

/**
 * Renders what a command reports. The CLI wires the ladder's or supervisor's events to these
 * methods; the display decides what to write, how often, and in which form.
 */
export class ProgressDisplay {
  readonly #mode: DisplayMode;
  readonly #stream: DisplayStream;
  readonly #now: () => number;
  readonly #barWidth: number;
  /** TTY: whether the live line is on screen (and must be ended before a message). */
  #liveShown = false;
  /** TTY: a progress line held back by the redraw interval, drawn before the live line is ended. */
  #pendingLine: string | undefined;
  #lastDrawAt = Number.NEGATIVE_INFINITY;
  /** Plain: the tenth of the percent last printed. */
  #lastTenth = 0;
  /** A stop began (a signal, a stall): later blocks, ffmpeg's last words, are not drawn. */
  #stopping = false;
  /** ffmpeg's `progress=end` block, drawn as 100 % only once the run is known to have completed. */
  #endView: ProgressView | undefined;
  /** The encoder of the running transcode, shown in the progress label. */
  #encoder: EncoderReport | undefined;

  constructor(options: ProgressDisplayOptions) {
    this.#mode = options.mode;
    this.#stream = options.stream;
    this.#now = options.now ?? Date.now;
    this.#barWidth = options.barWidth ?? 24;
  }

  get mode(): DisplayMode {
    return this.#mode;
  }

  decision(decision: StrategyDecision): void {
    this.#emit(decisionEvent(decision), describeDecision(decision));
  }

  attempt(attempt: Parameters<RemuxLadderEvents['attempt']>[0]): void {
    this.#emit(attemptEvent(attempt), describeAttempt(attempt));
    this.#restartProgress(attempt.encoder);
  }

  spawn(info: { pid: number | undefined; args: readonly string[] }): void {
    this.#emit(spawnEvent(info), describeSpawn(info));
    this.#restartProgress(undefined);
  }

  progress(progress: Progress): void {
    if (this.#mode === 'json') {
      this.#writeJson(progressEvent(progress));
      return;
    }
    if (this.#stopping) return;
    const now = this.#now();
    const view: ProgressView = {
      label: progress.strategy === undefined ? undefined : attemptLabel(progress.strategy, this.#encoder),
      percent: progress.percent,
      outTimeUs: progress.outTimeUs,
      frame: progress.frame,
      speed: progress.speed,
    };
    // ffmpeg also writes its end block when it was stopped: 100 % waits for the result.
    if (progress.done) this.#endView = { ...view, done: true };
    const line = this.#formatLine(view);
    if (this.#mode === 'tty') {
      if (now - this.#lastDrawAt < TTY_REDRAW_INTERVAL_MS && !progress.done) {
        this.#pendingLine = line;
        return;
      }
      this.#lastDrawAt = now;
      this.#drawLive(line);
      return;
    }
    if (progress.done) return; // printed at 100 % with the result, once the run completed
    const tenth = progress.percent === undefined ? this.#lastTenth : Math.floor(progress.percent / 10);
    if (now - this.#lastDrawAt < PLAIN_PROGRESS_INTERVAL_MS && tenth <= this.#lastTenth) return;
    this.#lastDrawAt = now;
    this.#lastTenth = Math.max(this.#lastTenth, tenth);
    this.#stream.write(`progress ${line}\n`);
  }

  stall(stall: Stall): void {
    this.#stopping = true;
    this.#emit(stallEvent(stall), describeStall(stall));
  }

  attemptEnd(attempt: RemuxAttempt): void {
    if (attempt.kind === 'none' && attempt.outcome.reason === 'completed') this.#drawEnd();
    this.#endView = undefined;
    this.#emit(attemptEndEvent(attempt), describeAttemptEnd(attempt));
  }

  signal(signal: NodeJS.Signals): void {
    this.#stopping = true;
    this.#emit(signalEvent(signal), describeSignal(signal));
  }

  remuxResult(result: RemuxResult, exitCode: number): void {
    this.#emit(remuxResultEvent(result, exitCode), describeRemuxResult(result));
  }

  runResult(outcome: FfmpegOutcome, exitCode: number): void {
    if (!this.#stopping) this.#drawEnd();
    this.#emit(runResultEvent(outcome, exitCode), describeRunResult(outcome));
  }

  failure(error: unknown, exitCode: number): void {
    this.#emit(errorEvent(error, exitCode), describeFailure(error, exitCode).join('\n'));
  }

  /** Ends the live line (TTY), so that whatever is written next starts on a line of its own. */
  close(): void {
    this.#endLive();
  }

  #formatLine(view: ProgressView): string {
    if (this.#mode === 'tty') return formatProgressLineToFit(view, this.#barWidth, this.#stream.columns);
    return formatProgressLine(view, 0);
  }

  /** The completed run's end block, at 100 %, in place of the last line drawn. */
  #drawEnd(): void {
    const view = this.#endView;
    this.#endView = undefined;
    if (view === undefined || this.#mode === 'json') return;
    const line = this.#formatLine(view);
    if (this.#mode === 'tty') this.#drawLive(line);
    else this.#stream.write(`progress ${line}\n`);
  }

  #restartProgress(encoder: EncoderReport | undefined): void {
    this.#encoder = encoder;
    this.#stopping = false;
    this.#endView = undefined;
    this.#pendingLine = undefined;
    this.#lastDrawAt = this.#mode === 'plain' ? this.#now() : Number.NEGATIVE_INFINITY;
    this.#lastTenth = 0;
  }

  /** Writes the event (JSON mode) or the message line (human modes; `undefined` writes nothing). */
  #emit(event: CliEvent, message: string | undefined): void {
    if (this.#mode === 'json') {
      this.#writeJson(event);
      return;
    }
    if (message === undefined) return;
    this.#endLive();
    this.#stream.write(`${message}\n`);
  }

  #writeJson(event: CliEvent): void {
    this.#stream.write(`${JSON.stringify(event)}\n`);
  }

  #drawLive(line: string): void {
    this.#stream.write(`${CLEAR_LINE}${fitToWidth(line, this.#stream.columns)}`);
    this.#liveShown = true;
    this.#pendingLine = undefined;
  }

  /** TTY: leaves the latest progress on screen and moves to a new line (a stall shows where it stuck). */
  #endLive(): void {
    if (this.#pendingLine !== undefined) this.#drawLive(this.#pendingLine);
    if (!this.#liveShown) return;
    this.#stream.write('\n');
    this.#liveShown = false;
    // The next progress block draws at once instead of waiting out the interval.
    this.#lastDrawAt = Number.NEGATIVE_INFINITY;
  }
}
