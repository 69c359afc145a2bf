// Through the entry point: the kit's own files may move, the names it exports do not.
import type { FakeFfmpegScenario } from '../scenario/format.js';

/** Options of the streaming builders: blocks every `everyMs`, media time advancing at `speed`× real time. */
export interface LiveStreamOptions {
  /** How long the input flows before the scenario's ending (silence, end of input). @default forever */
  readonly forMs?: number;
  /** @default 500 (ffmpeg's default stats period) */
  readonly everyMs?: number;
  /** Media time per wall time, as ffmpeg's `speed`. @default 1 */
  readonly speed?: number;
}

/** Blocks a scenario plays when told "forever": longer than any test runs (over 15 years at 500 ms). */
const FOREVER_BLOCKS = 1_000_000_000;

function flowing({ forMs, everyMs = 500, speed = 1 }: LiveStreamOptions) {
  const count = forMs === undefined ? FOREVER_BLOCKS : Math.max(0, Math.floor(forMs / everyMs));
  return { advance: { count, everyMs, outTimeStepUs: Math.round(everyMs * 1_000 * speed), frameStep: Math.max(1, Math.round((everyMs / 40) * speed)) } };
}

/**
 * What a live ffmpeg (an HTTP or tuner input packaged to HLS) does, as scenarios for the fake
 * ffmpeg. Give a list to `createFakeSpawn` to play one per start of an `FfmpegService`: the n-th
 * start plays the n-th scenario, the last one repeats.
 *
 * @example
 * const spawn = createFakeSpawn([liveScenarios.stalls({ afterMs: 60_000 }), liveScenarios.refused(), liveScenarios.streaming()], { clock });
 */
export const liveScenarios = {
  /** The input flows (forever by default), at `speed`× real time. */
  streaming(options: LiveStreamOptions = {}): FakeFfmpegScenario {
    return { steps: options.forMs === undefined ? [flowing(options)] : [flowing(options), { hang: true }] };
  },

  /** The input flows for `afterMs`, then goes silent with the connection open: the watchdog calls a stall. */
  stalls({ afterMs, everyMs, speed }: { readonly afterMs: number; readonly everyMs?: number; readonly speed?: number }): FakeFfmpegScenario {
    return { steps: [flowing({ forMs: afterMs, everyMs, speed }), { hang: true }] };
  },

  /**
   * Like a blocked network read on real ffmpeg: after `afterMs` the input goes silent, and the
   * first SIGTERM is not acted on (ffmpeg only notices it between packets), so a stop needs SIGKILL.
   */
  stallsIgnoringSigterm({ afterMs, everyMs }: { readonly afterMs: number; readonly everyMs?: number }): FakeFfmpegScenario {
    return { ...liveScenarios.stalls({ afterMs, everyMs }), onSigterm: 'ignore' };
  },

  /** The source closed the stream after `afterMs`: ffmpeg finishes its output and exits 0 (`completed`). */
  inputEnds({ afterMs, everyMs }: { readonly afterMs: number; readonly everyMs?: number }): FakeFfmpegScenario {
    return { steps: [flowing({ forMs: afterMs, everyMs }), { progress: { end: true } }, { exit: 0 }] };
  },

  /** Nothing listens at the source: ffmpeg says so at once and exits 1 (`failed`), as both real builds do. */
  refused(url = 'http://127.0.0.1:8001/live.ts'): FakeFfmpegScenario {
    return { steps: [{ stderr: `${url}: Connection refused` }, { exit: 1 }] };
  },

  /** The source answers with an HTTP error: ffmpeg exits 1 at once (`failed`). */
  httpError(status: 404 | 500 | 503 = 503, url = 'http://127.0.0.1:8001/live.ts'): FakeFfmpegScenario {
    const text = { 404: '404 Not Found', 500: '500 Internal Server Error', 503: '503 Service Unavailable' }[status];
    return { steps: [{ stderr: `[http @ 0x5581c0a4e2c0] HTTP error ${text}` }, { stderr: `${url}: Server returned ${status === 404 ? '404 Not Found' : '5XX Server Error reply'}` }, { exit: 1 }] };
  },
};
