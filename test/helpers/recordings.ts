import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NPM_FFMPEG_PATH, STATIC_BUILD_ENV, SYSTEM_FFMPEG_PATH } from './media.js';

const execFileAsync = promisify(execFile);

/**
 * Test recordings with what real broadcast captures contain (see the reference page "what real
 * recordings contain"): several programs, declared PIDs without packets, audio description
 * first, long GOPs, a mid-GOP start, a PTS wrap, a timestamp jump, interlaced and 4:2:2
 * MPEG-2, E-AC-3, DTS, MPEG-4 ASP, MKV and MP4 containers, very short files, a garbage
 * prefix. Small pictures and short durations keep the suite fast.
 */

/** Debian's ffmpeg 5.1 makes every case (E-AC-3, DTS, programs); the 2018 build is the fallback. */
export const GENERATOR_FFMPEG = SYSTEM_FFMPEG_PATH ?? NPM_FFMPEG_PATH;

/** Runs the generator ffmpeg with `args` (quiet, overwrite). */
export async function ffmpeg(args: readonly string[]): Promise<void> {
  if (GENERATOR_FFMPEG === undefined) throw new Error('no ffmpeg binary to generate test media');
  await execFileAsync(GENERATOR_FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
    timeout: 120_000,
    env: STATIC_BUILD_ENV,
  });
}

const TS_PACKET = 188;

/** Removes every 188-byte TS packet of `pid` from a file: the PMT still declares the stream, no packet carries it. */
export function dropTsPid(path: string, pids: readonly number[]): void {
  const input = readFileSync(path);
  const kept: Buffer[] = [];
  for (let offset = 0; offset + TS_PACKET <= input.length; offset += TS_PACKET) {
    const pid = ((input[offset + 1] as number) & 0x1f) * 256 + (input[offset + 2] as number);
    if (!pids.includes(pid)) kept.push(input.subarray(offset, offset + TS_PACKET));
  }
  writeFileSync(path, Buffer.concat(kept));
}

const video = (seconds: number, size = '160x120', source = 'testsrc2') => ['-f', 'lavfi', '-i', `${source}=duration=${seconds}:size=${size}:rate=25`];
const tone = (seconds: number, frequency = 440) => ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}:sample_rate=48000`];
const x264 = (gop = 25) => ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(gop)];

/** One recipe per case; each writes `<dir>/<name>` and returns its path. */
export const RECORDINGS = {
  /** Two programs; program 2's clock is 20,000 s ahead, so format.duration is absurd; 0:v:0 and 0:a:0 are not one program. */
  async multiProgram(dir: string): Promise<string> {
    const path = join(dir, 'multi-program.ts');
    await ffmpeg([
      ...video(4), ...tone(4, 440),
      '-itsoffset', '20000', ...video(4, '160x120', 'testsrc'), '-itsoffset', '20000', ...tone(4, 880),
      '-map', '2:v', '-map', '0:v', '-map', '3:a', '-map', '1:a',
      ...x264(), '-c:a', 'mp2',
      '-program', 'program_num=1:title=A:st=1:st=3', '-program', 'program_num=2:title=B:st=0:st=2',
      '-streamid', '0:0x200', '-streamid', '1:0x100', '-streamid', '2:0x201', '-streamid', '3:0x101',
      '-f', 'mpegts', `file:${path}`,
    ]);
    return path;
  },
  /** The first audio PID (0x101, MP2) is declared but carries no packets; the second (0x102, AC-3) is fine. */
  async emptyAudioPid(dir: string): Promise<string> {
    const path = join(dir, 'empty-audio-pid.ts');
    await ffmpeg([
      ...video(3), ...tone(3, 440), ...tone(3, 880), '-map', '0:v', '-map', '1:a', '-map', '2:a',
      ...x264(), '-c:a:0', 'mp2', '-c:a:1', 'ac3',
      '-streamid', '0:0x100', '-streamid', '1:0x101', '-streamid', '2:0x102', '-f', 'mpegts', `file:${path}`,
    ]);
    dropTsPid(path, [0x101]);
    return path;
  },
  /** The first video PID (0x100) is declared but empty; the picture is on 0x102. */
  async emptyFirstVideoPid(dir: string): Promise<string> {
    const path = join(dir, 'empty-video-pid.ts');
    await ffmpeg([
      ...video(3), ...tone(3), ...video(3, '160x120', 'testsrc'), '-map', '0:v', '-map', '1:a', '-map', '2:v',
      ...x264(), '-c:a', 'mp2',
      '-streamid', '0:0x100', '-streamid', '1:0x101', '-streamid', '2:0x102', '-f', 'mpegts', `file:${path}`,
    ]);
    dropTsPid(path, [0x100]);
    return path;
  },
  /** Every A/V PID empty: a capture with nothing decodable. */
  async nothingDecodable(dir: string): Promise<string> {
    const path = join(dir, 'nothing-decodable.ts');
    await ffmpeg([...video(2), ...tone(2), ...x264(), '-c:a', 'mp2', '-streamid', '0:0x100', '-streamid', '1:0x101', '-f', 'mpegts', `file:${path}`]);
    dropTsPid(path, [0x100, 0x101]);
    return path;
  },
  /** Audio description (visual_impaired, eng) first, the main German track second. */
  async audioDescriptionFirst(dir: string): Promise<string> {
    const path = join(dir, 'audio-description-first.ts');
    await ffmpeg([
      ...video(3), ...tone(3, 880), ...tone(3, 440), '-map', '0:v', '-map', '1:a', '-map', '2:a',
      ...x264(), '-c:a', 'mp2',
      '-disposition:a:0', 'visual_impaired', '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=deu',
      '-f', 'mpegts', `file:${path}`,
    ]);
    return path;
  },
  /** x264's default GOP (keyint 250: 10 s at 25 fps). */
  async longGop(dir: string, seconds: number, size = '160x90'): Promise<string> {
    const path = join(dir, `long-gop-${seconds}s.ts`);
    await ffmpeg([...video(seconds, size), ...tone(seconds), ...x264(250), '-c:a', 'mp2', '-f', 'mpegts', `file:${path}`]);
    return path;
  },
  /** A 12 s recording with a 4 s GOP cut at 35 % of its bytes: it starts in the middle of a GOP. */
  async midGop(dir: string): Promise<string> {
    const full = join(dir, 'mid-gop-full.ts');
    const path = join(dir, 'mid-gop.ts');
    await ffmpeg([...video(12), ...tone(12), ...x264(100), '-c:a', 'mp2', '-f', 'mpegts', `file:${full}`]);
    const bytes = readFileSync(full);
    const cut = Math.floor((bytes.length * 0.35) / TS_PACKET) * TS_PACKET;
    writeFileSync(path, bytes.subarray(cut));
    return path;
  },
  /**
   * Cut 2 s into a 14 s recording with 10 s GOPs (x264's default keyint): the first keyframe
   * comes about 8 s into what is left, so only a third of it can be kept.
   */
  async midGopLate(dir: string): Promise<string> {
    const full = join(dir, 'mid-gop-late-full.ts');
    const path = join(dir, 'mid-gop-late.ts');
    await ffmpeg([...video(14), ...tone(14), ...x264(250), '-c:a', 'mp2', '-f', 'mpegts', `file:${full}`]);
    const bytes = readFileSync(full);
    const cut = Math.floor(bytes.length / 7 / TS_PACKET) * TS_PACKET;
    writeFileSync(path, bytes.subarray(cut));
    return path;
  },
  /**
   * {@link RECORDINGS.midGopLate} with six MP2 tracks (275 packets a second): the first keyframe,
   * 8 s in, lies beyond the packets the input probe lists, so the ladder scans the video alone.
   */
  async midGopLateManyTracks(dir: string): Promise<string> {
    const full = join(dir, 'mid-gop-late-tracks-full.ts');
    const path = join(dir, 'mid-gop-late-tracks.ts');
    const tracks = [440, 550, 660, 770, 880, 990];
    await ffmpeg([
      ...video(14), ...tracks.flatMap((frequency) => tone(14, frequency)),
      '-map', '0:v', ...tracks.flatMap((_, n) => ['-map', `${n + 1}:a`]),
      ...x264(250), '-c:a', 'mp2', '-f', 'mpegts', `file:${full}`,
    ]);
    const bytes = readFileSync(full);
    const cut = Math.floor(bytes.length / 7 / TS_PACKET) * TS_PACKET;
    writeFileSync(path, bytes.subarray(cut));
    return path;
  },
  /** PTS starting 95,440 s in: the 33-bit clock wraps 3.7 s into this 10 s file. */
  async ptsWrap(dir: string): Promise<string> {
    const path = join(dir, 'pts-wrap.ts');
    await ffmpeg([...video(10), ...tone(10), ...x264(), '-c:a', 'mp2', '-output_ts_offset', '95440', '-f', 'mpegts', `file:${path}`]);
    return path;
  },
  /**
   * Two 4 s recordings joined byte for byte, the second 1,000 s later on the clock. With
   * B-frames, as broadcast H.264 has: a copy with `+igndts` then keeps the 990 s hole.
   */
  async timestampJump(dir: string): Promise<string> {
    const first = join(dir, 'jump-a.ts');
    const second = join(dir, 'jump-b.ts');
    const path = join(dir, 'timestamp-jump.ts');
    await ffmpeg([...video(4), ...tone(4), ...x264(), '-bf', '2', '-c:a', 'mp2', '-f', 'mpegts', `file:${first}`]);
    await ffmpeg([...video(4), ...tone(4), ...x264(), '-bf', '2', '-c:a', 'mp2', '-output_ts_offset', '1000', '-f', 'mpegts', `file:${second}`]);
    writeFileSync(path, Buffer.concat([readFileSync(first), readFileSync(second)]));
    return path;
  },
  /**
   * MPEG-2 interlaced, top field first, with real field motion: a 50 fps source woven into
   * 25 fps frames (`tinterlace`), so an encoder that ignores the fields leaves every frame combed.
   */
  async interlacedMpeg2(dir: string): Promise<string> {
    const path = join(dir, 'interlaced-mpeg2.ts');
    await ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=duration=3:size=352x288:rate=50', ...tone(3),
      '-vf', 'tinterlace=mode=interleave_top,setfield=tff', '-c:v', 'mpeg2video', '-flags', '+ilme+ildct', '-top', '1', '-b:v', '4M',
      '-c:a', 'mp2', '-f', 'mpegts', `file:${path}`,
    ]);
    return path;
  },
  /** MPEG-2 4:2:2 (contribution feeds). */
  async mpeg2FourTwoTwo(dir: string): Promise<string> {
    const path = join(dir, 'mpeg2-422.ts');
    await ffmpeg([...video(3), ...tone(3), '-c:v', 'mpeg2video', '-pix_fmt', 'yuv422p', '-c:a', 'mp2', '-f', 'mpegts', `file:${path}`]);
    return path;
  },
  async eac3(dir: string): Promise<string> {
    const path = join(dir, 'eac3.ts');
    await ffmpeg([...video(3), ...tone(3), ...x264(), '-c:a', 'eac3', '-ac', '2', '-f', 'mpegts', `file:${path}`]);
    return path;
  },
  async dts(dir: string): Promise<string> {
    const path = join(dir, 'dts.ts');
    await ffmpeg([...video(3), ...tone(3), ...x264(), '-c:a', 'dca', '-strict', '-2', '-ac', '2', '-f', 'mpegts', `file:${path}`]);
    return path;
  },
  /** MPEG-4 Part 2 (ASP) video: decodable, not browser-playable. */
  async mpeg4Asp(dir: string): Promise<string> {
    const path = join(dir, 'mpeg4-asp.ts');
    await ffmpeg([...video(3), ...tone(3), '-c:v', 'mpeg4', '-c:a', 'mp2', '-f', 'mpegts', `file:${path}`]);
    return path;
  },
  /** Matroska with H.264 and AC-3. */
  async mkv(dir: string): Promise<string> {
    const path = join(dir, 'input.mkv');
    await ffmpeg([...video(3), ...tone(3), ...x264(), '-c:a', 'ac3', '-f', 'matroska', `file:${path}`]);
    return path;
  },
  /** MP4 with H.264 and AAC-LC stereo (the audio is copied). */
  async mp4(dir: string): Promise<string> {
    const path = join(dir, 'input.mp4');
    await ffmpeg([...video(3), ...tone(3), ...x264(), '-c:a', 'aac', '-ac', '2', '-f', 'mp4', `file:${path}`]);
    return path;
  },
  async short(dir: string, seconds: number): Promise<string> {
    const path = join(dir, `short-${seconds}s.ts`);
    await ffmpeg([...video(seconds), ...tone(seconds), ...x264(), '-c:a', 'mp2', '-f', 'mpegts', `file:${path}`]);
    return path;
  },
  /** 200 KB of random bytes, then a 3 s recording. */
  async garbagePrefix(dir: string): Promise<string> {
    const clean = join(dir, 'garbage-clean.ts');
    const path = join(dir, 'garbage-prefix.ts');
    await ffmpeg([...video(3), ...tone(3), ...x264(), '-c:a', 'mp2', '-f', 'mpegts', `file:${clean}`]);
    writeFileSync(path, Buffer.concat([randomBytes(200 * 1024), readFileSync(clean)]));
    return path;
  },
} as const;

/** ffmpeg's `idet` verdict over a file's frames (multi-frame detection): how many look interlaced. */
export async function detectInterlacing(path: string): Promise<{ interlaced: number; progressive: number }> {
  if (GENERATOR_FFMPEG === undefined) throw new Error('no ffmpeg binary');
  const { stderr } = await execFileAsync(GENERATOR_FFMPEG, ['-hide_banner', '-nostdin', '-i', `file:${path}`, '-vf', 'idet', '-an', '-f', 'null', '-'], {
    timeout: 60_000,
    env: STATIC_BUILD_ENV,
  });
  const match = /Multi frame detection: TFF:\s*(\d+) BFF:\s*(\d+) Progressive:\s*(\d+)/.exec(stderr);
  if (!match) throw new Error(`idet printed no verdict: ${stderr.slice(-500)}`);
  return { interlaced: Number(match[1]) + Number(match[2]), progressive: Number(match[3]) };
}
