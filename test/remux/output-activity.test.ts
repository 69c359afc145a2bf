import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import { afterAll, expect, test } from 'vitest';
import { watchOutputActivity } from '../../src/remux/output-activity.js';
import { validateClock } from '../../src/supervisor/clock.js';
import { createTempDir, removeTempDir } from '../helpers/media.js';

const dir = createTempDir('ffsup-activity-');
afterAll(() => removeTempDir(dir));

/** Lets the watcher's stat() settle between fake ticks. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('reports a change of size or mtime between looks, nothing for a file left alone, nothing after stop', async () => {
  const fake = FakeTimers.createClock(0);
  const clock = validateClock(fake);
  const path = join(dir, 'out.mp4');
  let activity = 0;
  const stop = watchOutputActivity(path, { clock, intervalMs: 250, onActivity: () => activity++ });
  fake.tick(250);
  await settle(); // the file does not exist yet: nothing
  writeFileSync(path, 'header');
  fake.tick(250);
  await settle(); // first sight of the file: a baseline, not activity
  expect(activity).toBe(0);
  appendFileSync(path, 'more');
  fake.tick(250);
  await settle();
  expect(activity).toBe(1);
  fake.tick(250);
  await settle(); // unchanged: a stuck writer gives nothing
  expect(activity).toBe(1);
  stop();
  appendFileSync(path, 'late');
  fake.tick(1_000);
  await settle();
  expect(activity).toBe(1);
  expect(fake.countTimers()).toBe(0);
});
