import { execFile } from 'node:child_process';
import { type BinaryKey, readBinaryKey, readCachedCapabilities, writeCachedCapabilities } from './capability-cache.js';

/** What one ffmpeg binary can do, read from its own help text and encoder list. */
export interface FfmpegCapabilities {
  /** The version string from ffmpeg's banner (`5.1.9-0+deb12u1`, `N-47683-g0e8eb07980-static`); `unknown` when absent. */
  readonly version: string;
  /** `-fps_mode` exists (ffmpeg ≥ 5.1); older builds only have `-vsync`. */
  readonly hasFpsMode: boolean;
  /** Every encoder the binary lists (`libx264`, `aac`, `h264_vaapi`, …), in its order. Listed is not working: a hardware encoder can still fail to open. */
  readonly encoders: readonly string[];
}

/**
 * Capabilities of a modern ffmpeg (5.1 and later, as distributions build it: libx264 and the
 * VAAPI, NVENC and QSV H.264 encoders listed), for builders used without a probe.
 */
export const MODERN_FFMPEG_CAPABILITIES: FfmpegCapabilities = Object.freeze({
  version: 'unknown',
  hasFpsMode: true,
  encoders: Object.freeze(['libx264', 'h264_nvenc', 'h264_qsv', 'h264_vaapi', 'aac']),
});

export interface ProbeCapabilitiesOptions {
  /**
   * Kill a probe process that takes longer than this.
   * @default 15_000
   */
  readonly timeoutMs?: number;
  /**
   * A directory for an on-disk cache shared between processes (the CLI passes
   * `defaultCapabilityCacheDirectory()`). An entry is reused only while the binary's real path,
   * device, inode, size, mtime and ctime are unchanged; an unreadable, corrupt or unwritable cache
   * is ignored and the binary is probed.
   * @default undefined (no disk cache)
   */
  readonly cacheDirectory?: string;
}

/**
 * Two processes, run at once: `ffmpeg -hide_banner -h long` lists the options; `ffmpeg -encoders`
 * prints the banner (the version, on stderr) and the encoder list. ffmpeg stops at its first
 * informational option, so the trailing `-h` is never reached by ffmpeg itself; a program that
 * answers only `-h` and `-version` (such as the test kit's fake ffmpeg) answers its help at once
 * instead of starting a job. (`-version` there would hide ffmpeg's banner.)
 */
const HELP_ARGS = ['-hide_banner', '-h', 'long'];
const ENCODERS_ARGS = ['-encoders', '-h'];

const memory = new Map<string, Promise<FfmpegCapabilities>>();

/**
 * Probes a binary once per path and keeps the answer for the life of the process (the first
 * call's options decide how). A failed probe is not kept, so a binary installed later is seen.
 */
export function probeCapabilities(ffmpegPath: string, options: ProbeCapabilitiesOptions = {}): Promise<FfmpegCapabilities> {
  const { timeoutMs = 15_000, cacheDirectory } = options;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError(`timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  if (cacheDirectory !== undefined && (typeof cacheDirectory !== 'string' || cacheDirectory.length === 0)) {
    throw new TypeError(`cacheDirectory must be a non-empty path, got ${JSON.stringify(cacheDirectory)}`);
  }
  let pending = memory.get(ffmpegPath);
  if (!pending) {
    pending = cacheDirectory === undefined ? readCapabilities(ffmpegPath, timeoutMs) : readThroughDisk(ffmpegPath, timeoutMs, cacheDirectory);
    memory.set(ffmpegPath, pending);
    pending.catch(() => memory.delete(ffmpegPath));
  }
  return pending;
}

/** Forgets every probe kept in memory (for tests that swap binaries behind one path). The disk cache is untouched. */
export function clearCapabilitiesCache(): void {
  memory.clear();
}

async function readThroughDisk(ffmpegPath: string, timeoutMs: number, cacheDirectory: string): Promise<FfmpegCapabilities> {
  // The key is read before probing: a binary replaced during the probe then misses next time.
  const key: BinaryKey | undefined = await readBinaryKey(ffmpegPath);
  if (key) {
    const cached = await readCachedCapabilities(cacheDirectory, key);
    if (cached) return cached;
  }
  const capabilities = await readCapabilities(ffmpegPath, timeoutMs);
  if (key) await writeCachedCapabilities(cacheDirectory, key, capabilities);
  return capabilities;
}

async function readCapabilities(ffmpegPath: string, timeoutMs: number): Promise<FfmpegCapabilities> {
  const [helpText, encodersText] = await Promise.all([
    runForText(ffmpegPath, HELP_ARGS, timeoutMs),
    runForText(ffmpegPath, ENCODERS_ARGS, timeoutMs),
  ]);
  return parseCapabilities(encodersText, helpText);
}

const VERSION = /ffmpeg version (\S+)/;
const FPS_MODE_OPTION = /^-fps_mode\b/m;
/** A row of `ffmpeg -encoders`: ` V....D libx264   description` (type, then flags); the legend's rows name `=`. */
const ENCODER_ROW = /^ [VAS][.A-Z]{5,7} (\S+)/gm;

/**
 * Pure: capabilities from the text a probe printed (`-version` or the banner, `-h long`,
 * `-encoders`, in any order and any combination). Options are read only at the start of a
 * line, so an option named in another option's description does not count.
 */
export function parseCapabilities(...texts: readonly string[]): FfmpegCapabilities {
  const text = texts.join('\n');
  return {
    version: VERSION.exec(text)?.[1] ?? 'unknown',
    hasFpsMode: FPS_MODE_OPTION.test(text),
    encoders: [...new Set(Array.from(text.matchAll(ENCODER_ROW), (match) => match[1] as string))].filter((name) => name !== '='),
  };
}

function runForText(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
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
