import type { EventEmitter } from 'node:events';

/** What to do with a listener's exception: the `onListenerError` hook, or undefined for the default. */
export type ListenerErrorHandler<Name extends string> = ((error: unknown, event: Name) => void) | undefined;

/**
 * Calls every listener of `event` with `args`, each on its own: a listener that throws does not
 * keep the others from running, and its exception never reaches the caller (the run's
 * machinery). The exception goes to `onError`, or, without one, is rethrown from a microtask,
 * where it becomes an `uncaughtException` as a throwing listener outside a call stack would.
 */
export function deliverEvent<Name extends string>(
  emitter: EventEmitter,
  event: Name,
  args: readonly unknown[],
  onError: ListenerErrorHandler<Name>,
): void {
  // The raw listeners, so that `once` listeners remove themselves as `emit()` would have them do.
  for (const listener of emitter.rawListeners(event)) {
    try {
      Reflect.apply(listener, emitter, args);
    } catch (error) {
      reportListenerError(error, event, onError);
    }
  }
}

function reportListenerError<Name extends string>(error: unknown, event: Name, onError: ListenerErrorHandler<Name>): void {
  if (onError) {
    try {
      onError(error, event);
      return;
    } catch (hookError) {
      error = hookError;
    }
  }
  queueMicrotask(() => {
    throw error;
  });
}
