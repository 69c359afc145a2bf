interface Subscription {
  readonly listener: () => void;
  readonly callbacks: Set<() => void>;
}

const subscriptions = new WeakMap<AbortSignal, Subscription>();

/**
 * Calls `callback` once when `signal` aborts. However many runs share one host signal, the
 * signal carries a single listener (no MaxListenersExceededWarning at 11 concurrent jobs), and
 * it is removed when the last subscriber leaves. Returns the unsubscribe function.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let subscription = subscriptions.get(signal);
  if (!subscription) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      subscriptions.delete(signal);
      for (const subscriber of [...callbacks]) subscriber();
      callbacks.clear();
    };
    subscription = { listener, callbacks };
    subscriptions.set(signal, subscription);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = subscription;
  callbacks.add(callback);
  return () => {
    if (!callbacks.delete(callback) || callbacks.size > 0) return;
    signal.removeEventListener('abort', listener);
    if (subscriptions.get(signal)?.listener === listener) subscriptions.delete(signal);
  };
}
