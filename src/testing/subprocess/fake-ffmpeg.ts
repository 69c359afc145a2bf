import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeFfmpegScenario } from '../scenario/format.js';
import { bundleRunnerSource } from './bundle-runner-source.js';
import { validateScenario } from '../scenario/validate.js';

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
const RUNNER_SOURCE_FILE = 'fake-ffmpeg-process.ts';

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
 * The fake program: the built one next to this module (`dist/testing/`), or, when this module
 * runs from source (this project's own tests), the source bundled once into the package's
 * `node_modules/.cache/` with the esbuild the toolchain brings, so no build is needed first.
 */
function resolveRunnerPath(): string {
  if (runnerPath !== undefined) return runnerPath;
  // CJS build: the real __filename (tsup's import.meta.url shim breaks on `#` in paths); ESM: import.meta.url.
  const here = path.dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
  const built = path.join(here, RUNNER_FILE);
  const source = path.join(here, RUNNER_SOURCE_FILE);
  if (existsSync(built)) runnerPath = built;
  else if (existsSync(source)) runnerPath = bundleRunnerSource(source);
  else throw new Error(`The fake ffmpeg program is missing: looked for ${built} and ${source}.`);
  return runnerPath;
}
