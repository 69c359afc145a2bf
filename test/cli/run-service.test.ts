import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { createFakeFfmpeg, type FakeFfmpeg, type FakeFfmpegScenario, scenarios } from '../../src/testing/index.js';
import { isProcessAlive, killTracked, trackPid } from '../helpers/processes.js';

// `run --restart` through the BUILT CLI (`npm test` builds first; alone: `npx tsup`), on the fake ffmpeg.
const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

const fakes: FakeFfmpeg[] = [];
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsup)`);
});
afterEach(async () => {
  await killTracked();
  for (const fake of fakes.splice(0)) fake.cleanup();
});

function startCli(scenario: FakeFfmpegScenario, flags: readonly string[]) {
  const fake = createFakeFfmpeg(scenario);
  fakes.push(fake);
  const child = spawn(process.execPath, [CLI, 'run', '--ffmpeg', fake.path, ...flags, '--', '-i', 'http://tuner/live.ts', '-f', 'mpegts', 'out.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackPid(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const events = () => stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const done = new Promise<{ code: number | null }>((resolveDone) => child.on('close', (code) => resolveDone({ code })));
  return { child, done, events, stderr: () => stderr };
}

test('--json: each start, each restart with its delay, then the give-up as the last event with the exit code of the last failure', async () => {
  const cli = startCli(scenarios.failsWith(), ['--json', '--restart', 'on-failure', '--max-restarts', '2/1m', '--restart-delay', '100ms']);
  const { code } = await cli.done;
  expect(code).toBe(1);
  const events = cli.events();
  expect(events.filter((event) => event.event === 'start').map((event) => event.attempt)).toEqual([1, 2, 3]);
  const restarts = events.filter((event) => event.event === 'restart');
  expect(restarts.map(({ attempt, reason, restartsInWindow }) => ({ attempt, reason, restartsInWindow }))).toEqual([
    { attempt: 2, reason: 'failed', restartsInWindow: 1 },
    { attempt: 3, reason: 'failed', restartsInWindow: 2 },
  ]);
  // 100 ms, then 200 ms, each less up to 20 % of jitter.
  expect(restarts[0]?.delayMs).toBeGreaterThanOrEqual(80);
  expect(restarts[0]?.delayMs).toBeLessThanOrEqual(100);
  expect(restarts[1]?.delayMs).toBeGreaterThanOrEqual(160);
  expect(restarts[1]?.delayMs).toBeLessThanOrEqual(200);
  expect(events.at(-1)).toMatchObject({ event: 'end', reason: 'gave_up', lastReason: 'failed', exitCode: 1, attempts: 3 });
}, 30_000);

test('plain lines: the attempt on each progress line and stall, the next delay, then exit 3 after the last stall', async () => {
  const cli = startCli(scenarios.progressThenHang({ blocks: 2, everyMs: 50 }), [
    '--restart', 'on-stall', '--max-restarts', '1/1m', '--restart-delay', '100ms', '--stall-timeout', '400ms', '--startup-grace', '10s', '--kill-grace', '1s',
  ]);
  const { code } = await cli.done;
  expect(code).toBe(3);
  const stderr = cli.stderr();
  expect(stderr).toContain('attempt 1: starting ffmpeg');
  expect(stderr).toMatch(/\[attempt 1\] stalled: no forward progress for \d/);
  expect(stderr).toMatch(/stalled: next attempt 2 in \d+ms, restart 1 of 1 in 1m00s/);
  expect(stderr).toContain('attempt 2: restarting ffmpeg');
  expect(stderr).toMatch(/\[attempt 2\] stalled/);
  expect(stderr).toContain('gave up: restart budget (1 in 1m00s) used up, last attempt stalled (2 attempts in');
}, 30_000);

test('SIGINT while a live attempt runs: one SIGTERM to ffmpeg, no restart, exit 130, nothing left', async () => {
  const cli = startCli(scenarios.progressThenHang({ blocks: 10_000, everyMs: 50 }), ['--json', '--restart', 'always']);
  const deadline = Date.now() + 20_000;
  while (!cli.events().some((event) => event.event === 'up') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const spawned = cli.events().find((event) => event.event === 'spawn');
  expect(typeof spawned?.pid).toBe('number');
  cli.child.kill('SIGINT');
  const { code } = await cli.done;
  expect(code).toBe(130);
  const events = cli.events();
  expect(events.filter((event) => event.event === 'start')).toHaveLength(1);
  expect(events.some((event) => event.event === 'restart')).toBe(false);
  expect(events.at(-1)).toMatchObject({ event: 'end', reason: 'stopped', exitCode: 130, recentAttempts: [{ attempt: 1, endReason: 'stopped', reason: 'aborted', exitCode: 255 }] });
  expect(isProcessAlive(spawned?.pid as number)).toBe(false);
}, 30_000);
