/**
 * The fake ffmpeg program. It plays a {@link FakeFfmpegScenario} the way ffmpeg 5.1 would behave:
 * progress blocks on the `-progress` target, lines on stderr, output files, exit codes, signals.
 *
 * Started as `node fake-ffmpeg-process.js <scenario.json> <ffmpeg args...>` by the launcher that
 * `createFakeFfmpeg()` writes. It is spawned hundreds of times in soak tests, so it imports Node
 * built-ins only (tsup bundles the shared modules into this one file).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { optionValue, parseProgressTarget } from '../scenario/command-line.js';
import { answerWithoutPlaying } from '../scenario/fake-answers.js';
import type { FakeFfmpegScenario } from '../scenario/format.js';
import { type FakeOutput, ScenarioPlayer } from '../scenario/player.js';

/** How long a signal-driven exit waits for its last writes when nobody reads the pipes. */
const EXIT_FLUSH_CAP_MS = 1_000;

const [scenarioPath = '', ...args] = process.argv.slice(2);
let progressOut: Writable | undefined;
let player: ScenarioPlayer | undefined;

async function main(): Promise<void> {
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.stdout.on('error', ignore); // EPIPE once the reader is gone: ffmpeg ignores it too
  process.stderr.on('error', ignore);
  const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8')) as FakeFfmpegScenario;
  player = new ScenarioPlayer(scenario, args, { sleep, write: writeTo, copyFile, writeFile });

  const answer = answerWithoutPlaying(scenario, process.argv[1] ?? '', args);
  if (answer) {
    await write(process.stdout, answer.stdout);
    await write(process.stderr, answer.stderr);
    process.exit(answer.exitCode);
  }

  const progressFd = openProgress(optionValue(args, '-progress'));
  if (scenario.announceReady !== false) await write(process.stderr, `ready pid=${process.pid}\n`);
  if (scenario.grandchildHoldsPipesMs !== undefined) {
    const pid = spawnGrandchild(scenario.grandchildHoldsPipesMs, progressFd);
    await write(process.stderr, `grandchild pid=${pid ?? 'none'}\n`);
  }
  const ending = await player.play();
  if (ending.kind === 'exit') process.exit(ending.code);
  else if (ending.kind === 'crash') await crash(ending.signal);
  else if (ending.kind === 'hang') setInterval(ignore, 1e9); // a blocked read() keeps the process alive
}

function onSignal(signal: NodeJS.Signals): void {
  const reaction = player?.reactToSignal(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM') ?? { action: 'none' };
  if (reaction.action === 'ignore') void write(process.stderr, reaction.stderr);
  if (reaction.action !== 'exit') return;
  const lastWrites = (async () => {
    if (progressOut) await write(progressOut, reaction.progress);
    await write(process.stderr, reaction.stderr);
  })();
  void Promise.race([lastWrites, sleep(EXIT_FLUSH_CAP_MS)]).then(() => process.exit(reaction.exitCode));
}

async function crash(signal: NodeJS.Signals): Promise<void> {
  process.removeAllListeners(signal); // so SIGTERM/SIGINT take their default action
  process.kill(process.pid, signal);
  // Signals Node ignores (SIGPIPE) must not leave the fake running.
  await sleep(1_000);
  process.exit(1);
}

/** Opens the `-progress` target: `pipe:N` is fd N (1 is stdout), anything else a file. Returns the fd. */
function openProgress(url: string | undefined): number | undefined {
  const target = parseProgressTarget(url);
  if (target === undefined) return undefined;
  const fd = 'fd' in target ? target.fd : undefined;
  if (fd === 1) progressOut = process.stdout;
  else if (fd === 2) progressOut = process.stderr;
  else if (fd !== undefined) progressOut = createWriteStream('', { fd, autoClose: false });
  else if ('file' in target) progressOut = createWriteStream(target.file);
  let reported = false;
  progressOut?.on('error', (error) => {
    if (!reported) void write(process.stderr, `fake ffmpeg: progress output ${url}: ${error.message}\n`);
    reported = true;
  });
  return fd;
}

/** A sleeping node child in this process group, holding stdout, stderr and the progress fd. */
function spawnGrandchild(holdMs: number, progressFd: number | undefined): number | undefined {
  const stdio: Array<'inherit' | 'ignore' | number> = ['inherit', 'inherit', 'inherit'];
  if (progressFd !== undefined && progressFd > 2) {
    while (stdio.length < progressFd) stdio.push('ignore');
    stdio.push(progressFd);
  }
  const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${Number(holdMs)})`], { stdio });
  child.on('error', ignore);
  child.unref();
  return child.pid;
}

function writeTo(output: FakeOutput, chunk: string | Uint8Array): Promise<void> {
  if (output === 'progress') return progressOut ? write(progressOut, chunk) : Promise.resolve();
  return write(output === 'stdout' ? process.stdout : process.stderr, chunk);
}

/** Resolves once the chunk reached the OS (or the stream failed): one chunk in flight at a time. */
function write(stream: Writable, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || chunk.length === 0) resolve();
    else stream.write(chunk, () => resolve());
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function ignore(): void {}

// Last, so every constant above is initialised before the first step runs.
void main().catch(async (error: unknown) => {
  await write(process.stderr, `fake ffmpeg: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
