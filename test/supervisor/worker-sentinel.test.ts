import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, expect, test } from 'vitest';
import { SENTINEL_SCRIPT } from '../../src/supervisor/worker-sentinel.js';
import { isProcessAlive, killTracked, trackPid, waitForProcessGone } from '../helpers/processes.js';

afterEach(() => killTracked());

test('the sentinel SIGKILLs what is still listed when its input ends: a group, a pid; never what was removed', async () => {
  const start = (detached: boolean) => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore', detached });
    return trackPid(child.pid);
  };
  const groupLeader = start(true);
  const single = start(false);
  const removed = start(false);
  const sentinel = spawn('/bin/sh', ['-c', SENTINEL_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'] });
  const ended = once(sentinel, 'exit');
  sentinel.stdin.write(`add -${groupLeader}\nadd ${single}\nadd ${removed}\ndel ${removed}\n`);
  sentinel.stdin.end();
  await ended;
  expect(await waitForProcessGone(groupLeader)).toBe(true);
  expect(await waitForProcessGone(single)).toBe(true);
  expect(isProcessAlive(removed)).toBe(true);
});
