import { expect, test } from 'vitest';
import { canEnterPhase, NEXT_PHASES, type RunPhase } from '../../src/supervisor/run-phase.js';

const ORDER: readonly RunPhase[] = ['starting', 'running', 'stopping', 'draining', 'settled'];

test('phases only move forward, and settled is final', () => {
  for (const from of ORDER) {
    for (const to of ORDER) {
      if (canEnterPhase(from, to)) expect(ORDER.indexOf(to), `${from} → ${to}`).toBeGreaterThan(ORDER.indexOf(from));
    }
  }
  expect(NEXT_PHASES.settled).toEqual([]);
});

test.each([
  ['starting', 'settled', true], // pre-aborted, spawn failure
  ['running', 'stopping', true],
  ['running', 'draining', true], // exited on its own
  ['stopping', 'settled', true], // not reaped after SIGKILL
  ['draining', 'stopping', false], // no stop after exit
  ['stopping', 'stopping', false], // one reason: the first
  ['starting', 'stopping', false],
] as const)('%s → %s: %s', (from, to, allowed) => {
  expect(canEnterPhase(from, to)).toBe(allowed);
});
