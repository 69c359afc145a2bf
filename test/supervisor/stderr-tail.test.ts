import { describe, expect, test } from 'vitest';
import { StderrTail } from '../../src/supervisor/stderr-tail.js';

describe('StderrTail', () => {
  test('keeps everything below the limit', () => {
    const tail = new StderrTail(16);
    tail.push(Buffer.from('abc\n'));
    tail.push(Buffer.from('def'));
    expect(tail.text()).toBe('abc\ndef');
    expect(tail.truncated).toBe(false);
  });

  test('keeps only the last limit bytes, across many chunks and wraps', () => {
    const tail = new StderrTail(10);
    let all = '';
    for (let index = 0; index < 1000; index += 1) {
      const chunk = `${index},`;
      all += chunk;
      tail.push(Buffer.from(chunk));
    }
    expect(tail.text()).toBe(all.slice(-10));
    expect(tail.totalBytes).toBe(all.length);
    expect(tail.truncated).toBe(true);
  });

  test('a chunk larger than the limit keeps its end', () => {
    const tail = new StderrTail(4);
    tail.push(Buffer.from('0123456789'));
    expect(tail.text()).toBe('6789');
  });

  test('a cut inside a UTF-8 sequence does not show a replacement character', () => {
    const tail = new StderrTail(5);
    tail.push(Buffer.from('x🎬é')); // 1 + 4 + 2 bytes: the cut falls inside 🎬
    expect(tail.text()).toBe('é');
  });

  test('a UTF-8 sequence split across chunks decodes cleanly', () => {
    const tail = new StderrTail(64);
    const bytes = Buffer.from('café 🎬');
    for (const byte of bytes) tail.push(Buffer.from([byte]));
    expect(tail.text()).toBe('café 🎬');
  });

  test('carriage-return redraws read as lines', () => {
    const tail = new StderrTail(64);
    tail.push(Buffer.from('frame=1\rframe=2\r\nerror\n'));
    expect(tail.text()).toBe('frame=1\nframe=2\nerror\n');
  });

  test('a zero limit keeps nothing', () => {
    const tail = new StderrTail(0);
    tail.push(Buffer.from('abc'));
    expect(tail.text()).toBe('');
    expect(tail.totalBytes).toBe(3);
  });
});

describe('StderrTail growth', () => {
  test.each([1, 7, 100, 4_096, 5_000, 70_000])('matches a plain "keep the last N bytes" model, %i-byte chunks', (chunkSize) => {
    const limit = 65_536;
    const tail = new StderrTail(limit);
    // The model: every byte written so far, in one buffer filled in place (concatenating per
    // chunk would copy quadratically: minutes for 1-byte chunks on a busy machine).
    const written = Buffer.alloc(300_000 + chunkSize);
    let all = written.subarray(0, 0);
    for (let index = 0; all.length < 300_000; index += 1) {
      const chunk = Buffer.alloc(chunkSize, index % 251);
      tail.push(chunk);
      chunk.copy(written, all.length);
      all = written.subarray(0, all.length + chunk.length);
      if (index % 17 === 0) expect(tail.bytes().equals(all.subarray(Math.max(0, all.length - limit)))).toBe(true);
    }
    expect(tail.bytes().equals(all.subarray(all.length - limit))).toBe(true);
  });
});
