import type { Clock } from 'ffmpeg-supervisor';

/** The clock as the throttle uses it (`now` always a function). */
interface TimerClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Publishes at most one value per `intervalMs`: the first at once, later ones held and the
 * latest of them published when the interval has passed (so the last state always arrives).
 * Publishing is serial: a slow `publish` (a Redis round trip) never has two calls in flight.
 */
export class ProgressThrottle<T> {
  readonly #publish: (value: T) => Promise<unknown> | unknown;
  readonly #intervalMs: number;
  readonly #clock: TimerClock;
  #lastPublishedAt: number | undefined;
  #pending: { value: T } | undefined;
  #timer: unknown;
  #inFlight: Promise<void> = Promise.resolve();
  /** Publishes started or queued and not yet settled. */
  #publishing = 0;
  #disposed = false;

  constructor(publish: (value: T) => Promise<unknown> | unknown, { intervalMs, clock }: { readonly intervalMs: number; readonly clock: Clock }) {
    this.#publish = publish;
    this.#intervalMs = intervalMs;
    this.#clock = timerClock(clock);
  }

  /** Offers a value: published now if the interval has passed, else held (replacing a held one). */
  push(value: T): void {
    if (this.#disposed) return;
    const now = this.#clock.now();
    if (this.#timer === undefined && (this.#lastPublishedAt === undefined || now - this.#lastPublishedAt >= this.#intervalMs)) {
      this.#send(value, now);
      return;
    }
    this.#pending = { value };
    if (this.#timer === undefined) {
      const waitMs = this.#intervalMs - (now - (this.#lastPublishedAt ?? now));
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        this.#sendPending();
      }, waitMs);
    }
  }

  /** Publishes a held value now (the job ends), then resolves once every publish has settled. */
  async flush(): Promise<void> {
    this.#clearTimer();
    this.#sendPending();
    await this.#inFlight;
  }

  /** Drops a held value and stops; later pushes are ignored. Resolves once publishes in flight settled. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#pending = undefined;
    this.#clearTimer();
    await this.#inFlight;
  }

  #sendPending(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending && !this.#disposed) this.#send(pending.value, this.#clock.now());
  }

  #send(value: T, now: number): void {
    this.#lastPublishedAt = now;
    // A lost progress update must never fail the job: errors are dropped.
    const publish = (): Promise<void> => {
      try {
        return Promise.resolve(this.#publish(value)).then(ignore, ignore);
      } catch {
        return Promise.resolve();
      }
    };
    this.#publishing += 1;
    const started = this.#publishing === 1 ? publish() : this.#inFlight.then(publish);
    this.#inFlight = started.then(() => {
      this.#publishing -= 1;
    });
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function timerClock(clock: Clock): TimerClock {
  const { now } = clock;
  return {
    now: typeof now === 'function' ? () => now.call(clock) : () => clock.now as number,
    setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}

function ignore(): void {}
