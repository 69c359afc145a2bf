/**
 * Transcode settings by measurement: libx264 preset × CRF on each kind of recording the ladder
 * transcodes (1080p HEVC, 576i MPEG-2 deinterlaced in the transcode, 10-bit H.264 1080p).
 *
 * Per cell, one encode with the transcode rung's video arguments (fixed 100-frame GOP, 8-bit
 * 4:2:0, constant frame rate), audio left out so the figure is the video's: CPU seconds per
 * media second (the child's CPU time from the kernel, robust to other load on the machine),
 * wall time, output size, and quality against the decoded source at the same resolution
 * (ffmpeg's `ssim` and `psnr` filters; for 576i the source goes through the same deinterlacer,
 * so the score is the encoder's loss alone).
 *
 * The default is the cheapest cell whose SSIM is within 0.002 of today's `-preset medium
 * -crf 23` on every kind (and whose PSNR is within 0.5 dB): a difference users cannot see, and
 * whose files are at most 1.5 times as large (a file twice the size takes twice as long to
 * reach a browser over the same link).
 *
 *   node --import tsx bench/transcode-settings.ts            # 20 s clips (30 s for 576i)
 *   node --import tsx bench/transcode-settings.ts --quick    # 2 s clips at 320x240, two cells
 *   node --import tsx bench/transcode-settings.ts --seconds=30
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, onInterrupt } from './lib/processes.js';
import { isQuick, printHeading, printTable } from './lib/options.js';
import { fixed } from './lib/stats.js';
import { CLIP_SPECS, type ClipKind, generateClip, liveRunPids, measureRun } from './lib/transcode-media.js';

const FFMPEG = '/usr/bin/ffmpeg';
const KINDS: readonly ClipKind[] = ['hevc-1080p', 'mpeg2-576i', 'h264-10bit'];
/**
 * The cells: today's setting, then faster presets at the same CRF and at lower CRFs (a faster
 * preset at a lower CRF can match medium/23's quality at a fraction of its CPU time).
 */
const CELLS: readonly { readonly preset: string; readonly crf: number }[] = isQuick
  ? [{ preset: 'medium', crf: 23 }, { preset: 'veryfast', crf: 21 }]
  : [
      { preset: 'medium', crf: 23 },
      { preset: 'faster', crf: 23 },
      { preset: 'faster', crf: 21 },
      { preset: 'veryfast', crf: 23 },
      { preset: 'veryfast', crf: 21 },
      { preset: 'veryfast', crf: 20 },
      { preset: 'superfast', crf: 21 },
      { preset: 'superfast', crf: 19 },
    ];
const BASELINE = { preset: 'medium', crf: 23 };
/** Largest SSIM (All) drop against the baseline that counts as "cannot tell apart". */
const SSIM_THRESHOLD = 0.002;
/** Largest PSNR (average) drop against the baseline, dB. */
const PSNR_THRESHOLD_DB = 0.5;
/** Largest output size against the baseline. */
const SIZE_LIMIT = 1.5;
/** The deinterlacer the transcode of an interlaced source runs (frame rate kept). */
export const DEINTERLACE_FILTER = 'yadif=mode=send_frame:parity=auto:deint=interlaced';

const secondsArg = process.argv.find((arg) => arg.startsWith('--seconds='));
const CLIP_SEC = isQuick ? 2 : Number(secondsArg?.slice('--seconds='.length) ?? 20);

interface Cell {
  readonly kind: ClipKind;
  readonly preset: string;
  readonly crf: number;
  readonly cpuSecPerMediaSec: number;
  readonly wallSecPerMediaSec: number;
  readonly sizeBytes: number;
  readonly ssim: number;
  readonly psnrDb: number;
}

function clipSeconds(kind: ClipKind): number {
  return kind === 'mpeg2-576i' && !isQuick ? Math.round(CLIP_SEC * 1.5) : CLIP_SEC;
}

function encodeArgs(input: string, output: string, kind: ClipKind, preset: string, crf: number): string[] {
  const filters = CLIP_SPECS[kind].interlaced ? ['-vf', DEINTERLACE_FILTER] : [];
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-fflags', '+genpts+discardcorrupt', '-i', `file:${input}`, '-map', '0:v:0', '-an', ...filters,
    '-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-pix_fmt', 'yuv420p',
    '-x264-params', 'keyint=100:min-keyint=100:scenecut=0', '-fps_mode', 'cfr',
    '-movflags', '+faststart', '-f', 'mp4', `file:${output}`,
  ];
}

/** SSIM (All) and PSNR (average) of `output` against the decoded `source`, frames aligned from 0. */
async function score(output: string, source: string, kind: ClipKind): Promise<{ ssim: number; psnrDb: number }> {
  const deinterlace = CLIP_SPECS[kind].interlaced ? `${DEINTERLACE_FILTER},` : '';
  const graph =
    `[1:v]${deinterlace}format=yuv420p,setpts=PTS-STARTPTS,split[r1][r2];` +
    `[0:v]setpts=PTS-STARTPTS,split[d1][d2];[d1][r1]ssim[s];[d2][r2]psnr[p]`;
  const run = await measureRun(FFMPEG, [
    '-hide_banner', '-nostdin', '-loglevel', 'info', '-i', `file:${output}`, '-i', `file:${source}`,
    '-filter_complex', graph, '-map', '[s]', '-f', 'null', '-', '-map', '[p]', '-f', 'null', '-',
  ]);
  const ssim = Number(/SSIM .*All:([\d.]+)/.exec(run.stderr)?.[1]);
  const psnrDb = Number(/PSNR .*average:([\d.]+|inf)/.exec(run.stderr)?.[1]);
  if (run.exitCode !== 0 || !Number.isFinite(ssim)) throw new Error(`scoring ${output} failed: ${run.stderr.slice(-500)}`);
  return { ssim, psnrDb };
}

async function measureCell(dir: string, source: string, kind: ClipKind, preset: string, crf: number): Promise<Cell> {
  const output = join(dir, `${kind}-${preset}-${crf}.mp4`);
  const run = await measureRun(FFMPEG, encodeArgs(source, output, kind, preset, crf));
  if (run.exitCode !== 0) throw new Error(`encode ${kind} ${preset}/${crf} failed: ${run.stderr.slice(-500)}`);
  const sizeBytes = statSync(output).size;
  const quality = await score(output, source, kind);
  rmSync(output, { force: true });
  const mediaSec = clipSeconds(kind);
  return { kind, preset, crf, cpuSecPerMediaSec: run.cpuMs / 1000 / mediaSec, wallSecPerMediaSec: run.wallMs / 1000 / mediaSec, sizeBytes, ...quality };
}

function isBaseline(cell: { preset: string; crf: number }): boolean {
  return cell.preset === BASELINE.preset && cell.crf === BASELINE.crf;
}

async function main(): Promise<void> {
  printHeading('transcode settings: libx264 preset × CRF');
  if (!existsSync(FFMPEG)) {
    console.log(`skipped: ${FFMPEG} (Debian's ffmpeg, with libx265 and 10-bit libx264) is not installed`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-bench-settings-'));
  const removeHandlers = onInterrupt(() => {
    for (const pid of liveRunPids()) killGroup(pid);
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    const cells: Cell[] = [];
    for (const kind of KINDS) {
      const seconds = clipSeconds(kind);
      const source = await generateClip(FFMPEG, dir, kind, seconds, isQuick ? '320x240' : undefined);
      console.log(`${CLIP_SPECS[kind].label}: ${seconds} s clip, ${(statSync(source).size / 1e6).toFixed(1)} MB`);
      for (const { preset, crf } of CELLS) {
        const cell = await measureCell(dir, source, kind, preset, crf);
        cells.push(cell);
        console.log(`  ${preset}/${crf}: ${fixed(cell.cpuSecPerMediaSec, 2)} CPU s per media s, SSIM ${fixed(cell.ssim, 4)}, PSNR ${fixed(cell.psnrDb, 2)} dB`);
      }
    }
    report(cells);
  } finally {
    removeHandlers();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(cells: readonly Cell[]): void {
  const baselineOf = (kind: ClipKind) => cells.find((cell) => cell.kind === kind && isBaseline(cell)) as Cell;
  console.log(`\nSSIM and PSNR against the decoded source; Δ against medium/23 of the same kind.\n`);
  printTable([
    ['kind', 'preset', 'crf', 'CPU s / media s', 'wall s / media s', 'size ×', 'SSIM', 'ΔSSIM', 'PSNR dB', 'ΔPSNR'],
    ...cells.map((cell) => {
      const base = baselineOf(cell.kind);
      return [
        CLIP_SPECS[cell.kind].label, cell.preset, cell.crf, fixed(cell.cpuSecPerMediaSec, 2), fixed(cell.wallSecPerMediaSec, 2),
        fixed(cell.sizeBytes / base.sizeBytes, 2), fixed(cell.ssim, 4), fixed(cell.ssim - base.ssim, 4), fixed(cell.psnrDb, 2), fixed(cell.psnrDb - base.psnrDb, 2),
      ];
    }),
  ]);

  // One setting for every kind: summed CPU time, qualifying only when every kind is within the threshold.
  const settings = [...new Set(cells.map((cell) => `${cell.preset}/${cell.crf}`))];
  const rows = settings.map((setting) => {
    const own = cells.filter((cell) => `${cell.preset}/${cell.crf}` === setting);
    const worstSsimDrop = Math.max(...own.map((cell) => baselineOf(cell.kind).ssim - cell.ssim));
    const worstPsnrDrop = Math.max(...own.map((cell) => baselineOf(cell.kind).psnrDb - cell.psnrDb));
    const largestSize = Math.max(...own.map((cell) => cell.sizeBytes / baselineOf(cell.kind).sizeBytes));
    const cpu = own.reduce((sum, cell) => sum + cell.cpuSecPerMediaSec, 0);
    const baseCpu = KINDS.reduce((sum, kind) => sum + baselineOf(kind).cpuSecPerMediaSec, 0);
    const qualifies = worstSsimDrop <= SSIM_THRESHOLD && worstPsnrDrop <= PSNR_THRESHOLD_DB && largestSize <= SIZE_LIMIT;
    return { setting, cpu, speedup: baseCpu / cpu, worstSsimDrop, worstPsnrDrop, largestSize, qualifies };
  });
  console.log(`\nPer setting over the three kinds (threshold: SSIM drop ≤ ${SSIM_THRESHOLD}, PSNR drop ≤ ${PSNR_THRESHOLD_DB} dB, size ≤ ${SIZE_LIMIT}× on every kind):\n`);
  printTable([
    ['setting', 'CPU s / media s (sum)', 'speed-up vs medium/23', 'worst ΔSSIM', 'worst ΔPSNR dB', 'largest size ×', 'within threshold'],
    ...rows.map((row) => [row.setting, fixed(row.cpu, 2), fixed(row.speedup, 2), fixed(-row.worstSsimDrop, 4), fixed(-row.worstPsnrDrop, 2), fixed(row.largestSize, 2), row.qualifies ? 'yes' : 'no']),
  ]);
  const best = rows.filter((row) => row.qualifies).sort((a, b) => a.cpu - b.cpu)[0];
  console.log(`\nfastest setting within the threshold: ${best ? `${best.setting} (${fixed(best.speedup, 2)}× less CPU than medium/23)` : 'none'}`);
}

await main();
