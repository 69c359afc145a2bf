const INITIAL_BYTES = 4 * 1024;

/**
 * Keeps the last `limitBytes` of a byte stream in a fixed buffer: memory never grows with run
 * length, however much ffmpeg writes and whether or not it writes newlines.
 */
export class StderrTail {
  /** Grows on demand up to `limitBytes` (a quiet ffmpeg costs little), then works as a ring. */
  #buffer: Buffer;
  #start = 0;
  #length = 0;
  #totalBytes = 0;

  constructor(readonly limitBytes: number) {
    this.#buffer = Buffer.alloc(Math.min(limitBytes, INITIAL_BYTES));
  }

  /** Total bytes seen, including those dropped from the tail. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  get truncated(): boolean {
    return this.#totalBytes > this.#length;
  }

  push(chunk: Buffer): void {
    this.#totalBytes += chunk.length;
    if (this.limitBytes === 0) return;
    this.#growFor(chunk.length);
    const capacity = this.#buffer.length;
    if (chunk.length >= capacity) {
      chunk.copy(this.#buffer, 0, chunk.length - capacity);
      this.#start = 0;
      this.#length = capacity;
      return;
    }
    const end = (this.#start + this.#length) % capacity;
    const firstPart = Math.min(chunk.length, capacity - end);
    chunk.copy(this.#buffer, end, 0, firstPart);
    chunk.copy(this.#buffer, 0, firstPart);
    const overflow = Math.max(0, this.#length + chunk.length - capacity);
    this.#start = (this.#start + overflow) % capacity;
    this.#length = Math.min(capacity, this.#length + chunk.length);
  }

  /** The kept bytes in order. */
  bytes(): Buffer {
    const capacity = this.#buffer.length;
    const tailEnd = this.#start + this.#length;
    if (tailEnd <= capacity) return Buffer.from(this.#buffer.subarray(this.#start, tailEnd));
    return Buffer.concat([this.#buffer.subarray(this.#start), this.#buffer.subarray(0, tailEnd - capacity)]);
  }

  /** Before the ring is full size: make room for `incoming` more bytes, keeping the order. */
  #growFor(incoming: number): void {
    const current = this.#buffer.length;
    if (current >= this.limitBytes || this.#length + incoming <= current) return;
    const size = Math.min(this.limitBytes, Math.max(current * 2, this.#length + incoming));
    const grown = Buffer.alloc(size);
    this.bytes().copy(grown);
    this.#buffer = grown;
    this.#start = 0;
  }

  /**
   * The tail as text. When bytes were dropped, the cut may fall inside a UTF-8 sequence: the
   * orphaned continuation bytes at the start are skipped rather than shown as U+FFFD. `\r`
   * redraws (ffmpeg's stats line) are kept as line breaks so the tail reads as lines.
   */
  text(): string {
    let bytes = this.bytes();
    if (this.truncated) {
      let skip = 0;
      while (skip < bytes.length && skip < 3 && ((bytes[skip] ?? 0) & 0xc0) === 0x80) skip += 1;
      bytes = bytes.subarray(skip);
    }
    return new TextDecoder('utf-8').decode(bytes).replace(/\r\n?/g, '\n');
  }
}
