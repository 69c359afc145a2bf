import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

function installerPath(pkg: string): string | undefined {
  try {
    const { path } = require(pkg) as { path?: unknown };
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The npm static ffmpeg (a 2018 snapshot: no `-fps_mode`, no `-stats_period`), if installed. */
export const NPM_FFMPEG_PATH = installerPath('@ffmpeg-installer/ffmpeg');
/** Debian's ffmpeg 5.1, if installed. */
export const SYSTEM_FFMPEG_PATH = existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : undefined;
/** The npm static ffprobe (2023), if installed. */
export const NPM_FFPROBE_PATH = installerPath('@ffprobe-installer/ffprobe');
/** Debian's ffprobe 5.1, if installed. */
export const SYSTEM_FFPROBE_PATH = existsSync('/usr/bin/ffprobe') ? '/usr/bin/ffprobe' : undefined;

/** Both ffmpeg builds, each with `path: undefined` when absent (for `test.skipIf`). */
export const FFMPEG_BINARIES = [
  { name: 'npm static ffmpeg (2018)', path: NPM_FFMPEG_PATH },
  { name: 'Debian ffmpeg 5.1', path: SYSTEM_FFMPEG_PATH },
] as const;

/**
 * Environment for running the npm static ffprobe/ffmpeg builds. Their static glibc loads the
 * system's gconv modules to decode DVB service names (ISO 6937) in an MPEG-TS and crashes
 * (SIGSEGV) on a newer system glibc; with no gconv modules found, the name is left as is.
 */
export const STATIC_BUILD_ENV: NodeJS.ProcessEnv = { ...process.env, GCONV_PATH: join(tmpdir(), 'ffsup-no-gconv') };

/** Creates a temporary directory; remove it with {@link removeTempDir} in `afterAll`. */
export function createTempDir(prefix = 'ffsup-media-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTempDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

export interface GenerateTsOptions {
  /** `'none'` makes a radio recording (audio only). */
  readonly videoCodec: 'libx264' | 'libx265' | 'mpeg2video' | 'none';
  /** e.g. `yuv420p10le` for 10-bit H.264 or HEVC. */
  readonly pixFmt?: string;
  readonly audioCodec: 'ac3' | 'mp2' | 'aac' | 'none';
  readonly durationSec: number;
  /** B-frames per GOP (`-bf`); the default ultrafast x264/x265 preset has none. */
  readonly bFrames?: number;
  /** @default the npm ffmpeg, else Debian's */
  readonly ffmpegPath?: string;
}

/** Generates an MPEG-TS test recording (testsrc2 320x240 at 25 fps, 1 s GOP, a 440 Hz sine); returns its path. */
export async function generateTs(dir: string, name: string, options: GenerateTsOptions): Promise<string> {
  const ffmpegPath = options.ffmpegPath ?? NPM_FFMPEG_PATH ?? SYSTEM_FFMPEG_PATH;
  if (ffmpegPath === undefined) throw new Error('generateTs: no ffmpeg binary found');
  const { videoCodec, audioCodec, durationSec, pixFmt } = options;
  const output = join(dir, name);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  if (videoCodec !== 'none') args.push('-f', 'lavfi', '-i', `testsrc2=duration=${durationSec}:size=320x240:rate=25`);
  if (audioCodec !== 'none') args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${durationSec}`);
  if (videoCodec !== 'none') {
    args.push('-c:v', videoCodec, '-g', '25');
    if (videoCodec === 'libx264') args.push('-preset', 'ultrafast');
    if (videoCodec === 'libx265') args.push('-preset', 'ultrafast', '-x265-params', 'log-level=error');
    if (pixFmt !== undefined) args.push('-pix_fmt', pixFmt);
    if (options.bFrames !== undefined) args.push('-bf', String(options.bFrames));
  }
  if (audioCodec !== 'none') args.push('-c:a', audioCodec);
  args.push('-f', 'mpegts', `file:${output}`);
  await execFileAsync(ffmpegPath, args, { timeout: 60_000, env: STATIC_BUILD_ENV });
  return output;
}

/** The parts of ffprobe's JSON that tests read. */
export interface FfprobeJson {
  readonly streams: ReadonlyArray<Record<string, unknown>>;
  readonly format: Record<string, unknown>;
}

/** Full `-show_streams -show_format` JSON of a file, from Debian's ffprobe or else the npm one. */
export async function ffprobeJson(path: string): Promise<FfprobeJson> {
  const ffprobePath = SYSTEM_FFPROBE_PATH ?? NPM_FFPROBE_PATH;
  if (ffprobePath === undefined) throw new Error('ffprobeJson: no ffprobe binary found');
  const { stdout } = await execFileAsync(
    ffprobePath,
    ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', `file:${path}`],
    { timeout: 30_000, env: STATIC_BUILD_ENV, maxBuffer: 16 * 1024 * 1024 },
  );
  const parsed = JSON.parse(stdout) as Partial<FfprobeJson>;
  return { streams: parsed.streams ?? [], format: parsed.format ?? {} };
}
