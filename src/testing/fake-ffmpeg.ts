import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeFfmpegScenario, FakeStep } from './scenario.js';

/** A fake ffmpeg on disk: pass `path` as `ffmpegPath`. */
export interface FakeFfmpeg {
  /** An executable launcher script; the process it starts (same pid, via `exec`) plays the scenario. */
  readonly path: string;
  /** The scenario as JSON; rewrite it to change what the next run does. */
  readonly scenarioPath: string;
  /** The temporary directory holding both files. */
  readonly dir: string;
  /** Removes `dir`. Idempotent. */
  cleanup(): void;
}

/** Options of {@link createFakeFfmpeg}. */
export interface CreateFakeFfmpegOptions {
  /** Parent directory of the fresh temporary directory. @default os.tmpdir() */
  readonly dir?: string;
}

const RUNNER_FILE = 'fake-ffmpeg-process.js';
const PACKAGE_NAME = 'ffmpeg-supervisor';
const STEP_KEYS = ['wait', 'progress', 'advance', 'frozen', 'stderr', 'stderrFlood', 'stdout', 'writeOutput', 'writeOutputText', 'exit', 'crash', 'hang'];

/**
 * Writes a scenario and a launcher script into a fresh temporary directory and returns the
 * launcher's path, usable as `ffmpegPath`. The launcher `exec`s Node on the built fake, so the
 * pid a supervisor sees is the fake itself. POSIX only (`/bin/sh`).
 *
 * @example
 * const fake = createFakeFfmpeg(scenarios.progressThenHang({ blocks: 2, everyMs: 20 }));
 * try { await new FfmpegSupervisor({ args, ffmpegPath: fake.path, stallTimeoutMs: 200 }).run(); }
 * finally { fake.cleanup(); }
 */
export function createFakeFfmpeg(scenario: FakeFfmpegScenario, options: CreateFakeFfmpegOptions = {}): FakeFfmpeg {
  validateScenario(scenario);
  const runnerPath = resolveRunnerPath();
  const dir = mkdtempSync(path.join(options.dir ?? tmpdir(), 'ffmpeg-supervisor-fake-'));
  const scenarioPath = path.join(dir, 'scenario.json');
  const launcherPath = path.join(dir, 'ffmpeg');
  writeFileSync(scenarioPath, JSON.stringify(scenario, null, 2));
  const launcher = `#!/bin/sh\nexec ${[process.execPath, runnerPath, scenarioPath].map(shellQuote).join(' ')} "$@"\n`;
  writeFileSync(launcherPath, launcher, { mode: 0o755 });
  chmodSync(launcherPath, 0o755); // the umask may have narrowed the mode above
  return {
    path: launcherPath,
    scenarioPath,
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

let runnerPath: string | undefined;

/**
 * The built fake program: next to this module in `dist/testing/`, or, when this module runs from
 * `src/` (vitest), in the package's own `dist/testing/`.
 */
function resolveRunnerPath(): string {
  if (runnerPath !== undefined) return runnerPath;
  // CJS build: the real __filename (tsup's import.meta.url shim breaks on `#` in paths); ESM: import.meta.url.
  const here = path.dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
  const sibling = path.join(here, RUNNER_FILE);
  const root = existsSync(sibling) ? undefined : findPackageRoot(here);
  const built = root === undefined ? undefined : path.join(root, 'dist', 'testing', RUNNER_FILE);
  if (existsSync(sibling)) runnerPath = sibling;
  else if (built !== undefined && existsSync(built)) runnerPath = built;
  else {
    throw new Error(
      `The fake ffmpeg program is not built (looked for ${built ?? sibling}). Run \`npm run build\` first.`,
    );
  }
  return runnerPath;
}

function findPackageRoot(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function readPackageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

function validateScenario(scenario: FakeFfmpegScenario): void {
  if (typeof scenario !== 'object' || scenario === null || !Array.isArray(scenario.steps)) {
    throw new TypeError(`The \`scenario\` must be an object with a \`steps\` array; got ${describeValue(scenario)}.`);
  }
  scenario.steps.forEach((step: FakeStep, index) => {
    const keys = typeof step === 'object' && step !== null ? Object.keys(step).filter((key) => key !== 'raw') : [];
    if (keys.length !== 1 || !STEP_KEYS.includes(keys[0] ?? '')) {
      throw new TypeError(
        `The \`scenario.steps[${index}]\` must have exactly one of ${STEP_KEYS.join(', ')}; got ${describeValue(step)}.`,
      );
    }
  });
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---- scenario builders ------------------------------------------------------------------------

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
  /** Write this text to the output path (the last argument) before the end block. */
  readonly outputText?: string;
  /** Copy this file to the output path before the end block. */
  readonly outputFrom?: string;
}

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
  /** A job that advances `blocks` times, writes `progress=end` and exits 0. */
  completes(options: CompletesOptions = {}): FakeFfmpegScenario {
    const { blocks = 3, everyMs = 20, outTimeStepUs, frameStep, bytesStep, outputText, outputFrom } = options;
    return {
      steps: [
        { advance: { count: blocks, everyMs, outTimeStepUs, frameStep, bytesStep } },
        ...(outputFrom === undefined ? [] : [{ writeOutput: { from: outputFrom } }]),
        ...(outputText === undefined ? [] : [{ writeOutputText: outputText }]),
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
