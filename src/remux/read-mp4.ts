import { open } from 'node:fs/promises';
import { type Mp4Movie, parseMoov } from './mp4-moov.js';
import type { ProbedStream, ProbeResult } from './types.js';

/** A `moov` larger than this (10 hours of video and sound need about 20 MB) is left to ffprobe. */
const MAX_MOOV_BYTES = 256 * 1024 * 1024;
/** Top-level boxes looked at before giving up: an MP4 the ladder writes has four or five. */
const MAX_TOP_LEVEL_BOXES = 1_000;

/** What ffprobe names the MP4 demuxer, so a summary reads like ffprobe's answer. */
const MP4_FORMAT_NAME = 'mov,mp4,m4a,3gp,3g2,mj2';

/**
 * Reads an MP4's `moov` box in process: about a millisecond, where an ffprobe run costs tens.
 * Resolves `undefined` when the file is not an MP4 this reader can read (no `ftyp` first, no
 * `moov`, fragmented, an unusual table): the caller then asks ffprobe.
 */
export async function readMp4Movie(path: string): Promise<{ movie: Mp4Movie; sizeBytes: number } | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(16);
    let offset = 0;
    for (let boxes = 0; boxes < MAX_TOP_LEVEL_BOXES && offset + 8 <= size; boxes += 1) {
      const { bytesRead } = await file.read(header, 0, 16, offset);
      if (bytesRead < 8) return undefined;
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let headerSize = 8;
      if (boxSize === 1) {
        if (bytesRead < 16) return undefined;
        boxSize = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (boxSize === 0) {
        boxSize = size - offset;
      }
      if (boxSize < headerSize || (boxes === 0 && type !== 'ftyp') || type === 'moof') return undefined;
      if (type === 'moov') {
        const contentBytes = boxSize - headerSize;
        if (contentBytes > MAX_MOOV_BYTES || offset + boxSize > size) return undefined;
        const moov = Buffer.alloc(contentBytes);
        const read = await file.read(moov, 0, contentBytes, offset + headerSize);
        if (read.bytesRead < contentBytes) return undefined;
        return { movie: parseMoov(moov), sizeBytes: size };
      }
      offset += boxSize;
    }
    return undefined;
  } catch {
    // A table this reader does not understand, or a read error: ffprobe has the last word.
    return undefined;
  } finally {
    await file.close();
  }
}

/**
 * Pure: an {@link Mp4Movie} as the `ProbeResult` ffprobe would give of it (the fields the
 * output check reads), or `{ ok: false }` when a sample lies past the end of the file.
 */
export function probeResultOfMp4(movie: Mp4Movie, sizeBytes: number): ProbeResult {
  const beyondEnd = movie.tracks.find((track) => track.dataEndByte > sizeBytes);
  if (beyondEnd) {
    return { ok: false, audio: [], audioTrackCount: 0, error: `the ${beyondEnd.handler} track's data runs past the end of the file (${beyondEnd.dataEndByte} of ${sizeBytes} bytes)` };
  }
  const streams: ProbedStream[] = movie.tracks.map((track, index) => ({
    index,
    codecType: codecTypeOf(track.handler),
    codecName: codecNameOf(track.sampleEntry),
    // A video track without samples has no picture, whatever its sample entry says.
    ...(track.width !== undefined && track.sampleCount > 0 && { width: track.width }),
    ...(track.height !== undefined && { height: track.height }),
    startTimeSec: track.startTimeSec,
    ...(track.durationSec !== undefined && { durationSec: track.durationSec }),
    attachedPicture: false,
    visualImpaired: false,
    hearingImpaired: false,
    cleanEffects: false,
    programIds: [],
  }));
  const video = streams.find((s) => s.codecType === 'video');
  const audio = streams.filter((s) => s.codecType === 'audio').map((s) => ({ codecName: s.codecName }));
  const starts = streams.map((s) => s.startTimeSec ?? 0);
  return {
    ok: video !== undefined || audio.length > 0,
    ...(video && { video: { codecName: video.codecName, bitDepth: 8, width: video.width, height: video.height } }),
    audio,
    audioTrackCount: audio.length,
    ...(movie.durationSec !== undefined && { durationSec: movie.durationSec }),
    ...(starts.length > 0 && { startTimeSec: Math.min(...starts) }),
    formatName: MP4_FORMAT_NAME,
    streams,
    ...(video === undefined && audio.length === 0 && { error: 'the MP4 has no audio or video track' }),
  };
}

/** ffprobe's codec names for the sample entries an MP4 from ffmpeg has; another entry is named by its code. */
const CODEC_NAMES: Readonly<Record<string, string>> = {
  avc1: 'h264', avc3: 'h264', hvc1: 'hevc', hev1: 'hevc', mp4v: 'mpeg4', mp4a: 'aac', 'ac-3': 'ac3', 'ec-3': 'eac3', Opus: 'opus', fLaC: 'flac',
};

function codecNameOf(sampleEntry: string | undefined): string {
  if (sampleEntry === undefined) return 'unknown';
  return CODEC_NAMES[sampleEntry] ?? sampleEntry.trim().toLowerCase();
}

function codecTypeOf(handler: string): string {
  if (handler === 'vide') return 'video';
  if (handler === 'soun') return 'audio';
  if (handler === 'sbtl' || handler === 'text' || handler === 'subt') return 'subtitle';
  return 'data';
}
