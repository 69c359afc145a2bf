import { execFile } from 'node:child_process';

/** What one ffmpeg binary can do, read from its own help text. */
export interface FfmpegCapabilities {
  /** The version string as `ffmpeg -version` prints it (`5.1.9-0+deb12u1`, `N-47683-g0e8eb07980-static`). */
  readonly version: string;
  /** Major version when it is a release build (`5` for 5.1.9); `undefined` for git snapshots. */
  readonly majorVersion: number | undefined;
  /** `-stats_period` exists (ffmpeg ≥ 4.4). */
  readonly hasStatsPeriod: boolean;
  /** `-fps_mode` exists (ffmpeg ≥ 5.1); older builds only have `-vsync`. */
  readonly hasFpsMode: boolean;
}

/** Capabilities of a modern ffmpeg (5.1 and later), for builders used without a probe. */
export const MODERN_FFMPEG_CAPABILITIES: FfmpegCapabilities = Object.freeze({
  version: 'unknown',
  majorVersion: undefined,
  hasStatsPeriod: true,
  hasFpsMode: true,
});

const cache = new Map<string, Promise<FfmpegCapabilities>>();

/**
 * Probes a binary once per path (`-version` and `-h long`) and caches the answer for the life of
 * the process. A failed probe is not cached, so a binary installed later is seen.
 */
export function probeCapabilities(
  ffmpegPath: string,
  { timeoutMs = 15_000 }: { readonly timeoutMs?: number } = {},
): Promise<FfmpegCapabilities> {
  let pending = cache.get(ffmpegPath);
  if (!pending) {
    pending = readCapabilities(ffmpegPath, timeoutMs);
    cache.set(ffmpegPath, pending);
    pending.catch(() => cache.delete(ffmpegPath));
  }
  return pending;
}

/** Forgets every cached probe (for tests that swap binaries behind one path). */
export function clearCapabilitiesCache(): void {
  cache.clear();
}

async function readCapabilities(ffmpegPath: string, timeoutMs: number): Promise<FfmpegCapabilities> {
  const [versionText, helpText] = await Promise.all([
    runForText(ffmpegPath, ['-hide_banner', '-version'], timeoutMs),
    runForText(ffmpegPath, ['-hide_banner', '-h', 'long'], timeoutMs),
  ]);
  return parseCapabilities(versionText, helpText);
}

/** Pure: capabilities from the text of `ffmpeg -version` and `ffmpeg -h long`. */
export function parseCapabilities(versionText: string, helpText: string): FfmpegCapabilities {
  const version = /ffmpeg version (\S+)/.exec(versionText)?.[1] ?? 'unknown';
  const major = /^n?(\d+)\.\d+/.exec(version)?.[1];
  return {
    version,
    majorVersion: major === undefined ? undefined : Number(major),
    hasStatsPeriod: /^-stats_period\b/m.test(helpText),
    hasFpsMode: /^-fps_mode\b/m.test(helpText),
  };
}

function runForText(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) reject(error);
        else resolve(`${stdout}\n${stderr}`);
      },
    );
  });
}
