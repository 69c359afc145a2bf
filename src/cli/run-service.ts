import { FfmpegService } from '../service/service.js';
import type { ServiceOutcome } from '../service/types.js';
import type { DisplayStream } from './progress-display.js';
import { EXIT_CODES, exitCodeForError, exitCodeForReason, signalled } from './exit-codes.js';
import { type RunCommand, supervisorOptionsOf } from './parse-args.js';
import type { CommandContext } from './remux-command.js';
import { describeAttemptFailure, describeRestart, describeServiceEnd, describeServiceStart, serviceEndEvent } from './service-messages.js';
import type { ServiceFlags } from './service-flags.js';

/**
 * `run --restart …`: keeps ffmpeg running as a live service. The display shows each attempt, its
 * progress labelled with the attempt, stalls, and every restart with its delay; Ctrl-C or
 * SIGTERM stops ffmpeg with one SIGTERM (its output is finished) and exits 130 or 143. When the
 * service gives up, or ends on an exit it does not restart, the exit code is that of the last
 * attempt's outcome (1 failed, 3 stalled, 4 timeout, 5 spawn failed; 0 for an input that ended).
 */
export async function runServiceCommand(
  command: RunCommand & { readonly service: ServiceFlags },
  { display, signal, receivedSignal }: CommandContext,
  stream: DisplayStream = display.mode === 'json' ? process.stdout : process.stderr,
): Promise<number> {
  const flags = command.service;
  const json = display.mode === 'json';
  /** A line of our own: the live progress line is ended first (TTY), JSON goes out as one event. */
  const say = (event: { event: string } & Record<string, unknown>, line: string): void => {
    if (json) {
      stream.write(`${JSON.stringify(event)}\n`);
      return;
    }
    display.close();
    stream.write(`${line}\n`);
  };
  let exitCode: number;
  try {
    const service = new FfmpegService({
      ...supervisorOptionsOf(command),
      signal,
      restartOn: flags.restartOn,
      maxRestarts: flags.maxRestarts === undefined ? undefined : { count: flags.maxRestarts.count, windowMs: flags.maxRestarts.windowMs },
      backoff: { initialDelayMs: flags.initialDelayMs, maxDelayMs: flags.maxDelayMs },
      resetAfterMs: flags.resetAfterMs,
      minSpeed: flags.minSpeed,
      minSpeedWindowMs: flags.minSpeedWindowMs,
    });
    const budget = service.options.maxRestarts;
    service.on('start', ({ attempt, args }) => say({ event: 'start', attempt, args }, describeServiceStart(attempt)));
    service.on('spawn', (info) => display.spawn(info));
    service.on('progress', (progress) => display.progress({ ...progress, strategy: `attempt ${progress.attempt}` }));
    service.on('stall', (stall) => display.stall({ ...stall, strategy: `attempt ${stall.attempt}` }));
    service.on('slow', ({ attempt, speed, belowForMs, minSpeed }) =>
      say({ event: 'slow', attempt, speed, belowForMs, minSpeed }, `[attempt ${attempt}] slow: speed ${speed ?? '--'}x below ${minSpeed}x for ${Math.round(belowForMs)} ms; stopping ffmpeg`),
    );
    service.on('exit', (outcome) => {
      const line = describeAttemptFailure(outcome);
      const { attempt, reason, exitCode, signal: killedBy, durationMs } = outcome;
      if (json) say({ event: 'exit', attempt, reason, exitCode, signal: killedBy, durationMs: Math.round(durationMs) }, '');
      else if (line !== undefined) say({ event: 'exit' }, line);
    });
    service.on('restart', (info) => say({ event: 'restart', ...info }, describeRestart(info, budget)));
    service.on('up', ({ attempt }) => json && say({ event: 'up', attempt }, ''));
    service.on('down', ({ attempt, reason }) => json && say({ event: 'down', attempt, reason }, ''));
    const outcome = await service.run();
    exitCode = signalled(receivedSignal()) ?? exitCodeForServiceOutcome(outcome);
    say(serviceEndEvent(outcome, exitCode), describeServiceEnd(outcome));
  } catch (error) {
    exitCode = signalled(receivedSignal()) ?? exitCodeForError(error);
    display.failure(error, exitCode);
  }
  display.close();
  return exitCode;
}

/** Pure: the exit code of a service that ended without a signal: the last attempt's outcome. */
export function exitCodeForServiceOutcome(outcome: ServiceOutcome): number {
  const last = outcome.lastAttempt?.outcome.reason;
  if (outcome.reason === 'stopped' || last === undefined) return EXIT_CODES.completed;
  return exitCodeForReason(last);
}
