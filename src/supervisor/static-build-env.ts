import { join } from 'node:path';

const STATIC_INSTALLER_PATH = /[\\/]@(?:ffmpeg|ffprobe)-installer[\\/]/;

/**
 * The environment a binary is started with. The statically linked builds of
 * `@ffmpeg-installer/*` and `@ffprobe-installer/*` load the system's glibc `gconv` modules to
 * convert DVB service names (ISO 6937), and the static ffprobe crashes with SIGSEGV on every
 * MPEG-TS input when it finds a newer glibc's modules. Pointing `GCONV_PATH` at a directory
 * that does not exist makes them skip the conversion; the output is otherwise identical.
 * A host that sets `GCONV_PATH` itself keeps its value; other binaries are left alone.
 */
export function spawnEnvFor(binaryPath: string, env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv | undefined {
  const base = env ?? process.env;
  if (!STATIC_INSTALLER_PATH.test(binaryPath) || base.GCONV_PATH !== undefined) return env;
  return { ...base, GCONV_PATH: join(binaryPath, '..', 'no-gconv-modules') };
}
