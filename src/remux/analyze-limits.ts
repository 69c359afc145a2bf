/**
 * How far ffprobe and ffmpeg read an input to find each stream's parameters. A recording cut
 * from a broadcast can start up to one GOP (8–10 s) before its first keyframe and parameter
 * sets; with the defaults (5 s, 5 MB) such a video stream is left without dimensions, and the
 * ladder saw an audio-only recording and dropped the picture (measured on both test builds).
 * 20 s covers two such GOPs; 50 MB is 20 s at 20 Mbit/s. An MPEG-TS has no header, so it is read
 * to the limit even when every parameter came in the first second: ffprobe then costs two to
 * three times as much, and the ladder's probe asks for this read only when a stream came back
 * without parameters. The MPEG-TS rungs always use it: what ffmpeg reads there is buffered and
 * remuxed, not read twice.
 */
export const ANALYZE_ARGS: readonly string[] = Object.freeze(['-analyzeduration', '20000000', '-probesize', '50000000']);
