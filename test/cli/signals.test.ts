import { EventEmitter } from 'node:events';
import { expect, test } from 'vitest';
import { abortOnSignals } from '../../src/cli/signals.js';

function setup() {
  const source = new EventEmitter();
  const controller = new AbortController();
  const calls: string[] = [];
  const watch = abortOnSignals({
    controller,
    source,
    onFirst: (signal) => calls.push(`first ${signal} aborted=${controller.signal.aborted}`),
    onSecond: (signal) => calls.push(`second ${signal}`),
  });
  return { source, controller, calls, watch };
}

test('the first signal is reported, then aborts the controller with a reason naming it', () => {
  const { source, controller, calls, watch } = setup();
  expect(watch.received()).toBeUndefined();
  source.emit('SIGINT');
  expect(calls).toEqual(['first SIGINT aborted=false']);
  expect(controller.signal.aborted).toBe(true);
  expect((controller.signal.reason as Error).message).toBe('received SIGINT');
  expect(watch.received()).toBe('SIGINT');
});

test('a second signal, of either kind, calls onSecond and keeps the first as received', () => {
  const { source, calls, watch } = setup();
  source.emit('SIGTERM');
  source.emit('SIGINT');
  expect(calls).toEqual(['first SIGTERM aborted=false', 'second SIGINT']);
  expect(watch.received()).toBe('SIGTERM');
});

test('dispose() removes every listener', () => {
  const { source, watch } = setup();
  expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(2);
  watch.dispose();
  expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
});
