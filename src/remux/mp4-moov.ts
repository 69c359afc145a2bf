/**
 * Pure: what the output check needs from an MP4's `moov` box, read without ffprobe. Times follow
 * ffprobe's reading of the same file: a track starts after its leading empty edits and lasts as
 * long as its other edits, at most as long as its samples (`stts`) and its `mdhd`; the movie lasts
 * its `mvhd` duration.
 */

/** One track of an MP4. */
export interface Mp4Track {
  /** The handler type: `vide`, `soun`, `sbtl`, `text`, … */
  readonly handler: string;
  /** The first sample entry's four-character code (`avc1`, `mp4a`), when there is one. */
  readonly sampleEntry: string | undefined;
  /** From a visual sample entry. */
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Seconds of leading empty edits: when the track starts on the movie's timeline. */
  readonly startTimeSec: number;
  readonly durationSec: number | undefined;
  readonly sampleCount: number;
  /** The byte just past the last sample's data (0 without samples). */
  readonly dataEndByte: number;
}

export interface Mp4Movie {
  readonly durationSec: number | undefined;
  readonly tracks: readonly Mp4Track[];
}

/** A `moov` this reader does not read: ffprobe decides instead. */
export class Mp4ReadError extends Error {
  override readonly name = 'Mp4ReadError';
}

interface Box {
  readonly type: string;
  /** First byte of the box's content, after its header. */
  readonly start: number;
  readonly end: number;
}

/** Reads the content of a `moov` box (its header excluded). Throws {@link Mp4ReadError}. */
export function parseMoov(moov: Buffer): Mp4Movie {
  let movieTimescale = 0;
  let durationSec: number | undefined;
  const traks: Box[] = [];
  for (const box of childBoxes(moov, 0, moov.length)) {
    if (box.type === 'mvhd') {
      const header = readTimeHeader(moov, box);
      movieTimescale = header.timescale;
      durationSec = header.durationSec;
    } else if (box.type === 'trak') {
      traks.push(box);
    } else if (box.type === 'mvex') {
      throw new Mp4ReadError('a fragmented MP4');
    }
  }
  if (movieTimescale === 0) throw new Mp4ReadError('no movie header');
  return { durationSec, tracks: traks.map((trak) => parseTrak(moov, trak, movieTimescale)) };
}

function parseTrak(buffer: Buffer, trak: Box, movieTimescale: number): Mp4Track {
  const mdia = requireChild(buffer, trak, 'mdia');
  const mdhd = readTimeHeader(buffer, requireChild(buffer, mdia, 'mdhd'));
  const hdlr = requireChild(buffer, mdia, 'hdlr');
  requireLength(hdlr, 12);
  const handler = buffer.toString('latin1', hdlr.start + 8, hdlr.start + 12);
  const stbl = requireChild(buffer, requireChild(buffer, mdia, 'minf'), 'stbl');
  const entry = firstSampleEntry(buffer, stbl);
  const visual = entry !== undefined && handler === 'vide' && entry.end - entry.start >= 28;
  const samples = sampleLayout(buffer, stbl);
  return {
    handler,
    sampleEntry: entry?.type,
    width: visual ? buffer.readUInt16BE(entry.start + 24) : undefined,
    height: visual ? buffer.readUInt16BE(entry.start + 26) : undefined,
    ...editedTimes(buffer, trak, movieTimescale, shorterOf(mdhd.durationSec, sampleTimeSec(buffer, stbl, mdhd.timescale))),
    ...samples,
  };
}

/**
 * The sum of the samples' durations (`stts`). A muxer may write a longer `mdhd` duration than
 * its samples fill (ffmpeg does, for a copy that kept a timestamp jump); ffprobe, like this
 * reader, takes the shorter.
 */
function sampleTimeSec(buffer: Buffer, stbl: Box, timescale: number): number | undefined {
  const stts = findChild(buffer, stbl, 'stts');
  if (!stts || timescale === 0) return undefined;
  requireLength(stts, 8);
  const count = buffer.readUInt32BE(stts.start + 4);
  requireLength(stts, 8 + count * 8);
  let total = 0;
  for (let i = 0; i < count; i += 1) total += buffer.readUInt32BE(stts.start + 8 + i * 8) * buffer.readUInt32BE(stts.start + 12 + i * 8);
  return total / timescale;
}

function shorterOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** `mvhd` and `mdhd` share their layout up to the duration. */
function readTimeHeader(buffer: Buffer, box: Box): { timescale: number; durationSec: number | undefined } {
  const version = readVersion(buffer, box);
  requireLength(box, version === 1 ? 32 : 20);
  const timescale = buffer.readUInt32BE(box.start + (version === 1 ? 20 : 12));
  const duration = version === 1 ? buffer.readBigUInt64BE(box.start + 24) : BigInt(buffer.readUInt32BE(box.start + 16));
  const unknown = version === 1 ? duration === 0xffffffffffffffffn : duration === 0xffffffffn;
  return { timescale, durationSec: timescale > 0 && !unknown ? Number(duration) / timescale : undefined };
}

/**
 * When the track starts (its leading empty edits) and how long it lasts: the sum of its other
 * edits (which leave out an encoder's priming samples and a B-frame delay), at most its media
 * length.
 */
function editedTimes(
  buffer: Buffer,
  trak: Box,
  movieTimescale: number,
  mediaDurationSec: number | undefined,
): { startTimeSec: number; durationSec: number | undefined } {
  const edts = findChild(buffer, trak, 'edts');
  const elst = edts && findChild(buffer, edts, 'elst');
  if (!elst) return { startTimeSec: 0, durationSec: mediaDurationSec };
  const version = readVersion(buffer, elst);
  requireLength(elst, 8);
  const count = buffer.readUInt32BE(elst.start + 4);
  const entrySize = version === 1 ? 20 : 12;
  requireLength(elst, 8 + count * entrySize);
  let empty = 0;
  let edited = 0;
  let leading = true;
  for (let i = 0; i < count; i += 1) {
    const at = elst.start + 8 + i * entrySize;
    const segment = version === 1 ? Number(buffer.readBigUInt64BE(at)) : buffer.readUInt32BE(at);
    const mediaTime = version === 1 ? buffer.readBigInt64BE(at + 8) : BigInt(buffer.readInt32BE(at + 4));
    if (mediaTime === -1n && leading) empty += segment;
    else if (mediaTime !== -1n) {
      leading = false;
      edited += segment;
    }
  }
  return { startTimeSec: empty / movieTimescale, durationSec: shorterOf(edited > 0 ? edited / movieTimescale : undefined, mediaDurationSec) };
}

function firstSampleEntry(buffer: Buffer, stbl: Box): Box | undefined {
  const stsd = requireChild(buffer, stbl, 'stsd');
  requireLength(stsd, 8);
  return childBoxes(buffer, stsd.start + 8, stsd.end).next().value ?? undefined;
}

/**
 * The number of samples and where their data ends, from the sample sizes (`stsz`), the chunk
 * offsets (`stco`/`co64`) and the samples per chunk (`stsc`). Tables that disagree throw.
 */
function sampleLayout(buffer: Buffer, stbl: Box): { sampleCount: number; dataEndByte: number } {
  const stsz = requireChild(buffer, stbl, 'stsz');
  requireLength(stsz, 12);
  const fixedSize = buffer.readUInt32BE(stsz.start + 4);
  const sampleCount = buffer.readUInt32BE(stsz.start + 8);
  if (fixedSize === 0) requireLength(stsz, 12 + sampleCount * 4);
  const sizeOf = (sample: number) => (fixedSize !== 0 ? fixedSize : buffer.readUInt32BE(stsz.start + 12 + sample * 4));

  const stco = findChild(buffer, stbl, 'stco');
  const co64 = stco ? undefined : findChild(buffer, stbl, 'co64');
  const offsets = stco ?? co64;
  if (!offsets) throw new Mp4ReadError('no chunk offsets');
  requireLength(offsets, 8);
  const chunkCount = buffer.readUInt32BE(offsets.start + 4);
  const offsetSize = co64 ? 8 : 4;
  requireLength(offsets, 8 + chunkCount * offsetSize);
  const chunkOffset = (chunk: number) =>
    co64 ? Number(buffer.readBigUInt64BE(offsets.start + 8 + chunk * 8)) : buffer.readUInt32BE(offsets.start + 8 + chunk * 4);

  const stsc = requireChild(buffer, stbl, 'stsc');
  requireLength(stsc, 8);
  const runCount = buffer.readUInt32BE(stsc.start + 4);
  requireLength(stsc, 8 + runCount * 12);

  let sample = 0;
  let dataEndByte = 0;
  for (let run = 0; run < runCount; run += 1) {
    const at = stsc.start + 8 + run * 12;
    const firstChunk = buffer.readUInt32BE(at) - 1;
    const perChunk = buffer.readUInt32BE(at + 4);
    const nextFirstChunk = run + 1 < runCount ? buffer.readUInt32BE(at + 12) - 1 : chunkCount;
    if (firstChunk < 0 || nextFirstChunk < firstChunk || nextFirstChunk > chunkCount) throw new Mp4ReadError('a broken sample-to-chunk table');
    for (let chunk = firstChunk; chunk < nextFirstChunk; chunk += 1) {
      if (sample + perChunk > sampleCount) throw new Mp4ReadError('more samples in chunks than sizes');
      let end = chunkOffset(chunk);
      if (fixedSize !== 0) end += perChunk * fixedSize;
      else for (let i = sample; i < sample + perChunk; i += 1) end += sizeOf(i);
      sample += perChunk;
      if (perChunk > 0 && end > dataEndByte) dataEndByte = end;
    }
  }
  if (sample !== sampleCount) throw new Mp4ReadError(`${sampleCount} sample sizes for ${sample} samples in chunks`);
  return { sampleCount, dataEndByte };
}

function readVersion(buffer: Buffer, box: Box): number {
  requireLength(box, 4);
  return buffer.readUInt8(box.start);
}

function requireLength(box: Box, bytes: number): void {
  if (box.end - box.start < bytes) throw new Mp4ReadError(`a short ${box.type} box`);
}

function findChild(buffer: Buffer, parent: Box, type: string): Box | undefined {
  for (const box of childBoxes(buffer, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

function requireChild(buffer: Buffer, parent: Box, type: string): Box {
  const box = findChild(buffer, parent, type);
  if (!box) throw new Mp4ReadError(`no ${type} box in ${parent.type}`);
  return box;
}

/** The boxes between `start` and `end`; a box that overruns its parent throws. */
export function* childBoxes(buffer: Buffer, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    let size = buffer.readUInt32BE(offset);
    let headerSize = 8;
    if (size === 1) {
      if (offset + 16 > end) throw new Mp4ReadError('a short 64-bit box header');
      size = Number(buffer.readBigUInt64BE(offset + 8));
      headerSize = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < headerSize || offset + size > end) throw new Mp4ReadError('a box overruns its parent');
    yield { type: buffer.toString('latin1', offset + 4, offset + 8), start: offset + headerSize, end: offset + size };
    offset += size;
  }
}
