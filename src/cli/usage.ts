import { EXIT_CODE_TABLE } from './exit-codes.js';

export const PROGRAM = 'ffmpeg-supervisor';

/** The synopsis, printed under a usage error. */
export const USAGE = `Usage:
  ${PROGRAM} remux <part>... -o <out.mp4> [options]
  ${PROGRAM} run [options] -- <ffmpeg args>
  ${PROGRAM} doctor [--ffmpeg <path>] [--ffprobe <path>] [--json]
  ${PROGRAM} --help | --version`;

/** The `--help` text. */
export function helpText(version: string): string {
  const exitCodes = EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padEnd(5)}${meaning}`).join('\n');
  return `${PROGRAM} ${version}: supervise ffmpeg with live progress, stall detection and clean stops.

${USAGE}

Commands:
  remux   Turn a recording (one MPEG-TS file, or its parts in order) into a browser-playable
          MP4: probe, copy or transcode, climb the strategy ladder on timestamp errors, check
          the result, and only then rename it onto <out.mp4>.
  run     Supervise any ffmpeg command the same way. Everything after -- goes to ffmpeg;
          leave out -progress (the supervisor adds it). Media passes through: an output
          '-' (or pipe:1) goes to stdout, an input '-i -' (or pipe:0) reads stdin.
  doctor  Show which ffmpeg and ffprobe would be used, every candidate tried and why it was
          skipped (not installed, not executable, crashed); exit 5 when one is missing.

Options:
  --stall-timeout <dur>      no forward progress for this long: stalled, ffmpeg stopped
                             (default 90s)
  --startup-grace <dur>      extra allowance before the first progress (default 30s)
  --timeout <dur>            overall deadline (run: none; remux: 20m + 1m per GiB, at most 2h)
  --kill-grace <dur>         wait between SIGTERM and SIGKILL when stopping ffmpeg (default 5s)
  --ffmpeg <path>            ffmpeg binary (default: $FFMPEG_PATH, then
                             @ffmpeg-installer/ffmpeg, then PATH)
  --json                     one JSON object per event per line on stdout
  -h, --help                 show this help
  --version                  print the version

remux options:
  -o, --output <out.mp4>     the MP4 to write (required)
  --ffprobe <path>           ffprobe binary (default: $FFPROBE_PATH, then
                             @ffprobe-installer/ffprobe, then PATH)
  --sidecars                 also write <out.mp4>.meta.json on success, <out.mp4>.err.log
                             on failure

remux transcode options (the transcode rung only: HEVC, 10-bit H.264, MPEG-2, last resort):
  --encoder <name>           libx264 (default), h264_vaapi, h264_nvenc, h264_qsv, or auto
                             (the hardware encoders this ffmpeg lists, then libx264); a
                             hardware encoder that cannot start falls back to libx264
  --preset <preset>          x264 preset, ultrafast to placebo (default veryfast)
  --crf <0-51>               constant quality, lower is better (default 21); a hardware
                             encoder takes it as its own (-qp, -cq, -global_quality)
  --threads <0-64>           threads to decode, filter and encode (default 0: every core)
  --nice <0-19>              scheduling priority of the transcode's ffmpeg, 19 the lowest
                             (default: the host's)
  --vaapi-device <path>      render node for h264_vaapi (default /dev/dri/renderD128)
  --qsv-device <path>        device for h264_qsv (default: ffmpeg's choice)

run options:
  --expected-duration <dur>  length of the output, to show a percent and an ETA
  --restart <when>           keep ffmpeg running (a live input): restart on-stall, on-failure,
                             on-complete, on-timeout, on-slow or always (comma-separated);
                             Ctrl-C stops it with one SIGTERM so its output is finished
  --max-restarts <n>/<dur>   give up after n restarts within dur (default 10/10m; unlimited)
  --restart-delay <dur>      first restart delay, doubled each time (default 1s, jitter 20%)
  --max-restart-delay <dur>  longest restart delay (default 30s)
  --reset-after <dur>        progress this long resets the delay to the first (default 60s)
  --min-speed <x>            restart when ffmpeg's speed stays below x (e.g. 0.9) for
                             --min-speed-window <dur> (default 30s)

Durations: 500ms, 90s, 2m, 1h, 1m30s; a bare number is seconds.

Progress goes to stderr: one line redrawn in place on a terminal, plain lines otherwise.
With --json, stdout carries the events decision, attempt, spawn, progress, stall,
attemptEnd, signal, and last result or error (exitCode, message, stderrTail); a
transcode's attempt, attemptEnd and result carry its encoder (asked for, run, and those left
and why). --json cannot be combined with media on stdout.

Exit codes:
${exitCodes}
Ctrl-C or SIGTERM stops ffmpeg (and removes the remux temp file), then exits 130 or 143
whatever the outcome. A second Ctrl-C exits at once: ffmpeg is still killed, but a temp
file may stay behind.

Examples:
  ${PROGRAM} remux "rec part 1.ts" "rec part 2.ts" -o rec.mp4
  ${PROGRAM} remux rec.ts -o rec.mp4 --encoder auto --threads 2 --nice 10
  ${PROGRAM} run --stall-timeout 30s --expected-duration 10m -- -i in.mkv out.mp4
  cat in.ts | ${PROGRAM} run -- -i - -c copy -f mpegts - > out.ts
  ${PROGRAM} run --restart on-stall,on-failure --max-restarts 5/10m -- -i http://tuner/stream.ts -c copy -f hls live.m3u8
`;
}
