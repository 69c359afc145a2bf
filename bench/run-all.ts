/**
 * Runs the benchmarks one after another, each in its own Node process (so one cannot disturb
 * the next), after printing the machine they run on.
 *
 *   npm run bench                      # everything, full length (several minutes)
 *   npm run bench -- --quick           # smoke run for CI (under a minute); or BENCH_QUICK=1
 *   npm run bench -- parser scale      # a selection
 *   npm run bench -- scale --sizes=2000
 *
 * Benchmarks print figures and never assert timings; the exit code is non-zero only when a
 * benchmark could not run (missing ffmpeg, unbuilt fake, crash).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { availableBuilds, ffmpegVersion } from './lib/media.js';
import { isQuick, loadAverage } from './lib/options.js';

const BENCHMARKS = ['parser', 'latency', 'overhead', 'fixed-cost', 'scale', 'bullmq', 'transcode-settings', 'time-to-playable'] as const;

function commandOutput(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'n/a';
  }
}

async function printMachine(): Promise<void> {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  console.log(`# ffmpeg-supervisor benchmarks${isQuick ? ' (quick)' : ''}, ${new Date().toISOString()}\n`);
  console.log(`CPU: ${cpuModel}; nproc ${availableParallelism()}; Linux ${release()}; Node ${process.version}`);
  console.log(commandOutput('free', ['-h']));
  for (const build of availableBuilds()) console.log(`ffmpeg (${build.name}): ${await ffmpegVersion(build.ffmpegPath)} at ${build.ffmpegPath}`);
}

let current: ChildProcess | undefined;
let interrupted: NodeJS.Signals | undefined;

function forward(signal: NodeJS.Signals): void {
  interrupted = signal;
  current?.kill(signal); // each benchmark kills its own processes on SIGINT/SIGTERM
}

function runBenchmark(name: string, passThrough: readonly string[]): Promise<number> {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  return new Promise((resolve) => {
    current = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...passThrough], { stdio: 'inherit' });
    current.once('error', () => resolve(1));
    current.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const selected = args.filter((arg) => !arg.startsWith('-'));
  const unknown = selected.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}`);
    process.exit(2);
  }
  const passThrough = args.filter((arg) => arg.startsWith('-'));
  if (isQuick && !passThrough.includes('--quick')) passThrough.push('--quick');
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  await printMachine();
  const failed: string[] = [];
  const started = performance.now();
  for (const name of selected.length > 0 ? selected : BENCHMARKS) {
    const code = await runBenchmark(name, passThrough);
    console.log(`\n(${name} done; ${loadAverage()})`);
    if (interrupted) process.exit(interrupted === 'SIGINT' ? 130 : 143);
    if (code !== 0) failed.push(name);
  }
  console.log(`\nall done in ${((performance.now() - started) / 1000).toFixed(0)} s${failed.length > 0 ? `; FAILED: ${failed.join(', ')}` : ''}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

await main();
