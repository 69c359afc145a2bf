import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { FfmpegNotFoundError } from './errors.js';

/** Which binary is being looked for. */
export type BinaryName = 'ffmpeg' | 'ffprobe';

/** Where a candidate comes from, in the order they are tried. */
export type CandidateSource = 'option' | 'env' | 'installer' | 'path';

/**
 * What the search found about one candidate without running it. `usable` here means present
 * and executable; {@link describeFfmpegSetup} also runs it and may find it `crashed` or `failed`.
 */
export type CandidateStatus = 'usable' | 'not_set' | 'not_installed' | 'not_found' | 'not_executable' | 'crashed' | 'failed';

export interface BinaryCandidate {
  readonly source: CandidateSource;
  /** `ffprobePath option`, `$FFPROBE_PATH`, `@ffprobe-installer/ffprobe`, `ffprobe on PATH`. */
  readonly label: string;
  /** The file, when the source named one. */
  readonly path: string | undefined;
  readonly status: CandidateStatus;
  /** Why it is not usable, in words (empty when usable). */
  readonly reason: string;
}

interface BinarySearch {
  readonly name: BinaryName;
  readonly envVar: 'FFMPEG_PATH' | 'FFPROBE_PATH';
  readonly installerPackage: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe';
}

const SEARCHES: Readonly<Record<BinaryName, BinarySearch>> = {
  ffmpeg: { name: 'ffmpeg', envVar: 'FFMPEG_PATH', installerPackage: '@ffmpeg-installer/ffmpeg' },
  ffprobe: { name: 'ffprobe', envVar: 'FFPROBE_PATH', installerPackage: '@ffprobe-installer/ffprobe' },
};

/** Binaries found unusable by running them (see `describeFfmpegSetup()`): the search skips them. */
const unusableBinaries = new Map<string, { readonly status: 'crashed' | 'failed'; readonly reason: string }>();

/**
 * Finds ffmpeg: the explicit path, then `FFMPEG_PATH`, then `@ffmpeg-installer/ffmpeg` when
 * installed, then `ffmpeg` on `PATH`. Throws `FfmpegNotFoundError` listing what was tried and
 * why each candidate was skipped.
 */
export function resolveFfmpegPath(explicitPath?: string): string {
  return resolveBinary('ffmpeg', explicitPath);
}

/** Finds ffprobe the same way: explicit, `FFPROBE_PATH`, `@ffprobe-installer/ffprobe`, `PATH`. */
export function resolveFfprobePath(explicitPath?: string): string {
  return resolveBinary('ffprobe', explicitPath);
}

function resolveBinary(name: BinaryName, explicitPath: string | undefined): string {
  const { chosen, candidates } = searchBinary(name, explicitPath);
  if (chosen !== undefined) return chosen.path as string;
  const { envVar, installerPackage } = SEARCHES[name];
  const tried = candidates.map((candidate) => `${candidate.label} (${candidate.reason})`);
  throw new FfmpegNotFoundError(
    `No ${name} binary found. Tried: ${tried.join(', ')}. Pass the path explicitly, set ${envVar}, or install ${installerPackage}.`,
    tried,
  );
}

/**
 * The search without running anything: every candidate tried, in order, with why it was
 * skipped, and the first usable one. An explicit path and the environment variable are taken
 * as given (they are the host's choice); the installer package and `PATH` are checked on disk.
 */
export function searchBinary(name: BinaryName, explicitPath?: string): { chosen: BinaryCandidate | undefined; candidates: BinaryCandidate[] } {
  const search = SEARCHES[name];
  const candidates: BinaryCandidate[] = [];
  for (const find of [fromOption, fromEnv, fromInstaller, fromPath]) {
    const candidate = find(search, explicitPath);
    if (candidate === undefined) continue;
    candidates.push(candidate);
    if (candidate.status === 'usable') return { chosen: candidate, candidates };
  }
  return { chosen: undefined, candidates };
}

/** Records that running `path` showed it unusable; later searches skip it (installer and PATH candidates). */
export function markBinaryUnusable(path: string, status: 'crashed' | 'failed', reason: string): void {
  unusableBinaries.set(path, { status, reason });
}

function fromOption({ name }: BinarySearch, explicitPath: string | undefined): BinaryCandidate | undefined {
  if (!explicitPath) return undefined;
  return { source: 'option', label: `${name}Path option`, path: explicitPath, status: 'usable', reason: '' };
}

function fromEnv({ envVar }: BinarySearch): BinaryCandidate {
  const value = process.env[envVar];
  if (!value) return { source: 'env', label: `$${envVar}`, path: undefined, status: 'not_set', reason: 'unset' };
  return { source: 'env', label: `$${envVar}`, path: value, status: 'usable', reason: '' };
}

function fromInstaller({ installerPackage }: BinarySearch): BinaryCandidate {
  const base = { source: 'installer', label: installerPackage } as const;
  let loaded: { path?: unknown };
  try {
    loaded = createRequire(import.meta.url)(installerPackage) as { path?: unknown };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message?.split('\n')[0] ?? String(error);
    if (code === 'MODULE_NOT_FOUND' && message.includes(`'${installerPackage}'`)) {
      return { ...base, path: undefined, status: 'not_installed', reason: 'not installed' };
    }
    // Installed, but no build for this platform, or its binary is missing.
    return { ...base, path: undefined, status: 'not_found', reason: `installed but unusable: ${message}` };
  }
  if (typeof loaded.path !== 'string') return { ...base, path: undefined, status: 'not_found', reason: 'installed but names no binary' };
  return checkFile(base, loaded.path);
}

function fromPath({ name }: BinarySearch): BinaryCandidate {
  const base = { source: 'path', label: `${name} on PATH` } as const;
  let notExecutable: BinaryCandidate | undefined;
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = checkFile(base, join(directory, name));
    if (candidate.status === 'usable') return candidate;
    if (candidate.status !== 'not_found') notExecutable ??= candidate;
  }
  return notExecutable ?? { ...base, path: undefined, status: 'not_found', reason: 'not found' };
}

/** A candidate file checked on disk: present, a file, executable, not known to crash. */
export function checkFile(base: { source: CandidateSource; label: string }, path: string): BinaryCandidate {
  let mode: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return { ...base, path, status: 'not_executable', reason: `${path} is not a file` };
    mode = stats.mode & 0o777;
  } catch {
    return { ...base, path, status: 'not_found', reason: `${path} does not exist` };
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { ...base, path, status: 'not_executable', reason: `${path} is not executable (mode ${mode.toString(8).padStart(4, '0')}; chmod +x it)` };
  }
  const unusable = unusableBinaries.get(path);
  if (unusable !== undefined) return { ...base, path, ...unusable };
  return { ...base, path, status: 'usable', reason: '' };
}
