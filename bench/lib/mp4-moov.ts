import { open } from 'node:fs/promises';

/** What an output check needs from an MP4, read from its boxes without ffprobe. */
export interface Mp4Summary {
  readonly hasFtyp: boolean;
  readonly durationSec: number | undefined;
  readonly videoTracks: number;
  readonly audioTracks: number;
}

/**
 * Reads the top-level boxes of an MP4 (`ftyp`, `moov`) and, inside `moov`, the movie header's
 * duration and each track's handler type (`vide`, `soun`). A sketch for the fixed-cost benchmark:
 * what checking the output in-process would cost, against starting ffprobe.
 */
export async function readMp4Summary(path: string): Promise<Mp4Summary> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(16);
    let offset = 0;
    let hasFtyp = false;
    while (offset + 8 <= size) {
      await file.read(header, 0, 16, offset);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let headerSize = 8;
      if (boxSize === 1) {
        boxSize = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (boxSize === 0) {
        boxSize = size - offset;
      }
      if (boxSize < headerSize) break;
      if (type === 'ftyp') hasFtyp = true;
      if (type === 'moov') {
        const moov = Buffer.alloc(boxSize - headerSize);
        await file.read(moov, 0, moov.length, offset + headerSize);
        return { hasFtyp, ...summarizeMoov(moov) };
      }
      offset += boxSize;
    }
    return { hasFtyp, durationSec: undefined, videoTracks: 0, audioTracks: 0 };
  } finally {
    await file.close();
  }
}

function summarizeMoov(moov: Buffer): Omit<Mp4Summary, 'hasFtyp'> {
  let durationSec: number | undefined;
  let videoTracks = 0;
  let audioTracks = 0;
  for (const box of children(moov, 0, moov.length)) {
    if (box.type === 'mvhd') durationSec = movieDuration(moov, box.start);
    if (box.type === 'trak') {
      const handler = handlerOf(moov, box.start, box.end);
      if (handler === 'vide') videoTracks += 1;
      if (handler === 'soun') audioTracks += 1;
    }
  }
  return { durationSec, videoTracks, audioTracks };
}

function* children(buffer: Buffer, start: number, end: number): Generator<{ type: string; start: number; end: number }> {
  let offset = start;
  while (offset + 8 <= end) {
    const size = buffer.readUInt32BE(offset);
    if (size < 8 || offset + size > end) return;
    yield { type: buffer.toString('latin1', offset + 4, offset + 8), start: offset + 8, end: offset + size };
    offset += size;
  }
}

function movieDuration(buffer: Buffer, start: number): number | undefined {
  const version = buffer.readUInt8(start);
  const timescale = version === 1 ? buffer.readUInt32BE(start + 20) : buffer.readUInt32BE(start + 12);
  const duration = version === 1 ? Number(buffer.readBigUInt64BE(start + 24)) : buffer.readUInt32BE(start + 16);
  return timescale > 0 ? duration / timescale : undefined;
}

function handlerOf(buffer: Buffer, start: number, end: number): string | undefined {
  for (const mdia of children(buffer, start, end)) {
    if (mdia.type !== 'mdia') continue;
    for (const box of children(buffer, mdia.start, mdia.end)) {
      if (box.type === 'hdlr') return buffer.toString('latin1', box.start + 8, box.start + 12);
    }
  }
  return undefined;
}
