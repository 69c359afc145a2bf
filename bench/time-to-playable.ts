/**
 * Time to playable: how long until a recording is a browser-playable MP4, through the ladder
 * (a long-lived host), through the CLI (a fresh process per call) and through the best
 * hand-written ffmpeg command for the same output, side by side in one run, as ratios.
 *
 * Cases (Debian's ffmpeg 5.1, which has libx265 and 10-bit libx264):
 * - 10-minute 1080i H.264 + MP2 (copy: the `default` rung);
 * - 3-minute 1080p HEVC and 3-minute 576i MPEG-2 (the `transcode` rung, default settings).
 * Long clips are a short generated clip looped with continuous timestamps (`-stream_loop`).
 *
 * Then the hardware fallback's cost: the time from the start of a hardware encoder that cannot
 * start (no device, no driver: the case here) to the start of libx264, per encoder and for
 * `'auto'`'s first remux (which tries every listed hardware encoder).
 *
 * Last, the resource limits' cost: the same transcode with `threads: 1` and with `nice: 19`.
 *
 * Per run: wall time, and CPU time of every process the run started (the kernel's account of
 * reaped children, `cutime + cstime`, plus the host's own CPU for the ladder). Modes of a case
 * run one after another, never at once; a copy case runs 3 rounds, each starting with another
 * mode, and prints medians (`--rounds=N` sets the rounds of every case).
 *
 *   node --import tsx bench/time-to-playable.ts            # full (about 15–25 minutes here)
 *   node --import tsx bench/time-to-playable.ts --quick    # tiny clips, seconds
 *   node --import tsx bench/time-to-playable.ts --only=copy,hevc,mpeg2,fallback,limits
 *   node --import tsx bench/time-to-playable.ts --transcode-loops=3 --clip-dir=/tmp/clips
 *   node --import tsx bench/time-to-playable.ts --only=copy --rounds=5
 *
 * `--transcode-loops=N` plays the transcode clips N times instead (shorter runs on a busy
 * machine); `--clip-dir` keeps the generated clips there and reuses them on the next run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgetFailedEncoders } from '../src/remux/encoder-fallback.js';
import { RemuxLadder } from '../src/remux/ladder.js';
import { DEFAULT_TRANSCODE_OPTIONS, type TranscodeOptions, type VideoEncoderChoice } from '../src/remux/transcode-options.js';
import { probeCapabilities } from '../src/supervisor/capabilities.js';
import { killAllLiveRuns } from '../src/supervisor/host-exit.js';
import { childrenCpuMs, hostCpuMs } from './lib/cpu.js';
import { isQuick, loadAverage, printHeading, printTable } from './lib/options.js';
import { killGroup, onInterrupt } from './lib/processes.js';
import { fixed, median } from './lib/stats.js';
import { type ClipKind, generateClip, liveRunPids, loopClip, measureRun } from './lib/transcode-media.js';

const FFMPEG = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const QUICK_SIZE = '320x240';

interface Case {
  /** Name for `--only`. */
  readonly id: 'copy' | 'hevc' | 'mpeg2';
  readonly label: string;
  readonly kind: ClipKind;
  /** Length of the generated clip, s. */
  readonly clipSec: number;
  /** How many times it is played in a row. */
  readonly loops: number;
  readonly strategy: 'default' | 'transcode';
}

const CASES: readonly Case[] = isQuick
  ? [
      { id: 'copy', label: '1080i H.264, copy (quick: 4 s, 320x240)', kind: 'h264-1080i', clipSec: 4, loops: 1, strategy: 'default' },
      { id: 'hevc', label: '1080p HEVC, transcode (quick: 2 s, 320x240)', kind: 'hevc-1080p', clipSec: 2, loops: 1, strategy: 'transcode' },
      { id: 'mpeg2', label: '576i MPEG-2, transcode (quick: 2 s, 320x240)', kind: 'mpeg2-576i', clipSec: 2, loops: 1, strategy: 'transcode' },
    ]
  : [
      { id: 'copy', label: '10 min 1080i H.264, copy', kind: 'h264-1080i', clipSec: 60, loops: 10, strategy: 'default' },
      { id: 'hevc', label: '3 min 1080p HEVC, transcode', kind: 'hevc-1080p', clipSec: 20, loops: 9, strategy: 'transcode' },
      { id: 'mpeg2', label: '3 min 576i MPEG-2, transcode', kind: 'mpeg2-576i', clipSec: 30, loops: 6, strategy: 'transcode' },
    ];

/** `--only=copy,hevc,…` runs a selection of the cases and of the `fallback` and `limits` sections. */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const selected = (id: string) => only === undefined || only.includes(id);
const transcodeLoops = Number(process.argv.find((arg) => arg.startsWith('--transcode-loops='))?.slice('--transcode-loops='.length) ?? Number.NaN);
const clipDir = process.argv.find((arg) => arg.startsWith('--clip-dir='))?.slice('--clip-dir='.length);

/** The clip of `kind`, generated once into `--clip-dir` when given. */
async function clipOf(dir: string, kind: ClipKind, seconds: number): Promise<string> {
  const size = isQuick ? QUICK_SIZE : undefined;
  if (clipDir === undefined) return generateClip(FFMPEG, dir, kind, seconds, size);
  const kept = join(clipDir, `${kind}-${seconds}s${size ? `-${size}` : ''}.ts`);
  return existsSync(kept) ? kept : generateClip(FFMPEG, clipDir, kind, seconds, size);
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * The best hand-written command for the ladder's output: the same video (copied after a 1 s
 * seek, or libx264 at the ladder's default preset and CRF, 8-bit 4:2:0, the same fixed GOP
 * without scene-cut detection, which changes the encoder's work), the first audio track
 * as 192 kb/s stereo AAC at 48 kHz, faststart MP4, and nothing else (no probe, no output check,
 * no timestamp repair flags, no temp file and rename).
 */
function handWrittenArgs(testCase: Case, input: string, output: string): string[] {
  const video =
    testCase.strategy === 'default'
      ? ['-c:v', 'copy']
      : ['-c:v', 'libx264', '-preset', DEFAULT_TRANSCODE_OPTIONS.preset, '-crf', String(DEFAULT_TRANSCODE_OPTIONS.crf), '-pix_fmt', 'yuv420p',
        '-x264-params', 'keyint=100:min-keyint=100:scenecut=0'];
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    ...(testCase.strategy === 'default' ? ['-ss', '1'] : []), '-i', `file:${input}`,
    '-map', '0:v:0', '-map', '0:a:0', ...video, '-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-ac', '2',
    '-movflags', '+faststart', '-f', 'mp4', `file:${output}`,
  ];
}

async function measure(run: () => Promise<void>): Promise<Sample> {
  const wallStart = performance.now();
  const cpuStart = childrenCpuMs() + hostCpuMs();
  await run();
  return { wallMs: performance.now() - wallStart, cpuMs: childrenCpuMs() + hostCpuMs() - cpuStart };
}

function runCli(input: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'remux', input, '-o', output, '--ffmpeg', FFMPEG, '--ffprobe', FFPROBE], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`CLI exited ${code}: ${stderr}`))));
  });
}

async function runCase(dir: string, testCase: Case): Promise<{ hand: Sample; ladder: Sample; cli: Sample | undefined; mediaSec: number; strategy: string }> {
  const clip = await clipOf(dir, testCase.kind, testCase.clipSec);
  const loops = testCase.strategy === 'transcode' && transcodeLoops >= 1 ? transcodeLoops : testCase.loops;
  const input = loops > 1 ? await loopClip(FFMPEG, clip, loops, join(dir, `${testCase.kind}-long.ts`)) : clip;
  const mediaSec = testCase.clipSec * loops;
  const output = join(dir, 'out.mp4');

  let strategy = '';
  const modes: Record<'hand' | 'ladder' | 'cli', () => Promise<void>> = {
    hand: async () => {
      const run = await measureRun(FFMPEG, handWrittenArgs(testCase, input, output));
      if (run.exitCode !== 0) throw new Error(`hand-written command failed: ${run.stderr.slice(-500)}`);
    },
    ladder: async () => {
      const result = await new RemuxLadder({ ffmpegPath: FFMPEG, ffprobePath: FFPROBE }).remux({ inputs: [input], output });
      strategy = result.strategy;
    },
    cli: () => runCli(input, output),
  };
  const order = (['hand', 'ladder', 'cli'] as const).filter((mode) => mode !== 'cli' || existsSync(CLI));
  const samples = new Map<string, Sample[]>(order.map((mode) => [mode, []]));
  // Each round starts with another mode, so the disk's write-back and the page cache favour none.
  for (let round = 0; round < roundsOf(testCase); round += 1) {
    for (let step = 0; step < order.length; step += 1) {
      const mode = order[(round + step) % order.length] as (typeof order)[number];
      samples.get(mode)?.push(await measure(modes[mode]));
      rmSync(output, { force: true });
    }
  }
  const medianOf = (mode: string): Sample | undefined => {
    const list = samples.get(mode);
    return list && list.length > 0 ? { wallMs: median(list.map((sample) => sample.wallMs)), cpuMs: median(list.map((sample) => sample.cpuMs)) } : undefined;
  };
  return { hand: medianOf('hand') as Sample, ladder: medianOf('ladder') as Sample, cli: medianOf('cli'), mediaSec, strategy };
}

/** Rounds of a case: `--rounds=N`, else 3 for a copy (seconds each, noisy), 1 for a transcode (minutes each). */
function roundsOf(testCase: Case): number {
  const given = Number(process.argv.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? Number.NaN);
  if (Number.isInteger(given) && given >= 1) return given;
  return testCase.strategy === 'default' && !isQuick ? 3 : 1;
}

/** Time from a hardware encoder's `attempt` event to libx264's: what a failing start costs. */
async function fallbackCost(dir: string, encoder: VideoEncoderChoice, rounds: number): Promise<{ lostMs: number[]; totalMs: number[]; left: string }> {
  const input = await generateClip(FFMPEG, dir, 'hevc-1080p', 2, QUICK_SIZE);
  const lostMs: number[] = [];
  const totalMs: number[] = [];
  let left = '';
  for (let round = 0; round < rounds; round += 1) {
    forgetFailedEncoders();
    const ladder = new RemuxLadder({ ffmpegPath: FFMPEG, ffprobePath: FFPROBE, transcode: { encoder } });
    const starts: number[] = [];
    ladder.on('attempt', () => starts.push(performance.now()));
    const started = performance.now();
    const result = await ladder.remux({ inputs: [input], output: join(dir, 'fallback.mp4') });
    totalMs.push(performance.now() - started);
    lostMs.push((starts.at(-1) as number) - (starts[0] as number));
    left = (result.encoder?.left ?? []).map((entry) => `${entry.encoder}: ${entry.reason}`).join('; ');
  }
  rmSync(join(dir, 'fallback.mp4'), { force: true });
  return { lostMs, totalMs, left };
}

/** One transcode through the ladder with these settings: wall and CPU (the machine's other load decides what `nice` costs). */
async function limitsCost(dir: string, input: string, transcode: TranscodeOptions): Promise<Sample> {
  const sample = await measure(async () => {
    await new RemuxLadder({ ffmpegPath: FFMPEG, ffprobePath: FFPROBE, transcode }).remux({ inputs: [input], output: join(dir, 'limits.mp4') });
  });
  rmSync(join(dir, 'limits.mp4'), { force: true });
  return sample;
}

async function main(): Promise<void> {
  printHeading('time to playable: ladder and CLI against a hand-written ffmpeg command');
  if (!existsSync(FFMPEG) || !existsSync(FFPROBE)) {
    console.log(`skipped: ${FFMPEG} and ${FFPROBE} (Debian's ffmpeg, with libx265) are needed`);
    return;
  }
  if (!existsSync(CLI)) console.log(`(the CLI column is skipped: ${CLI} is not built; run npm run build)`);
  console.log(`transcode settings: libx264 -preset ${DEFAULT_TRANSCODE_OPTIONS.preset} -crf ${DEFAULT_TRANSCODE_OPTIONS.crf} (the ladder's defaults)\n`);
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-bench-ttp-'));
  const removeHandlers = onInterrupt(() => {
    for (const pid of liveRunPids()) killGroup(pid);
    killAllLiveRuns();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await probeCapabilities(FFMPEG); // a long-lived host has probed its binary once already
    const rows: (string | number)[][] = [['case', 'rung', 'hand wall s', 'ladder wall s', 'CLI wall s', 'ladder/hand wall', 'CLI/hand wall', 'hand CPU s', 'ladder CPU s', 'CLI CPU s', 'ladder/hand CPU', 'CLI/hand CPU', 'hand × real time']];
    for (const testCase of CASES.filter((entry) => selected(entry.id))) {
      const { hand, ladder, cli, mediaSec, strategy } = await runCase(dir, testCase);
      const ratio = (sample: Sample | undefined, key: keyof Sample) => (sample ? fixed(sample[key] / hand[key], 3) : 'n/a');
      const seconds = (sample: Sample | undefined, key: keyof Sample) => (sample ? fixed(sample[key] / 1000, 2) : 'n/a');
      rows.push([
        `${testCase.label}${mediaSec === testCase.clipSec * testCase.loops ? '' : ` (run: ${mediaSec} s)`}`, strategy, seconds(hand, 'wallMs'), seconds(ladder, 'wallMs'), seconds(cli, 'wallMs'), ratio(ladder, 'wallMs'), ratio(cli, 'wallMs'),
        seconds(hand, 'cpuMs'), seconds(ladder, 'cpuMs'), seconds(cli, 'cpuMs'), ratio(ladder, 'cpuMs'), ratio(cli, 'cpuMs'), fixed(mediaSec / (hand.wallMs / 1000), 2),
      ]);
      console.log(`${testCase.label}: done`);
    }
    console.log('');
    if (rows.length > 1) printTable(rows);
    if (selected('fallback')) await printFallbackCost(dir);
    if (selected('limits')) await printLimitsCost(dir);
  } finally {
    removeHandlers();
    forgetFailedEncoders();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function printFallbackCost(dir: string): Promise<void> {
  const rounds = isQuick ? 1 : 5;
  console.log(`\nHardware fallback cost (2 s 320x240 HEVC, ${rounds} round(s); median ms):\n`);
  const fallbackRows: (string | number)[][] = [['encoder', 'lost before libx264 starts', 'whole remux', 'left']];
  for (const encoder of ['h264_vaapi', 'h264_nvenc', 'h264_qsv', 'auto', 'libx264'] as const) {
    const cost = await fallbackCost(dir, encoder, rounds);
    fallbackRows.push([encoder, fixed(median(cost.lostMs), 1), fixed(median(cost.totalMs), 1), cost.left || '—']);
  }
  printTable(fallbackRows);
}

async function printLimitsCost(dir: string): Promise<void> {
  console.log(`\nResource limits (${isQuick ? '2 s 320x240' : '20 s 1080p'} HEVC through the ladder; ${loadAverage()}):\n`);
  const limitRows: (string | number)[][] = [['transcode option', 'wall s', 'CPU s', 'wall / default']];
  let baseWallMs = 0;
  const limitsInput = await clipOf(dir, 'hevc-1080p', isQuick ? 2 : 20);
  for (const [label, transcode] of [['default (every core, normal priority)', {}], ['threads: 1', { threads: 1 }], ['nice: 19', { nice: 19 }]] as const) {
    const sample = await limitsCost(dir, limitsInput, transcode);
    baseWallMs ||= sample.wallMs;
    limitRows.push([label, fixed(sample.wallMs / 1000, 2), fixed(sample.cpuMs / 1000, 2), fixed(sample.wallMs / baseWallMs, 2)]);
  }
  printTable(limitRows);
}

await main();
