import { readFileSync } from 'node:fs';
import { runDoctorCommand } from './doctor-command.js';
import { EXIT_CODES, exitCodeForSignal } from './exit-codes.js';
import { type CliRequest, parseCliArgs } from './parse-args.js';
import { type DisplayMode, ProgressDisplay } from './progress-display.js';
import { runRemuxCommand } from './remux-command.js';
import { runFfmpegCommand } from './run-command.js';
import { abortOnSignals } from './signals.js';
import { PROGRAM, USAGE, helpText } from './usage.js';

/** Parses the command line, runs the command, and resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const request: CliRequest = parseCliArgs(argv);
  switch (request.command) {
    case 'help':
      process.stdout.write(helpText(readVersion()));
      return EXIT_CODES.completed;
    case 'version':
      process.stdout.write(`${readVersion()}\n`);
      return EXIT_CODES.completed;
    case 'usage-error':
      process.stderr.write(`${PROGRAM}: ${request.message}\n${USAGE}\nRun '${PROGRAM} --help' for the options.\n`);
      return EXIT_CODES.usage;
    case 'doctor':
      return runDoctorCommand(request);
    case 'remux':
    case 'run':
      return runCommand(request);
  }
}

async function runCommand(request: Extract<CliRequest, { command: 'remux' | 'run' }>): Promise<number> {
  const display = new ProgressDisplay(
    request.json ? { mode: 'json', stream: process.stdout } : { mode: humanMode(), stream: process.stderr },
  );
  const controller = new AbortController();
  const watch = abortOnSignals({
    controller,
    onFirst: (signal) => display.signal(signal),
    onSecond: (signal) => {
      display.close();
      process.exit(exitCodeForSignal(signal));
    },
  });
  const context = { display, signal: controller.signal, receivedSignal: watch.received };
  try {
    return request.command === 'remux' ? await runRemuxCommand(request, context) : await runFfmpegCommand(request, context);
  } finally {
    watch.dispose();
  }
}

function humanMode(): DisplayMode {
  return process.stderr.isTTY && process.env.TERM !== 'dumb' ? 'tty' : 'plain';
}

/** The package version, from the package.json two levels up (from `src/cli/` and from `dist/cli/`). */
function readVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(packageJson.version);
}

// A closed stdout (`| head`) must not crash the run.
process.stdout.on('error', () => {});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${PROGRAM}: unexpected error: ${detail}\n`);
    process.exitCode = EXIT_CODES.failed;
  },
);
