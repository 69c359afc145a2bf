import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, test } from 'vitest';
import { processGroupHasMembers } from '../../src/supervisor/process-group.js';

test('sees a live group through /proc, and not once its members are gone', async () => {
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  await once(child, 'spawn');
  const pgid = child.pid as number;
  expect(processGroupHasMembers(pgid)).toBe(true);
  process.kill(-pgid, 'SIGKILL');
  await once(child, 'exit');
  expect(processGroupHasMembers(pgid)).toBe(false);
});

test('a group id nobody uses has no members', () => {
  expect(processGroupHasMembers(2 ** 22 + 7)).toBe(false);
});
