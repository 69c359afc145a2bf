import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnEnvFor } from '../../src/supervisor/static-build-env.js';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

/** One ffmpeg build to benchmark, with the ffprobe the ladder uses beside it. */
export interface FfmpegBuild {
  readonly name: string;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
}

function installerPath(pkg: string): string | undefined {
  try {
    const { path } = require(pkg) as { path?: unknown };
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The npm static ffmpeg (2018) with the npm static ffprobe, and Debian's 5.1 pair, when installed. */
export function availableBuilds(): FfmpegBuild[] {
  const builds: FfmpegBuild[] = [];
  const npmFfmpeg = installerPath('@ffmpeg-installer/ffmpeg');
  const npmFfprobe = installerPath('@ffprobe-installer/ffprobe') ?? (existsSync('/usr/bin/ffprobe') ? '/usr/bin/ffprobe' : undefined);
  if (npmFfmpeg && npmFfprobe) builds.push({ name: 'npm static', ffmpegPath: npmFfmpeg, ffprobePath: npmFfprobe });
  if (existsSync('/usr/bin/ffmpeg') && existsSync('/usr/bin/ffprobe')) {
    builds.push({ name: 'Debian', ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe' });
  }
  return builds;
}

/** `ffmpeg version X` of a binary. */
export async function ffmpegVersion(ffmpegPath: string): Promise<string> {
  const { stdout } = await execFileAsync(ffmpegPath, ['-hide_banner', '-version'], { env: spawnEnvFor(ffmpegPath, undefined) });
  return /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? 'unknown';
}

/**
 * A broadcast-like recording: MPEG-TS, 1280x720 H.264 at 25 fps (x264 ultrafast, 1 s GOP) and
 * 48 kHz stereo AC-3, `durationSec` long. Returns its path.
 */
export async function generateRecording(ffmpegPath: string, dir: string, durationSec: number): Promise<string> {
  const output = join(dir, `recording-${durationSec}s.ts`);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=duration=${durationSec}:size=1280x720:rate=25`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${durationSec}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25',
    '-c:a', 'ac3', '-ac', '2', '-ar', '48000', '-b:a', '384k',
    '-f', 'mpegts', `file:${output}`,
  ];
  await execFileAsync(ffmpegPath, args, { timeout: 300_000, env: spawnEnvFor(ffmpegPath, undefined) });
  return output;
}
