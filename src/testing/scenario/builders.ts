import type { FakeFfmpegScenario } from './format.js';

/** How progress blocks are paced: `blocks` blocks, each `everyMs` after the previous step. */
export interface FakePacing {
  /** @default 3 */
  readonly blocks?: number;
  /** @default 20 */
  readonly everyMs?: number;
}

/** Options of {@link scenarios.completes}. */
export interface CompletesOptions extends FakePacing {
  /** Media time each block adds. @default 1_000_000 */
  readonly outTimeStepUs?: number;
  /** Frames each block adds. @default 25 */
  readonly frameStep?: number;
  /** Output bytes each block adds. @default 125_000 */
  readonly bytesStep?: number;
  /**
   * Write this text to the output (the last argument) before the end block, as ffmpeg writes
   * its output file (`-` or `pipe:1`: to stdout). With the fake ffprobe, any non-empty file
   * passes the ladder's output check. @default {@link FAKE_OUTPUT_TEXT}
   */
  readonly outputText?: string;
  /** Copy this file to the output instead. */
  readonly outputFrom?: string;
  /** `false`: write no output at all (a job whose output goes elsewhere). @default true */
  readonly writesOutput?: boolean;
}

/** What a completed scenario writes to its output unless told otherwise. */
export const FAKE_OUTPUT_TEXT = 'ffmpeg-supervisor fake output\n';

/** What ffmpeg 5.1 prints for an unknown option (then exits 1). */
export const UNRECOGNIZED_OPTION_STDERR: readonly string[] = [
  "Unrecognized option 'foo'.",
  'Error splitting the argument list: Option not found',
];

/**
 * Pure builders of common scenarios, so tests read as what ffmpeg does. Each returns plain data;
 * combine them (`scenarios.ignoresSigterm(scenarios.silentHang())`) or spread and edit them.
 */
export const scenarios = {
  /**
   * A job that advances `blocks` times, writes its output (the last argument), writes
   * `progress=end` and exits 0: with the fake ffprobe, the ladder accepts it as is.
   */
  completes(options: CompletesOptions = {}): FakeFfmpegScenario {
    const { blocks = 3, everyMs = 20, outTimeStepUs, frameStep, bytesStep, outputText = FAKE_OUTPUT_TEXT, outputFrom, writesOutput = true } = options;
    const output = !writesOutput ? [] : outputFrom === undefined ? [{ writeOutputText: outputText }] : [{ writeOutput: { from: outputFrom } }];
    return {
      steps: [
        { advance: { count: blocks, everyMs, outTimeStepUs, frameStep, bytesStep } },
        ...output,
        { progress: { end: true } },
        { exit: 0 },
      ],
    };
  },

  /** Some forward progress, then silence forever: ffmpeg blocked on an input that stopped. */
  progressThenHang({ blocks = 3, everyMs = 20 }: FakePacing = {}): FakeFfmpegScenario {
    return { steps: [{ advance: { count: blocks, everyMs } }, { hang: true }] };
  },

  /**
   * No progress at all, forever: ffmpeg still probing a silent input. Real ffmpeg also ignores
   * SIGTERM in that state; wrap in {@link scenarios.ignoresSigterm} to play that too.
   */
  silentHang(): FakeFfmpegScenario {
    return { steps: [{ hang: true }] };
  },

  /** `advancing` moving blocks, then `frozenBlocks` blocks repeating the same numbers (ffmpeg 7), then silence. */
  frozenProgress({
    advancing = 2,
    frozenBlocks = 50,
    everyMs = 20,
  }: { readonly advancing?: number; readonly frozenBlocks?: number; readonly everyMs?: number } = {}): FakeFfmpegScenario {
    return {
      steps: [{ advance: { count: advancing, everyMs } }, { frozen: { count: frozenBlocks, everyMs } }, { hang: true }],
    };
  },

  /** `base`, but SIGTERM and SIGINT are ignored (ffmpeg blocked in `read()`): only SIGKILL ends it. */
  ignoresSigterm(base: FakeFfmpegScenario): FakeFfmpegScenario {
    return { ...base, onSigterm: 'ignore' };
  },

  /** Writes `stderr` lines and exits with `exitCode`. Defaults: ffmpeg's unknown-option failure, exit 1. */
  failsWith({
    stderr = UNRECOGNIZED_OPTION_STDERR,
    exitCode = 1,
  }: { readonly stderr?: readonly string[]; readonly exitCode?: number } = {}): FakeFfmpegScenario {
    return { steps: [...stderr.map((line) => ({ stderr: line })), { exit: exitCode }] };
  },

  /** Some progress, then killed by `signal` (a crash, or the OOM killer's SIGKILL). */
  crashes(signal: NodeJS.Signals = 'SIGKILL', { blocks = 1, everyMs = 20 }: FakePacing = {}): FakeFfmpegScenario {
    return { steps: [{ advance: { count: blocks, everyMs } }, { crash: signal }] };
  },

  /** `base`, plus a grandchild in the same process group that holds stdout, stderr and the progress fd for `holdMs`. */
  withGrandchild(base: FakeFfmpegScenario, holdMs: number): FakeFfmpegScenario {
    return { ...base, grandchildHoldsPipesMs: holdMs };
  },

  /**
   * `bytes` of stderr chatter as fast as the pipe takes it (`\r` redraws, split UTF-8; with
   * `newlines: false` no line end at all), then exit with `exitCode`.
   */
  stderrFlood(
    bytes: number,
    { newlines = true, exitCode = 0 }: { readonly newlines?: boolean; readonly exitCode?: number } = {},
  ): FakeFfmpegScenario {
    return { steps: [{ stderrFlood: { bytes, newlines } }, { exit: exitCode }] };
  },
};
