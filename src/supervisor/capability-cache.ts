/**
 * The on-disk capability cache: one small JSON file per binary, keyed by what changes when the
 * binary is replaced. Every failure (unreadable, corrupt, unwritable, racing writers) degrades to
 * "not cached": the caller probes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FfmpegCapabilities } from './capabilities.js';

/** Identifies one binary on disk: replacing, rewriting, touching or re-linking it changes the key. */
export interface BinaryKey {
  readonly realPath: string;
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
}

/** Bumped when the stored shape changes: entries of another format are ignored. */
const FORMAT = 1;

/** `$XDG_CACHE_HOME/ffmpeg-supervisor`, or `~/.cache/ffmpeg-supervisor` when it is unset or relative. */
export function defaultCapabilityCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'ffmpeg-supervisor');
}

/** The key of the binary a path leads to, or `undefined` when it cannot be read (the probe then reports why). */
export async function readBinaryKey(binaryPath: string): Promise<BinaryKey | undefined> {
  try {
    const realPath = await realpath(binaryPath);
    const info = await stat(realPath, { bigint: true });
    if (!info.isFile()) return undefined;
    return {
      realPath,
      dev: String(info.dev),
      ino: String(info.ino),
      size: String(info.size),
      mtimeNs: String(info.mtimeNs),
      ctimeNs: String(info.ctimeNs),
    };
  } catch {
    return undefined;
  }
}

/** The cache file of a binary: named after a hash of its real path, so one binary has one entry. */
export function capabilityCacheFile(directory: string, key: BinaryKey): string {
  const digest = createHash('sha256').update(key.realPath).digest('hex').slice(0, 32);
  return join(directory, `capabilities-${digest}.json`);
}

/** The cached capabilities when the entry exists, parses, and was written for exactly this binary. */
export async function readCachedCapabilities(directory: string, key: BinaryKey): Promise<FfmpegCapabilities | undefined> {
  try {
    const entry = JSON.parse(await readFile(capabilityCacheFile(directory, key), 'utf8')) as unknown;
    return isEntryFor(entry, key) ? entry.capabilities : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the entry to a temp file in the same directory and renames it over the old one, so a
 * reader sees the old entry or the new one, never a part; two writers of the same binary write
 * the same content and the last rename wins. Failures are ignored.
 */
export async function writeCachedCapabilities(directory: string, key: BinaryKey, capabilities: FfmpegCapabilities): Promise<void> {
  const file = capabilityCacheFile(directory, key);
  const temp = `${file}.${process.pid}-${randomUUID()}.tmp`;
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(temp, `${JSON.stringify({ format: FORMAT, key, capabilities })}\n`, { mode: 0o644 });
    await rename(temp, file);
  } catch {
    await rm(temp, { force: true }).catch(() => {});
  }
}

interface CacheEntry {
  readonly format: number;
  readonly key: BinaryKey;
  readonly capabilities: FfmpegCapabilities;
}

function isEntryFor(entry: unknown, key: BinaryKey): entry is CacheEntry {
  if (typeof entry !== 'object' || entry === null) return false;
  const { format, key: stored, capabilities } = entry as Partial<CacheEntry>;
  if (format !== FORMAT || typeof stored !== 'object' || stored === null) return false;
  const sameKey = (Object.keys(key) as Array<keyof BinaryKey>).every((field) => stored[field] === key[field]);
  return sameKey && isCapabilities(capabilities);
}

function isCapabilities(value: unknown): value is FfmpegCapabilities {
  if (typeof value !== 'object' || value === null) return false;
  const { version, hasFpsMode, encoders } = value as Partial<FfmpegCapabilities>;
  return typeof version === 'string' && typeof hasFpsMode === 'boolean' && Array.isArray(encoders) && encoders.every((name) => typeof name === 'string');
}
