import { checkBinaryRuns, type RunCheck } from './binary-check.js';
import { type BinaryCandidate, type BinaryName, checkFile, markBinaryUnusable, searchBinary } from './resolve-path.js';

/** Options of {@link describeFfmpegSetup}. */
export interface DescribeFfmpegSetupOptions {
  /** As given to the supervisor or ladder; checked, never replaced. */
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** Each check run (`-version`, the MPEG-TS probe) is killed after this long. @default 10_000 */
  readonly timeoutMs?: number;
  /** The environment the binaries will run with. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** One binary: what was tried, why each candidate was skipped, and what was chosen. */
export interface BinarySetup {
  readonly name: BinaryName;
  /** The usable binary, or `undefined` when none is. */
  readonly path: string | undefined;
  /** ffmpeg's first `-version` line, e.g. `ffprobe version 5.1.6-0+deb12u1 Copyright …`. */
  readonly version: string | undefined;
  /** Every candidate tried, in order; the last one is the chosen one when `path` is set. */
  readonly candidates: readonly BinaryCandidate[];
}

/** What {@link describeFfmpegSetup} found. */
export interface FfmpegSetup {
  readonly ffmpeg: BinarySetup;
  readonly ffprobe: BinarySetup;
  /** Whether both come from one build (same version and configuration); `undefined` when one is missing. */
  readonly sameBuild: boolean | undefined;
  /** Things a host should know: a mixed pair, a static build started with `GCONV_PATH`. */
  readonly warnings: readonly string[];
  /** Both binaries usable. */
  readonly ok: boolean;
  /** The report as lines of text, for a start-up log. */
  readonly text: string;
}

/**
 * Finds ffmpeg and ffprobe as the library does, runs each candidate (`-version`, and for
 * ffprobe a probe of a tiny MPEG-TS recording), and reports what it tried and why each
 * candidate was skipped: not installed, not found, not executable, crashed (exit 139 /
 * SIGSEGV), failed. A candidate found crashing is also skipped by later `resolveFfmpegPath()`
 * / `resolveFfprobePath()` calls. Log `setup.text` at start-up, and pass `setup.ffmpeg.path` and
 * `setup.ffprobe.path` on if you want exactly the checked pair.
 *
 * @example
 * const setup = await describeFfmpegSetup();
 * (setup.ok ? log.info : log.error)(setup.text);
 */
export async function describeFfmpegSetup(options: DescribeFfmpegSetupOptions = {}): Promise<FfmpegSetup> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`The \`timeoutMs\` option must be a number > 0; got ${String(options.timeoutMs)}.`);
  }
  const ffmpeg = await setupOf('ffmpeg', options.ffmpegPath, timeoutMs, options.env);
  const ffprobe = await setupOf('ffprobe', options.ffprobePath, timeoutMs, options.env);
  const sameBuild = ffmpeg.build === undefined || ffprobe.build === undefined ? undefined : ffmpeg.build === ffprobe.build;
  const warnings: string[] = [];
  if (sameBuild === false) {
    warnings.push(`ffmpeg and ffprobe come from different builds: ${ffmpeg.setup.path} (${ffmpeg.setup.version}) and ${ffprobe.setup.path} (${ffprobe.setup.version}).`);
  }
  for (const binary of [ffmpeg.setup, ffprobe.setup]) {
    if (binary.path !== undefined && /[\\/]@(?:ffmpeg|ffprobe)-installer[\\/]/.test(binary.path) && (options.env ?? process.env).GCONV_PATH === undefined) {
      warnings.push(`${binary.name} is the npm static build: it is started with GCONV_PATH pointing at no modules (without it, it crashes on MPEG-TS service names).`);
    }
  }
  const setup = { ffmpeg: ffmpeg.setup, ffprobe: ffprobe.setup, sameBuild, warnings, ok: ffmpeg.setup.path !== undefined && ffprobe.setup.path !== undefined };
  return { ...setup, text: formatSetup(setup) };
}

async function setupOf(name: BinaryName, explicitPath: string | undefined, timeoutMs: number, env: NodeJS.ProcessEnv | undefined) {
  const tried: BinaryCandidate[] = [];
  // Re-search after each candidate that does not run: the search then skips it.
  for (;;) {
    const { chosen, candidates } = searchBinary(name, explicitPath);
    const fresh = candidates.filter((candidate) => !tried.some((seen) => seen.label === candidate.label && seen.path === candidate.path));
    if (chosen === undefined || !fresh.includes(chosen)) {
      tried.push(...fresh);
      return { setup: { name, path: undefined, version: undefined, candidates: tried }, build: undefined };
    }
    tried.push(...fresh.filter((candidate) => candidate !== chosen));
    // The host's own choice is taken as given by the search; here it is checked on disk too.
    const onDisk = chosen.source === 'option' || chosen.source === 'env' ? checkFile(chosen, chosen.path as string) : chosen;
    const check: RunCheck = onDisk.status === 'usable' ? await checkBinaryRuns(chosen.path as string, name, timeoutMs, env) : { status: 'failed', reason: onDisk.reason };
    if (onDisk.status !== 'usable') {
      tried.push(onDisk);
      return { setup: { name, path: undefined, version: undefined, candidates: tried }, build: undefined };
    }
    if (check.status === 'usable') {
      tried.push(chosen);
      const build = `${check.versionLine.replace(/^\S+\s+version\s+/, '').replace(/\s+Copyright.*$/, '')}|${check.configuration ?? ''}`;
      return { setup: { name, path: chosen.path, version: check.versionLine.replace(/\s+Copyright.*$/, ''), candidates: tried }, build };
    }
    tried.push({ ...chosen, status: check.status, reason: check.reason });
    // An explicit path or the environment variable is the host's choice: never fall back from it.
    if (chosen.source === 'option' || chosen.source === 'env') {
      return { setup: { name, path: undefined, version: undefined, candidates: tried }, build: undefined };
    }
    if (check.status === 'crashed' || check.status === 'failed') markBinaryUnusable(chosen.path as string, check.status, check.reason);
  }
}

/** The report as text: one line per binary, one indented line per candidate, then the warnings. */
function formatSetup(setup: Omit<FfmpegSetup, 'text'>): string {
  const lines: string[] = [];
  for (const binary of [setup.ffmpeg, setup.ffprobe]) {
    lines.push(binary.path === undefined ? `${binary.name}: none usable` : `${binary.name}: ${binary.path} (${binary.version})`);
    for (const candidate of binary.candidates) {
      const verdict = candidate.status === 'usable' ? 'chosen' : `skipped: ${candidate.reason}`;
      lines.push(`  ${candidate.label}${candidate.path !== undefined && candidate.status === 'usable' ? ` ${candidate.path}` : ''}: ${verdict}`);
    }
  }
  for (const warning of setup.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
