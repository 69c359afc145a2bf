/**
 * The stderr chatter of a `stderrFlood` step: demuxer warnings, `\r` status redraws and
 * metadata with multi-byte characters, cut so that readers see split UTF-8. Pure.
 */

const FLOOD_CHUNK_BYTES = 16 * 1024;
const FILM = Buffer.from('🎬');
const E_ACUTE = Buffer.from('é');

/**
 * Yields chunks of about 16 KiB adding up to exactly `totalBytes`. Every chunk but the last ends
 * inside a multi-byte character (`é`, `🎬`); the last one is completed with dots so the whole is
 * valid UTF-8. Lazy: write one chunk, wait for the pipe, take the next.
 */
export function* floodChunks(totalBytes: number, newlines: boolean): Generator<Buffer, void, void> {
  let written = 0;
  let carry: Buffer = Buffer.alloc(0);
  for (let lineNumber = 0, chunkNumber = 0; written < totalBytes; chunkNumber++) {
    const parts = [carry];
    let size = carry.length;
    while (size < FLOOD_CHUNK_BYTES) {
      const line = Buffer.from(floodLine(lineNumber++, newlines));
      parts.push(line);
      size += line.length;
    }
    let chunk: Buffer = Buffer.concat(parts, size);
    if (chunk.length >= totalBytes - written) {
      chunk = completeUtf8(chunk.subarray(0, totalBytes - written));
      carry = Buffer.alloc(0);
    } else {
      const cut = splitPoint(chunk, chunkNumber);
      carry = chunk.subarray(cut);
      chunk = chunk.subarray(0, cut);
    }
    written += chunk.length;
    yield chunk;
  }
}

function floodLine(n: number, newlines: boolean): string {
  const end = newlines ? '\n' : ' ';
  switch (n % 3) {
    case 0:
      return `[mpegts @ 0x55d0c8b400] PES packet size mismatch${end}`;
    case 1: {
      const redraw = newlines ? '\r' : ' ';
      return `frame=${String(n).padStart(5)} fps= 25 q=-1.0 size=${String(n * 4).padStart(8)}kB time=00:00:${String(n % 60).padStart(2, '0')}.00 bitrate= 512.0kbits/s speed=1.01x    ${redraw}`;
    }
    default:
      return `    title           : Scène n°${n}, le café 🎬 du soir${end}`;
  }
}

/** Where to cut a chunk: inside its last `🎬` (after 1, 2 or 3 of its 4 bytes) or its last `é`. */
function splitPoint(chunk: Buffer, chunkNumber: number): number {
  const isFilm = chunkNumber % 2 === 0;
  const at = chunk.lastIndexOf(isFilm ? FILM : E_ACUTE);
  return at < 0 ? chunk.length : at + 1 + (isFilm ? Math.floor(chunkNumber / 2) % 3 : 0);
}

/** Index of the last byte that starts a multi-byte UTF-8 character, or -1. */
function lastLeadByteIndex(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0; i--) if (((bytes[i] ?? 0) & 0xc0) === 0xc0) return i;
  return -1;
}

/** Replaces a character cut off at the end with dots, keeping the length. */
function completeUtf8(bytes: Buffer): Buffer {
  const lead = lastLeadByteIndex(bytes);
  if (lead < 0 || lead < bytes.length - 4) return bytes;
  const leadByte = bytes[lead] ?? 0;
  const needed = leadByte >= 0xf0 ? 4 : leadByte >= 0xe0 ? 3 : 2;
  if (bytes.length - lead < needed) bytes.fill(0x2e, lead);
  return bytes;
}
