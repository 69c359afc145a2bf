import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childrenCpuMs } from './cpu.js';

const execFileAsync = promisify(execFile);

/** The kinds of recording the ladder transcodes (and the 1080i H.264 it copies). */
export type ClipKind = 'hevc-1080p' | 'mpeg2-576i' | 'h264-10bit' | 'h264-1080i';

export interface ClipSpec {
  readonly kind: ClipKind;
  readonly label: string;
  /** Width x height of the source. */
  readonly size: string;
  /** Whether the source is interlaced (the transcode deinterlaces it). */
  readonly interlaced: boolean;
}

export const CLIP_SPECS: Readonly<Record<ClipKind, ClipSpec>> = {
  'hevc-1080p': { kind: 'hevc-1080p', label: '1080p HEVC', size: '1920x1080', interlaced: false },
  'mpeg2-576i': { kind: 'mpeg2-576i', label: '576i MPEG-2', size: '720x576', interlaced: true },
  'h264-10bit': { kind: 'h264-10bit', label: '10-bit H.264 1080p', size: '1920x1080', interlaced: false },
  'h264-1080i': { kind: 'h264-1080i', label: '1080i H.264', size: '1920x1080', interlaced: true },
};

/**
 * Moving, broadcast-like pictures: a Mandelbrot zoom (smooth gradients and fine detail) or
 * testsrc2's moving objects (cheaper to draw, for the long and the 10-bit clips), with a little
 * temporal grain, as a camera or a satellite feed has.
 * Interlaced kinds are made from 50 progressive frames per second woven into 25 interlaced ones,
 * so the two fields really differ in time.
 */
function videoSource(spec: ClipSpec, durationSec: number, size: string): string {
  const rate = spec.interlaced ? 50 : 25;
  const base =
    spec.kind === 'h264-10bit' || spec.kind === 'h264-1080i'
      ? `testsrc2=size=${size}:rate=${rate}:duration=${durationSec}`
      : `mandelbrot=size=${size}:rate=${rate}:start_scale=${spec.kind === 'mpeg2-576i' ? 1.5 : 3}:end_scale=0.05:outer=normalized_iteration_count,trim=duration=${durationSec}`;
  const grain = `noise=alls=${spec.kind === 'mpeg2-576i' ? 5 : 4}:allf=t`;
  return spec.interlaced ? `${base},${grain},tinterlace=mode=interleave_top,setfield=tff` : `${base},${grain}`;
}

function codecArgs(spec: ClipSpec): string[] {
  switch (spec.kind) {
    case 'hevc-1080p':
      return ['-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '20', '-g', '50', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error'];
    case 'mpeg2-576i':
      return ['-c:v', 'mpeg2video', '-b:v', '8M', '-maxrate', '9M', '-bufsize', '1835k', '-g', '12', '-bf', '2', '-flags', '+ilme+ildct', '-top', '1', '-pix_fmt', 'yuv420p'];
    case 'h264-10bit':
      return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-g', '50', '-pix_fmt', 'yuv420p10le'];
    case 'h264-1080i':
      return ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-g', '50', '-flags', '+ilme+ildct', '-x264opts', 'tff=1', '-pix_fmt', 'yuv420p'];
  }
}

/**
 * Generates an MPEG-TS recording of `kind` (with 48 kHz stereo MP2 audio, as DVB sends), with
 * Debian's ffmpeg (libx265 and 10-bit libx264 are needed). `size` overrides the resolution
 * (the quick runs use tiny pictures).
 */
export async function generateClip(ffmpegPath: string, dir: string, kind: ClipKind, durationSec: number, size?: string): Promise<string> {
  const spec = CLIP_SPECS[kind];
  const output = join(dir, `${kind}-${durationSec}s${size ? `-${size}` : ''}.ts`);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', videoSource(spec, durationSec, size ?? spec.size),
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${durationSec}`,
    '-map', '0:v', '-map', '1:a', ...codecArgs(spec), '-r', '25',
    '-c:a', 'mp2', '-b:a', '192k', '-ar', '48000', '-ac', '2',
    '-t', String(durationSec), '-f', 'mpegts', `file:${output}`,
  ];
  await execFileAsync(ffmpegPath, args, { timeout: 1_800_000 });
  return output;
}

/** One ffmpeg run measured: wall time and the CPU time of the child (and its children), ms. */
export interface RunCost {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly exitCode: number | null;
  readonly stderr: string;
}

const livePids = new Set<number>();

/** Pids of measured runs still alive (for the benchmark's interrupt handler). */
export function liveRunPids(): readonly number[] {
  return [...livePids];
}

/**
 * Runs one command to the end and returns its wall time and CPU time. CPU comes from the
 * kernel's account of reaped children (`cutime + cstime` of `/proc/self/stat`), so runs must
 * not overlap: other load on the machine stretches wall time but not this figure.
 */
export function measureRun(file: string, args: readonly string[]): Promise<RunCost> {
  return new Promise((resolve, reject) => {
    const cpuStart = childrenCpuMs();
    const wallStart = performance.now();
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.pid !== undefined) livePids.add(child.pid);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-16_384);
    });
    child.once('error', reject);
    child.once('close', (exitCode) => {
      if (child.pid !== undefined) livePids.delete(child.pid);
      resolve({ wallMs: performance.now() - wallStart, cpuMs: childrenCpuMs() - cpuStart, exitCode, stderr });
    });
  });
}

/**
 * A long recording from a short one: `times` copies in a row with continuous timestamps
 * (`-stream_loop`, stream copy), so a 10-minute clip costs one 60 s generation.
 */
export async function loopClip(ffmpegPath: string, input: string, times: number, output: string): Promise<string> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-stream_loop', String(times - 1), '-i', `file:${input}`, '-map', '0', '-c', 'copy', '-f', 'mpegts', `file:${output}`];
  await execFileAsync(ffmpegPath, args, { timeout: 600_000 });
  return output;
}
