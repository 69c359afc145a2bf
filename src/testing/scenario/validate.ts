import type { FakeFfmpegScenario, FakeStep } from './format.js';
import { describeValue } from '../../supervisor/describe-value.js';

const STEP_KEYS = ['wait', 'progress', 'advance', 'frozen', 'stderr', 'stderrFlood', 'stdout', 'writeOutput', 'writeOutputText', 'exit', 'crash', 'hang'];

/**
 * Checks a scenario eagerly, so a typo fails where the fake is created and not mid-run.
 * `inProcess` also rejects what only a real process can play (a grandchild holding the pipes).
 */
export function validateScenario(scenario: FakeFfmpegScenario, { name = 'scenario', inProcess = false } = {}): void {
  if (typeof scenario !== 'object' || scenario === null || !Array.isArray(scenario.steps)) {
    throw new TypeError(`The \`${name}\` must be an object with a \`steps\` array; got ${describeValue(scenario)}.`);
  }
  scenario.steps.forEach((step: FakeStep, index) => {
    const keys = typeof step === 'object' && step !== null ? Object.keys(step).filter((key) => key !== 'raw') : [];
    if (keys.length !== 1 || !STEP_KEYS.includes(keys[0] ?? '')) {
      throw new TypeError(
        `The \`${name}.steps[${index}]\` must have exactly one of ${STEP_KEYS.join(', ')}; got ${describeValue(step)}.`,
      );
    }
  });
  if (inProcess && scenario.grandchildHoldsPipesMs !== undefined) {
    throw new TypeError(
      `The \`${name}.grandchildHoldsPipesMs\` step cannot be played in-process by createFakeSpawn() (there is no process group); use createFakeFfmpeg() for grandchild tests.`,
    );
  }
  if (scenario.probe !== undefined && (typeof scenario.probe !== 'object' || scenario.probe === null)) {
    throw new TypeError(`The \`${name}.probe\` must be an object; got ${describeValue(scenario.probe)}.`);
  }
}

