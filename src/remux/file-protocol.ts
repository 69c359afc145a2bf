/**
 * Prefixes a local path with `file:`, so that ffmpeg and ffprobe never read a name such as
 * `concat:x.ts` or `http:x.ts` as a protocol. Always prefixed, even when the path already starts
 * with `file:`: a recording literally named `file:rec.ts` is `file:file:rec.ts` to ffmpeg.
 */
export function withFileProtocol(path: string): string {
  return `file:${path}`;
}
