import { RemuxLadder } from '../remux/ladder.js';
import { probeCapabilities } from '../supervisor/capabilities.js';
import { defaultCapabilityCacheDirectory } from '../supervisor/capability-cache.js';
import { resolveFfmpegPath } from '../supervisor/resolve-path.js';
import { EXIT_CODES, exitCodeForError, signalled } from './exit-codes.js';
import type { RemuxCommand } from './parse-args.js';
import type { ProgressDisplay } from './progress-display.js';

/** What a command needs from `main`: where to report, the abort signal, and which signal fired. */
export interface CommandContext {
  readonly display: ProgressDisplay;
  readonly signal: AbortSignal;
  /** The signal that aborted the run, once one did. */
  readonly receivedSignal: () => NodeJS.Signals | undefined;
}

/** `remux`: runs the ladder with the display wired to its events; resolves with the exit code. */
export async function runRemuxCommand(command: RemuxCommand, { display, signal, receivedSignal }: CommandContext): Promise<number> {
  let exitCode: number;
  try {
    warmCapabilities(command.ffmpegPath);
    const ladder = new RemuxLadder({
      ffmpegPath: command.ffmpegPath,
      ffprobePath: command.ffprobePath,
      stallTimeoutMs: command.stallTimeoutMs,
      startupGraceMs: command.startupGraceMs,
      killGraceMs: command.killGraceMs,
      sidecars: command.sidecars,
      transcode: command.transcode,
    });
    ladder.on('decision', (decision) => display.decision(decision));
    ladder.on('attempt', (attempt) => display.attempt(attempt));
    ladder.on('progress', (progress) => display.progress(progress));
    ladder.on('stall', (stall) => display.stall(stall));
    ladder.on('attemptEnd', (attempt) => display.attemptEnd(attempt));
    const result = await ladder.remux({ inputs: command.inputs, output: command.output, signal, timeoutMs: command.timeoutMs });
    exitCode = signalled(receivedSignal()) ?? EXIT_CODES.completed;
    display.remuxResult(result, exitCode);
  } catch (error) {
    exitCode = signalled(receivedSignal()) ?? exitCodeForError(error);
    display.failure(error, exitCode);
  }
  display.close();
  return exitCode;
}

/**
 * Starts the capability probe through the on-disk cache; the ladder's own probe of the same path
 * then gets this answer (probes are kept per path for the life of the process). A failure here is
 * left to the ladder, which reports it as `spawn_failed`.
 */
function warmCapabilities(ffmpegPath: string | undefined): void {
  try {
    probeCapabilities(resolveFfmpegPath(ffmpegPath), { cacheDirectory: defaultCapabilityCacheDirectory() }).catch(() => {});
  } catch {
    // No binary found: the ladder says so.
  }
}
