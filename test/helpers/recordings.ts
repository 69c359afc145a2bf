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

/** Writes `from` without its first `share` of bytes, cut on a TS packet boundary: a recording started mid-stream. */
function cutTsHead(from: string, to: string, share: number): void {
  const bytes = readFileSync(from);
  writeFileSync(to, bytes.subarray(Math.floor((bytes.length * share) / TS_PACKET) * TS_PACKET));
}

/** What a declared PID carries besides the A/V, as a broadcast PMT says it. */
export type DeclaredStream = 'dvb_subtitle' | 'teletext' | 'scte_35';

/**
 * Rewrites every PMT of a single-program TS (ffmpeg's PMT PID 0x1000) so that each PID in
 * `declared` is announced as a DVB subtitle (stream type 0x06 with a subtitling descriptor),
 * teletext (0x06 with a teletext descriptor) or SCTE-35 (0x86) stream, as recorders keep them.
 * ffmpeg cannot encode those, so the PIDs keep the packets they had (private data).
 */
export function declareTsStreams(path: string, declared: Readonly<Record<number, DeclaredStream>>): void {
  const bytes = readFileSync(path);
  for (let offset = 0; offset + TS_PACKET <= bytes.length; offset += TS_PACKET) {
    const pid = ((bytes[offset + 1] as number) & 0x1f) * 256 + (bytes[offset + 2] as number);
    if (pid !== 0x1000 || ((bytes[offset + 1] as number) & 0x40) === 0 || ((bytes[offset + 3] as number) & 0x30) !== 0x10) continue;
    const sectionStart = offset + 5 + (bytes[offset + 4] as number);
    const section = rewritePmt(bytes.subarray(sectionStart, offset + TS_PACKET), declared);
    bytes.fill(0xff, sectionStart, offset + TS_PACKET);
    section.copy(bytes, sectionStart);
  }
  writeFileSync(path, bytes);
}

function rewritePmt(section: Buffer, declared: Readonly<Record<number, DeclaredStream>>): Buffer {
  const sectionLength = section.readUInt16BE(1) & 0x0fff;
  const programInfoLength = section.readUInt16BE(10) & 0x0fff;
  const entries: Buffer[] = [];
  for (let at = 12 + programInfoLength; at < 3 + sectionLength - 4; ) {
    const pid = section.readUInt16BE(at + 1) & 0x1fff;
    const infoLength = section.readUInt16BE(at + 3) & 0x0fff;
    const kind = declared[pid];
    const descriptor =
      kind === 'dvb_subtitle' ? Buffer.from([0x59, 8, 0x64, 0x65, 0x75, 0x10, 0, 1, 0, 1])
        : kind === 'teletext' ? Buffer.from([0x56, 5, 0x64, 0x65, 0x75, 0x09, 0x00])
          : Buffer.alloc(0);
    const streamType = kind === 'scte_35' ? 0x86 : kind ? 0x06 : (section[at] as number);
    const entry = Buffer.alloc(5);
    entry.writeUInt8(streamType, 0);
    entry.writeUInt16BE(0xe000 | pid, 1);
    const info = kind ? descriptor : section.subarray(at + 5, at + 5 + infoLength);
    entry.writeUInt16BE(0xf000 | info.length, 3);
    entries.push(entry, info);
    at += 5 + infoLength;
  }
  const head = Buffer.from(section.subarray(0, 12 + programInfoLength));
  const body = Buffer.concat([head, ...entries]);
  body.writeUInt16BE((body.readUInt16BE(1) & 0xf000) | (body.length - 3 + 4), 1);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32Mpeg2(body), 0);
  return Buffer.concat([body, crc]);
}

/** CRC-32/MPEG-2 (polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection), as PSI sections use. */
function crc32Mpeg2(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
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
  /**
   * The A/V beside a DVB subtitle PID, a teletext PID, an SCTE-35 PID and a private data PID,
   * each declared in the PMT and carrying packets.
   */
  async subtitlesAndData(dir: string): Promise<string> {
    const path = join(dir, 'subtitles-and-data.ts');
    const text = join(dir, 'subtitles.srt');
    const data = join(dir, 'data.bin');
    writeFileSync(text, '1\n00:00:00,500 --> 00:00:02,000\nUntertitel\n');
    writeFileSync(data, randomBytes(4_000));
    await ffmpeg([
      ...video(3), ...tone(3), '-i', `file:${text}`, '-f', 'data', '-i', `file:${data}`,
      '-map', '0:v', '-map', '1:a', '-map', '2:s', '-map', '2:s', '-map', '2:s', '-map', '3:d',
      ...x264(), '-c:a', 'mp2', '-c:s', 'copy', '-c:d', 'copy', '-f', 'mpegts', `file:${path}`,
    ]);
    declareTsStreams(path, { 0x102: 'dvb_subtitle', 0x103: 'teletext', 0x104: 'scte_35' });
    return path;
  },
  /** A recording whose last TS packet was cut off (a recorder stopped mid-write): 100 bytes short. */
  async truncatedTail(dir: string): Promise<string> {
    const path = join(dir, 'truncated-tail.ts');
    await ffmpeg([...video(3), ...tone(3), ...x264(), '-c:a', 'mp2', '-f', 'mpegts', `file:${path}`]);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
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
    cutTsHead(full, path, 0.35);
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
    cutTsHead(full, path, 1 / 7);
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
    cutTsHead(full, path, 1 / 7);
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
