import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { FfmpegNotFoundError } from './errors.js';

interface BinarySearch {
  readonly name: 'ffmpeg' | 'ffprobe';
  readonly envVar: 'FFMPEG_PATH' | 'FFPROBE_PATH';
  readonly installerPackage: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe';
}

/**
 * Finds ffmpeg: the explicit path, then `FFMPEG_PATH`, then `@ffmpeg-installer/ffmpeg` when
 * installed, then `ffmpeg` on `PATH`. Throws `FfmpegNotFoundError` listing what was tried.
 */
export function resolveFfmpegPath(explicitPath?: string): string {
  return resolveBinary({ name: 'ffmpeg', envVar: 'FFMPEG_PATH', installerPackage: '@ffmpeg-installer/ffmpeg' }, explicitPath);
}

/** Finds ffprobe the same way: explicit, `FFPROBE_PATH`, `@ffprobe-installer/ffprobe`, `PATH`. */
export function resolveFfprobePath(explicitPath?: string): string {
  return resolveBinary({ name: 'ffprobe', envVar: 'FFPROBE_PATH', installerPackage: '@ffprobe-installer/ffprobe' }, explicitPath);
}

function resolveBinary(search: BinarySearch, explicitPath: string | undefined): string {
  if (explicitPath) return explicitPath;
  const tried: string[] = [];
  const fromEnv = process.env[search.envVar];
  if (fromEnv) return fromEnv;
  tried.push(`$${search.envVar} (unset)`);

  const fromInstaller = loadInstallerPath(search.installerPackage);
  if (fromInstaller) return fromInstaller;
  tried.push(`${search.installerPackage} (not installed)`);

  const fromPath = findOnPath(search.name);
  if (fromPath) return fromPath;
  tried.push(`${search.name} on PATH`);

  throw new FfmpegNotFoundError(
    `No ${search.name} binary found. Tried: ${tried.join(', ')}. Pass the path explicitly, set ${search.envVar}, or install ${search.installerPackage}.`,
    tried,
  );
}

function loadInstallerPath(packageName: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const loaded = require(packageName) as { path?: unknown };
    if (typeof loaded.path === 'string' && isExecutable(loaded.path)) return loaded.path;
  } catch {
    // Not installed, or no build for this platform.
  }
  return undefined;
}

function findOnPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
