import { expect, test } from 'vitest';
import { buildSpawnCommand } from '../../src/supervisor/spawn-args.js';

test('injects -nostdin and -progress pipe:N before the caller args', () => {
  expect(buildSpawnCommand('/bin/ffmpeg', ['-i', 'file:a.ts'], { progressFd: 3, parentDeathSignal: false })).toEqual({
    file: '/bin/ffmpeg',
    args: ['-nostdin', '-progress', 'pipe:3', '-i', 'file:a.ts'],
    ffmpegArgs: ['-nostdin', '-progress', 'pipe:3', '-i', 'file:a.ts'],
  });
  expect(buildSpawnCommand('ffmpeg', [], { progressFd: 1, parentDeathSignal: false }).args).toEqual([
    '-nostdin',
    '-progress',
    'pipe:1',
  ]);
});

test('parentDeathSignal wraps the command in setpriv, which execs ffmpeg in place', () => {
  const command = buildSpawnCommand('/bin/ffmpeg', ['-i', 'x'], { progressFd: 3, parentDeathSignal: true });
  expect(command.file).toBe('setpriv');
  expect(command.args).toEqual(['--pdeathsig', 'KILL', '--', '/bin/ffmpeg', '-nostdin', '-progress', 'pipe:3', '-i', 'x']);
  expect(command.ffmpegArgs[0]).toBe('-nostdin');
});
