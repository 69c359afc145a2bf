/** Where signal listeners go: `process`, or a test's EventEmitter. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface AbortOnSignalsOptions {
  readonly controller: AbortController;
  /** The first signal: report it; the controller is aborted right after. */
  readonly onFirst: (signal: NodeJS.Signals) => void;
  /** A second signal while the run is still settling: exit at once. */
  readonly onSecond: (signal: NodeJS.Signals) => void;
  /** @default process */
  readonly source?: SignalSource;
  /** @default ['SIGINT', 'SIGTERM'] */
  readonly signals?: readonly NodeJS.Signals[];
}

export interface SignalWatch {
  /** The first signal received, if any. */
  received(): NodeJS.Signals | undefined;
  /** Removes the listeners (call once the run settled). */
  dispose(): void;
}

/**
 * Ctrl-C and SIGTERM abort the run through its `signal`, so that the library stops ffmpeg's
 * process group and the ladder removes its temp file; the CLI exits once the run settles.
 * A second signal calls `onSecond` (the CLI exits at once; the library's exit hook still
 * SIGKILLs the live ffmpeg process groups).
 */
export function abortOnSignals(options: AbortOnSignalsOptions): SignalWatch {
  const { controller, onFirst, onSecond, source = process, signals = ['SIGINT', 'SIGTERM'] } = options;
  let first: NodeJS.Signals | undefined;
  const listeners = signals.map((signal) => {
    const listener = (): void => {
      if (first !== undefined) {
        onSecond(signal);
        return;
      }
      first = signal;
      onFirst(signal);
      controller.abort(new Error(`received ${signal}`));
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    received: () => first,
    dispose: () => {
      for (const [signal, listener] of listeners) source.off(signal, listener);
    },
  };
}
