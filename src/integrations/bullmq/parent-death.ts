import { accessSync, constants } from 'node:fs';
import path from 'node:path';

let available: boolean | undefined;

/**
 * Whether the supervisor's `parentDeathSignal` option can work here: Linux, with util-linux's
 * `setpriv` on `PATH`. Then ffmpeg dies with a worker that is SIGKILLed. Checked once.
 */
export function isParentDeathSignalAvailable(): boolean {
  available ??= process.platform === 'linux' && isOnPath('setpriv');
  return available;
}

function isOnPath(program: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
