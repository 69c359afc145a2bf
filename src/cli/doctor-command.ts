import { describeFfmpegSetup } from '../supervisor/ffmpeg-setup.js';
import { EXIT_CODES } from './exit-codes.js';
import type { DoctorCommand } from './parse-args.js';

/**
 * `doctor`: finds ffmpeg and ffprobe as `run` and `remux` would, runs them, and prints what
 * was tried and why each candidate was skipped (text, or one JSON object with `--json`).
 * Exits 0 when both are usable, 5 otherwise.
 */
export async function runDoctorCommand(command: DoctorCommand, stdout: { write(chunk: string): unknown } = process.stdout): Promise<number> {
  const setup = await describeFfmpegSetup({ ffmpegPath: command.ffmpegPath, ffprobePath: command.ffprobePath });
  if (command.json) {
    const { ffmpeg, ffprobe, sameBuild, warnings, ok } = setup;
    stdout.write(`${JSON.stringify({ event: 'doctor', ok, sameBuild, ffmpeg, ffprobe, warnings })}\n`);
  } else {
    stdout.write(`${setup.text}\n${setup.ok ? 'ok' : 'not usable: see the skipped candidates above'}\n`);
  }
  return setup.ok ? EXIT_CODES.completed : EXIT_CODES.spawnFailed;
}
