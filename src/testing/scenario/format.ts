/**
 * A script for the fake ffmpeg: what it writes, when, and how it reacts to signals.
 * Plain JSON data, so it crosses into a child process unchanged.
 */
export interface FakeFfmpegScenario {
  /** Played in order once the fake is ready (signal handlers installed). */
  readonly steps: readonly FakeStep[];
  /** What a first SIGTERM/SIGINT does. Default `'exit'` (with `exitCodeOnSignal`). */
  readonly onSigterm?: 'exit' | 'ignore';
  /** Exit code used when a signal ends the fake politely, like ffmpeg's 255. @default 255 */
  readonly exitCodeOnSignal?: number;
  /** Before the first step, spawn a grandchild that inherits stdout, stderr and the progress fd and sleeps this long (ms). */
  readonly grandchildHoldsPipesMs?: number;
  /** Answers for `-version` / `-h long`, so capability probes see this build. */
  readonly capabilities?: {
    readonly version?: string;
    readonly statsPeriod?: boolean;
    readonly fpsMode?: boolean;
    /** What `-encoders` lists. @default ['libx264', 'aac'] */
    readonly encoders?: readonly string[];
  };
  /** Write `ready pid=<pid>` on stderr once the signal handlers are installed. @default true */
  readonly announceReady?: boolean;
  /**
   * What the fake says when run as ffprobe (its name holds `ffprobe`, or it is asked for
   * `-show_streams`): the JSON of this recording. @default H.264 8-bit + AC-3, 60 s
   */
  readonly probe?: FakeProbe;
}

/** A recording as the fake ffprobe describes it (an MP4, the ladder's output, is described as the ladder makes it). */
export interface FakeProbe {
  /** @default 60 */
  readonly durationSec?: number;
  /** ffprobe's codec name (`h264`, `hevc`, `mpeg2video`), or `'none'` for a radio recording. @default 'h264' */
  readonly videoCodec?: string;
  /** `yuv420p10le` makes 10-bit video. @default 'yuv420p' */
  readonly pixFmt?: string;
  /** One codec name per audio track; empty for none. @default ['ac3'] */
  readonly audioCodecs?: readonly string[];
}

/** Numbers of one progress block, as ffmpeg writes them. Missing keys are written as ffmpeg would. */
export interface FakeProgressBlock {
  readonly frame?: number;
  readonly fps?: number;
  readonly outTimeUs?: number | 'N/A';
  readonly totalSize?: number | 'N/A';
  readonly bitrateKbps?: number | 'N/A';
  readonly speed?: number | 'N/A';
  /** Extra `key=value` lines written as is (for unknown-key tests). */
  readonly extra?: Readonly<Record<string, string>>;
  /** Write `progress=end` instead of `progress=continue`. */
  readonly end?: boolean;
}

export type FakeStep =
  /** Sleep (ms) before the next step. */
  | { readonly wait: number }
  /** Write one progress block to the progress fd. */
  | { readonly progress: FakeProgressBlock }
  /** Write `count` blocks `everyMs` apart, each advancing `outTimeUs`, `frame` and `totalSize` from the last block written. */
  | { readonly advance: { readonly count: number; readonly everyMs: number; readonly outTimeStepUs?: number; readonly frameStep?: number; readonly bytesStep?: number } }
  /** Repeat the last block (or a zero block) `count` times, `everyMs` apart: ffmpeg 7's frozen numbers. */
  | { readonly frozen: { readonly count: number; readonly everyMs: number } }
  /** Write text to stderr (a newline is added unless `raw`). */
  | { readonly stderr: string; readonly raw?: boolean }
  /** Write this many bytes of filler to stderr as fast as the pipe takes them (flood tests). */
  | { readonly stderrFlood: { readonly bytes: number; readonly newlines?: boolean } }
  /** Write text to stdout. */
  | { readonly stdout: string }
  /** Copy a file to the output path (the last argument, `file:` prefix removed). */
  | { readonly writeOutput: { readonly from: string } }
  /** Write these bytes (UTF-8) to the output path. */
  | { readonly writeOutputText: string }
  /** Exit with this code. */
  | { readonly exit: number }
  /** Kill itself with a signal (a crash, or the OOM killer). */
  | { readonly crash: NodeJS.Signals }
  /** Stop doing anything until signalled (a blocked read on a dead input). */
  | { readonly hang: true };
