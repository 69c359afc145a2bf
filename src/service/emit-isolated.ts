import type { EventEmitter } from 'node:events';

/**
 * Calls every listener of `event` on its own: a listener that throws neither keeps the others
 * from running nor breaks the service's loop. Its exception is rethrown from a microtask, where
 * it becomes an `uncaughtException`, as a throwing listener outside any call stack would.
 */
export function emitIsolated(emitter: EventEmitter, event: string, ...args: readonly unknown[]): void {
  // The raw listeners, so that `once` listeners remove themselves as `emit()` would have them do.
  for (const listener of emitter.rawListeners(event)) {
    try {
      Reflect.apply(listener, emitter, args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
