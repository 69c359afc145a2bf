/**
 * Real ffmpeg stderr lines as ffmpeg 5.1 prints them (the `[muxer @ address]` prefix included),
 * for `scenarios.failsWith({ stderr: [...] })` and classifier tests.
 */

/** The muxer refuses a packet whose DTS goes backwards; ffmpeg fails. Fixed by the fallback strategy. */
export const NON_MONOTONIC_DTS =
  '[mp4 @ 0x55d0c8a0] Application provided invalid, non monotonically increasing dts to muxer in stream 0: 1234 >= 1200';
/** A warning: ffmpeg patched a backwards DTS and carried on. */
export const NON_MONOTONOUS_DTS =
  '[mp4 @ 0x55d0c8a0] Non-monotonous DTS in output stream 0:1; previous: 5, current: 3; changing to 6. This may result in incorrect timestamps in the output file.';
/** Packets without timestamps reached the muxer (typical of raw or broken inputs with `-c copy`). */
export const TIMESTAMPS_UNSET =
  '[mp4 @ 0x55d0c8a0] Timestamps are unset in a packet for stream 0. This is deprecated and will stop working in the future. Fix your code to set the timestamps properly';
/** A packet with a negative duration reached the muxer. */
export const PACKET_INVALID_DURATION = '[mp4 @ 0x55d0c8a0] Packet with invalid duration -1 in stream 1';
/** ffmpeg's video sync found a frame far behind its expected time (printed without a prefix). */
export const PAST_DURATION_TOO_LARGE = 'Past duration 0.999992 too large';
/** Cosmetic: broadcast TS demuxing noise; the output is fine. */
export const PES_PACKET_SIZE_MISMATCH = '[mpegts @ 0x55d0c8b4] PES packet size mismatch';
/** Cosmetic: a damaged TS packet, kept. */
export const PACKET_CORRUPT = '[mpegts @ 0x55d0c8b4] Packet corrupt (stream = 0, dts = 1845000).';
/** Cosmetic: a cut audio frame at a recording's edge. */
export const INCOMPLETE_FRAME = '[ac3 @ 0x55d0c8c0] incomplete frame';
/** The trailer could not be written (disk full). ffmpeg 5.1 can still exit 0 after this. */
export const ERROR_WRITING_TRAILER = 'Error writing trailer of file:out.mp4: No space left on device';
/** What ffmpeg prints after a muxer refused a packet (follows {@link NON_MONOTONIC_DTS}). */
export const AV_INTERLEAVED_WRITE_FRAME_FAILED = 'av_interleaved_write_frame(): Invalid argument';
/** The container cannot hold the stream's codec (`-c copy` of PCM or DVB subtitles into MP4). */
export const CODEC_NOT_SUPPORTED_IN_CONTAINER =
  '[mp4 @ 0x55d0c8a0] Could not find tag for codec pcm_dvd in stream #1, codec not currently supported in container';
/** Follows {@link CODEC_NOT_SUPPORTED_IN_CONTAINER}; ffmpeg exits 1. */
export const COULD_NOT_WRITE_HEADER =
  'Could not write header for output file #0 (incorrect codec parameters ?): Invalid argument';
/** ffmpeg's last line on many failures. */
export const CONVERSION_FAILED = 'Conversion failed!';
