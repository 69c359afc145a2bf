import { execFile } from 'node:child_process';
import type { FfmpegCapabilities } from '../supervisor/capabilities.js';
import { spawnEnvFor } from '../supervisor/static-build-env.js';

/**
 * The encoders a binary lists (`ffmpeg -hide_banner -encoders`), by name. Only the transcode
 * rung with a hardware or `auto` encoder needs it, so it is read then, once per binary.
 *
 * When `FfmpegCapabilities` carries an `encoders` list (read with the other capabilities),
 * that list is used and no process is started.
 */
export function encodersOf(ffmpegPath: string, capabilities: FfmpegCapabilities | undefined): Promise<ReadonlySet<string>> {
  const known = (capabilities as { readonly encoders?: readonly string[] } | undefined)?.encoders;
  if (Array.isArray(known)) return Promise.resolve(new Set(known));
  let pending = cache.get(ffmpegPath);
  if (!pending) {
    pending = readEncoders(ffmpegPath);
    cache.set(ffmpegPath, pending);
    pending.catch(() => cache.delete(ffmpegPath));
  }
  return pending;
}

/** Forgets every list read (for tests that swap binaries behind one path). */
export function clearEncoderListCache(): void {
  cache.clear();
}

const cache = new Map<string, Promise<ReadonlySet<string>>>();

/** Pure: encoder names from the text of `ffmpeg -encoders` (` V....D libx264   libx264 H.264 …`). */
export function parseEncoderList(text: string): Set<string> {
  // The legend above the `------` line has the same shape (` V..... = Video`): skip it.
  const separator = /^ ?-{3,}\s*$/m.exec(text);
  const list = separator === null ? text : text.slice(separator.index + separator[0].length);
  const names = new Set<string>();
  for (const match of list.matchAll(/^ [VAS][A-Z.]{5} ([^\s=]\S*)/gm)) names.add(match[1] as string);
  return names;
}

function readEncoders(ffmpegPath: string): Promise<ReadonlySet<string>> {
  return new Promise((resolve, reject) => {
    execFile(
      ffmpegPath,
      ['-hide_banner', '-encoders'],
      { timeout: 15_000, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, windowsHide: true, env: spawnEnvFor(ffmpegPath, undefined) },
      (error, stdout) => (error ? reject(error) : resolve(parseEncoderList(stdout))),
    );
  });
}
