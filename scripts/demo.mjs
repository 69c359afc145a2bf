// The one-command demo: `npm run demo` (builds, then runs this file).
//
// 1. makes a two-part DVB-style recording (H.264 + AC-3 in MPEG-TS, 10 s per part, 640x360)
//    whose first part starts damaged, with spaces in the file names;
// 2. remuxes it to MP4 with the CLI, live progress on your terminal;
// 3. checks the MP4 with ffprobe (h264 + aac, the expected duration);
// 4. shows a stuck ffmpeg (reading a live feed that goes quiet) called stalled and stopped;
// then removes its temp directory. Exits non-zero if any step did not behave as expected.
//
// Needs nothing but the npm-shipped ffmpeg and ffprobe (@ffmpeg-installer/ffmpeg,
// @ffprobe-installer/ffprobe). Step 4 uses a FIFO, so it runs on Linux and macOS only.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveFfmpegPath, resolveFfprobePath, spawnEnvFor } from '../dist/index.js';

const execFileAsync = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const PART_SECONDS = 10;
const STEP_LIMIT_MS = 60_000;
/** The ladder's first rung skips the first second of a recording (its start is often corrupt). */
const SKIPPED_START_SECONDS = 1;

const ffmpegPath = resolveFfmpegPath();
const ffprobePath = resolveFfprobePath();
const results = [];
let interrupted = false;
// Ctrl-C reaches the CLI too (same process group): it stops ffmpeg and exits 130; the step
// then fails and the temp directory is still removed.
process.on('SIGINT', () => {
  interrupted = true;
});

const dir = await mkdtemp(join(tmpdir(), 'ffmpeg-supervisor-demo-'));
let fifoFd;
try {
  heading(`ffmpeg-supervisor demo (ffmpeg: ${ffmpegPath})`);
  console.log(`working in ${dir}`);

  heading(`1/4  Recording two ${PART_SECONDS} s parts: H.264 640x360 + AC-3, MPEG-TS, damaged start`);
  const parts = [join(dir, 'evening news part 1.ts'), join(dir, 'evening news part 2.ts')];
  await Promise.all(parts.map((path, index) => recordPart(path, index)));
  const damage = await damageStart(parts[0]);
  console.log(`  ${parts.map((path) => JSON.stringify(path.slice(dir.length + 1))).join(' and ')}`);
  console.log(`  part 1 damaged: starts with ${damage.prefixBytes} bytes of a cut-off packet run, ${damage.garbledPackets} packets garbled in its first 200 KB`);
  const inputSeconds = (await Promise.all(parts.map(durationOf))).reduce((sum, seconds) => sum + seconds, 0);
  check(results, 'the parts were recorded', inputSeconds > 2 * PART_SECONDS - 1, `${inputSeconds.toFixed(2)} s in total`);

  heading('2/4  ffmpeg-supervisor remux <parts> -o "evening news.mp4"');
  const output = join(dir, 'evening news.mp4');
  const remuxExit = await runCli(['remux', ...parts, '-o', output]);
  check(results, 'remux exited 0', remuxExit === 0, `exit code ${remuxExit}`);

  heading('3/4  Checking the MP4 with ffprobe');
  const probe = remuxExit === 0 ? await probeJson(output) : undefined;
  const codecs = (probe?.streams ?? []).map((stream) => stream.codec_name).sort();
  const outputSeconds = Number(probe?.format?.duration ?? Number.NaN);
  const expectedSeconds = inputSeconds - SKIPPED_START_SECONDS;
  console.log(`  streams: ${codecs.join(' + ') || 'none'}; duration ${outputSeconds.toFixed(2)} s`);
  console.log(`  expected: about ${expectedSeconds.toFixed(1)} s (the parts' ${inputSeconds.toFixed(1)} s, less the first second the ladder skips)`);
  check(results, 'the MP4 holds h264 video and aac audio', codecs.join(',') === 'aac,h264', codecs.join(','));
  check(results, 'the MP4 lasts as long as the parts', Math.abs(outputSeconds - expectedSeconds) <= 1.5, `${outputSeconds.toFixed(2)} s`);

  heading('4/4  A stuck ffmpeg: a live feed that sends 8 s of media, then nothing');
  if (process.platform === 'win32') {
    console.log('  skipped: needs a FIFO (Linux, macOS)');
  } else {
    const feed = join(dir, 'live feed.ts');
    await execFileAsync('mkfifo', [feed]);
    // Read-write, so that opening does not wait for ffmpeg, and ffmpeg never sees EOF.
    fifoFd = openSync(feed, constants.O_RDWR | constants.O_NONBLOCK);
    const feedData = await readFile(parts[1]);
    // 8 s of media, then nothing. (ffmpeg analyses about 5 s of a stream before it writes anything.)
    const feeding = feedSlowly(fifoFd, feedData.subarray(0, Math.floor(feedData.length * 0.8)));
    const args = ['run', '--stall-timeout', '3s', '--startup-grace', '1s', '--kill-grace', '2s', '--',
      '-i', `file:${feed}`, '-c', 'copy', '-f', 'mp4', `file:${join(dir, 'live.mp4')}`];
    console.log(`  ffmpeg-supervisor ${args.map((arg) => (/\s/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`);
    const started = Date.now();
    const runExit = await runCli(args);
    feeding.stop();
    console.log(`  the CLI exited with code ${runExit} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    check(results, 'the stuck run was called stalled: exit code 3', runExit === 3, `exit code ${runExit}`);
  }
} catch (error) {
  check(results, 'the demo ran to the end', false, error instanceof Error ? error.message : String(error));
} finally {
  if (fifoFd !== undefined) closeSync(fifoFd);
  await rm(dir, { recursive: true, force: true });
}

heading('Summary');
for (const { ok, what, detail } of results) console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? ` (${detail})` : ''}`);
const failed = results.filter((result) => !result.ok).length;
console.log(failed === 0 ? '\nEvery step behaved as expected; temp files removed.' : `\n${failed} step(s) did not behave as expected.`);
process.exitCode = interrupted ? 130 : failed === 0 ? 0 : 1;

// --- helpers -------------------------------------------------------------------------------

function heading(text) {
  console.log(`\n== ${text}`);
}

function check(list, what, ok, detail) {
  list.push({ what, ok, detail });
  if (!ok) console.log(`  FAIL: ${what}${detail ? ` (${detail})` : ''}`);
}

/** The library's environment for a binary (the npm static builds need GCONV_PATH pointed away). */
function toolEnv(binaryPath) {
  return spawnEnvFor(binaryPath, process.env);
}

/** One part as a DVB recorder would write it: a named service, H.264 + AC-3, timestamps running on across parts. */
async function recordPart(path, index) {
  const tone = index === 0 ? 440 : 660;
  await execFileAsync(
    ffmpegPath,
    [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${PART_SECONDS}`,
      '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=48000:duration=${PART_SECONDS}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p',
      '-c:a', 'ac3', '-b:a', '192k', '-ac', '2',
      '-metadata', 'service_provider=Demo Broadcasting', '-metadata', 'service_name=Demo One',
      '-output_ts_offset', String(index * PART_SECONDS),
      '-f', 'mpegts', `file:${path}`,
    ],
    { env: toolEnv(ffmpegPath), timeout: STEP_LIMIT_MS },
  );
}

/**
 * A damaged start, as when a recorder tunes in mid-stream: the file opens with the cut-off
 * tail of a run of packets (not aligned to the 188-byte grid), and some packets in the first
 * 200 KB have their payload overwritten with garbage (headers kept, so ffmpeg resyncs).
 */
async function damageStart(path) {
  const data = await readFile(path);
  const PACKET = 188;
  let garbledPackets = 0;
  for (let offset = 40 * PACKET; offset < Math.min(200 * 1024, data.length - PACKET); offset += 37 * PACKET) {
    randomBytes(PACKET - 4).copy(data, offset + 4);
    garbledPackets += 1;
  }
  const prefix = data.subarray(300 * PACKET + 61, 340 * PACKET);
  await writeFile(path, Buffer.concat([prefix, data]));
  return { prefixBytes: prefix.length, garbledPackets };
}

async function durationOf(path) {
  const probe = await probeJson(path);
  return Number(probe.format?.duration ?? Number.NaN);
}

async function probeJson(path) {
  await stat(path);
  const { stdout } = await execFileAsync(
    ffprobePath,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', `file:${path}`],
    { env: toolEnv(ffprobePath), timeout: STEP_LIMIT_MS, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

/**
 * Writes `data` into the FIFO in 20 chunks, one every 100 ms, then stops
 * (the feed goes quiet, the FIFO stays open). Non-blocking: a full pipe is retried next tick.
 */
function feedSlowly(fd, data) {
  const CHUNK = Math.ceil(data.length / 20);
  let offset = 0;
  const timer = setInterval(() => {
    try {
      offset += writeSync(fd, data, offset, Math.min(CHUNK, data.length - offset));
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
    if (offset >= data.length) clearInterval(timer);
  }, 100);
  return { stop: () => clearInterval(timer) };
}

/** Runs the built CLI with this terminal (its live display shows), resolving with its exit code. */
function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit' });
    const guard = setTimeout(() => child.kill('SIGTERM'), STEP_LIMIT_MS);
    child.on('error', (error) => {
      clearTimeout(guard);
      console.log(`  could not start the CLI: ${error.message}`);
      resolve(-1);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve(code ?? (signal ? 128 : -1));
    });
  });
}
