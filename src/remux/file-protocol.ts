/**
 * Prefixes a local path with `file:` (unless it already has it), so that ffmpeg and ffprobe
 * never read a name such as `concat:x.ts` or `http:x.ts` as a protocol.
 */
export function withFileProtocol(path: string): string {
  return path.startsWith('file:') ? path : `file:${path}`;
}
