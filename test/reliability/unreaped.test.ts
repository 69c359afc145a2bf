/**
 * Case 29 of the fault table: a process that SIGKILL cannot end (uninterruptible sleep on a dead
 * NFS server). Produced here with a SIGSTOPped fake ffmpeg whose kill() is made to fail through
 * an injected spawn (and no process group, so only kill() could reach it).
 */
import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { killAllLiveRuns, liveRunCount } from '../../src/supervisor/host-exit.js';
import type { SpawnFunction } from '../../src/supervisor/options.js';
import { scenarios } from '../../src/testing/scenario/builders.js';
import { rejectionOf } from '../helpers/rejection.js';
import { cleanUpProcessesAndFakes, superviseFake, waitUntilGone, trackProcess } from './kit.js';

afterEach(cleanUpProcessesAndFakes);

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ', 1)[0];
  } catch {
    return undefined;
  }
}

test('case 29: SIGKILL has no effect → the run settles reapTimeoutMs after SIGKILL with unreaped: true; the host-exit registry still kills it', async () => {
  const attempts: Array<{ signal: NodeJS.Signals; at: number }> = [];
  let child: ChildProcess | undefined;
  let realKill: ChildProcess['kill'] | undefined;
  const frozenSpawn: SpawnFunction = (file, args, options) => {
    child = nodeSpawn(file, [...args], options);
    if (child.pid !== undefined) process.kill(child.pid, 'SIGSTOP');
    realKill = child.kill.bind(child);
    child.kill = (signal?: NodeJS.Signals | number) => {
      attempts.push({ signal: signal as NodeJS.Signals, at: performance.now() });
      return false;
    };
    return child;
  };
  const liveBefore = liveRunCount();
  const { supervisor, events } = superviseFake(scenarios.silentHang(), {
    spawn: frozenSpawn,
    processGroup: false,
    timeoutMs: 300,
    stallTimeoutMs: Number.POSITIVE_INFINITY,
    killGraceMs: 200,
    reapTimeoutMs: 500,
  });
  const error = await rejectionOf(supervisor.run());
  const settledAt = performance.now();
  const pid = events.spawnedPids[0] as number;
  const identity = trackProcess(pid);

  expect(attempts.map(({ signal }) => signal)).toEqual(['SIGTERM', 'SIGKILL']);
  const sinceKill = settledAt - (attempts[1]?.at ?? Number.NaN);
  expect(sinceKill).toBeGreaterThanOrEqual(500 - 5); // never before the bound (timer granularity)
  expect(sinceKill).toBeLessThan(500 + 3_000); // and settled, not pending for ever
  expect(error.outcome).toMatchObject({ reason: 'timeout', unreaped: true, forcedKill: true, exitCode: null, signal: null });
  expect(processState(pid)).toBe('T'); // really still there, stopped
  expect(liveRunCount()).toBe(liveBefore + 1);

  // The host exits: the registry tries again, and once kill() works the process is gone.
  if (child && realKill) child.kill = realKill;
  expect(killAllLiveRuns()).toBeGreaterThanOrEqual(1);
  expect(await waitUntilGone(identity, 5_000)).toBe(true);
});
