import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { spawnEnvFor } from './static-build-env.js';

/** How running a binary went. */
export type RunCheck =
  | { readonly status: 'usable'; readonly versionLine: string; readonly configuration: string | undefined }
  | { readonly status: 'crashed' | 'failed'; readonly reason: string };

/**
 * Three MPEG-TS packets (SDT with a DVB service name, PAT, PMT) from a two-frame recording made
 * for this check. Reading a DVB service name makes the static glibc of the npm ffprobe build
 * load the system's gconv modules, and with a newer glibc's modules it crashes with SIGSEGV
 * (exit 139): this is the smallest input that shows it.
 */
const MPEG_TS_SAMPLE = Buffer.from(
  'R0AREABC8CMAAcEAAP8B/wAB/IASSBABBFByb3YJFVPDqXJ2aWNlZkXmn///////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////' +
  '//////////////////////////////////////////////////////////9HQAAQAACwDQABwQAAAAHwACqxBLL/////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////' +
  '/////////////////////0dQABAAArASAAHBAADhAPAAG+EA8AAVvU1W////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////////////////////' +
  '////////////////////////////////////////////////////////////////////////////////',
  'base64',
);

/**
 * Runs `path -version` (and, for ffprobe, a probe of {@link MPEG_TS_SAMPLE} on stdin) with the
 * environment the library would start it with, and says whether it is usable: a crash (a
 * signal, or an exit code from 128 up such as 139 for SIGSEGV) or a failure is reported in words.
 */
export async function checkBinaryRuns(path: string, name: 'ffmpeg' | 'ffprobe', timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<RunCheck> {
  const childEnv = spawnEnvFor(path, env);
  const version = await runOnce(path, ['-version'], undefined, timeoutMs, childEnv);
  const versionProblem = describeProblem(version, '`-version`');
  if (versionProblem) return versionProblem;
  const lines = version.stdout.split(/\r?\n/);
  const versionLine = lines.find((line) => / version /.test(line)) ?? lines[0] ?? '';
  if (!/version/i.test(versionLine)) return { status: 'failed', reason: `\`-version\` printed no version (is it ${name}?)` };
  if (name === 'ffprobe') {
    const probe = await runOnce(path, ['-v', 'quiet', '-print_format', 'json', '-show_streams', '-f', 'mpegts', '-i', 'pipe:0'], MPEG_TS_SAMPLE, timeoutMs, childEnv);
    const gconv = childEnv?.GCONV_PATH === undefined ? '' : ` even with GCONV_PATH=${childEnv.GCONV_PATH}`;
    const probeProblem = describeProblem(probe, `probing an MPEG-TS recording${gconv}`);
    if (probeProblem) return probeProblem;
  }
  return { status: 'usable', versionLine, configuration: lines.find((line) => line.startsWith('configuration:')) };
}

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly error: NodeJS.ErrnoException | undefined;
  readonly timedOut: boolean;
}

/** `crashed on \`-version\` (exit 139: SIGSEGV)`, or `undefined` when the run went fine. */
function describeProblem(run: RunResult, what: string): RunCheck | undefined {
  if (run.error) return { status: 'failed', reason: `could not be started (${run.error.code ?? run.error.message})` };
  if (run.timedOut) return { status: 'failed', reason: `${what} did not finish in time` };
  if (run.signal) return { status: 'crashed', reason: `crashed on ${what} (killed by ${run.signal})` };
  if (run.code !== null && run.code >= 128) {
    const signal = signalName(run.code - 128);
    return { status: 'crashed', reason: `crashed on ${what} (exit ${run.code}${signal ? `: ${signal}` : ''})` };
  }
  if (run.code !== 0 && what === '`-version`') return { status: 'failed', reason: `failed on ${what} (exit ${run.code})` };
  return undefined;
}

function runOnce(path: string, args: string[], input: Buffer | undefined, timeoutMs: number, env: NodeJS.ProcessEnv | undefined): Promise<RunResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: NodeJS.ErrnoException | undefined;
    let timedOut = false;
    const child = spawn(path, args, { env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdin?.on('error', () => {}); // a crash before reading all of it: EPIPE
    child.stdin?.end(input);
    child.on('error', (spawnError) => (error = spawnError));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal: timedOut ? null : signal, stdout: Buffer.concat(chunks).toString('utf8'), error, timedOut });
    });
  });
}

function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}
