import { FfmpegSupervisor } from '../supervisor/supervisor.js';
import { EXIT_CODES, exitCodeForError, signalled } from './exit-codes.js';
import { connectMediaPipes } from './media-pipes.js';
import { type RunCommand, supervisorOptionsOf } from './parse-args.js';
import type { CommandContext } from './remux-command.js';
import { runServiceCommand } from './run-service.js';

/** `run`: supervises one ffmpeg command with the display wired to its events; resolves with the exit code. */
export async function runFfmpegCommand(command: RunCommand, { display, signal, receivedSignal }: CommandContext): Promise<number> {
  if (command.service !== undefined) return runServiceCommand({ ...command, service: command.service }, { display, signal, receivedSignal });
  let exitCode: number;
  let disconnectMedia = async (): Promise<void> => {};
  try {
    const supervisor = new FfmpegSupervisor({
      ...supervisorOptionsOf(command),
      signal,
      stdin: command.stdinMedia ? 'pipe' : 'ignore',
      stdout: command.stdoutMedia ? 'pipe' : 'drain',
    });
    supervisor.on('spawn', (info) => {
      disconnectMedia = connectMediaPipes(supervisor, { stdin: command.stdinMedia, stdout: command.stdoutMedia });
      display.spawn(info);
    });
    supervisor.on('progress', (progress) => display.progress(progress));
    supervisor.on('stall', (stall) => display.stall(stall));
    const outcome = await supervisor.run();
    exitCode = signalled(receivedSignal()) ?? EXIT_CODES.completed;
    display.runResult(outcome, exitCode);
  } catch (error) {
    exitCode = signalled(receivedSignal()) ?? exitCodeForError(error);
    display.failure(error, exitCode);
  }
  await disconnectMedia();
  display.close();
  return exitCode;
}
