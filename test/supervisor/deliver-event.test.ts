import { EventEmitter } from 'node:events';
import { expect, test } from 'vitest';
import { deliverEvent } from '../../src/supervisor/deliver-event.js';

test('every listener runs although one throws; once listeners are removed; the caller never sees the exception', () => {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  emitter.on('tick', (value: number) => calls.push(`a${value}`));
  emitter.once('tick', () => {
    throw new Error('bug');
  });
  emitter.on('tick', function (this: unknown, value: number) {
    calls.push(`c${value}${this === emitter ? ' this' : ''}`);
  });
  const errors: Array<[unknown, string]> = [];
  expect(() => deliverEvent(emitter, 'tick', [1], (error, event) => errors.push([error, event]))).not.toThrow();
  deliverEvent(emitter, 'tick', [2], (error, event) => errors.push([error, event]));
  expect(calls).toEqual(['a1', 'c1 this', 'a2', 'c2 this']);
  expect(errors).toHaveLength(1);
  expect(errors[0]?.[1]).toBe('tick');
  expect(emitter.listenerCount('tick')).toBe(2);
});

test('without a hook (or when the hook throws) the exception is rethrown from a microtask', async () => {
  const emitter = new EventEmitter();
  const bug = new Error('listener bug');
  const hookBug = new Error('hook bug');
  emitter.on('tick', () => {
    throw bug;
  });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };
  process.on('uncaughtException', onUncaught);
  try {
    deliverEvent(emitter, 'tick', [], undefined);
    deliverEvent(emitter, 'tick', [], () => {
      throw hookBug;
    });
    expect(uncaught).toEqual([]); // never synchronously
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  expect(uncaught).toEqual([bug, hookBug]);
});
