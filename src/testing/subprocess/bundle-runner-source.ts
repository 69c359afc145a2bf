import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Bundles the fake program's TypeScript source into one plain `.mjs` file that Node starts as
 * fast as the built one, and returns its path. Only used when the kit runs from source (this
 * project's checkout, under vitest): the published package ships the built program. The file
 * is named after a hash of its content in `node_modules/.cache/ffmpeg-supervisor/`, written
 * atomically, so parallel test workers share it and a changed source never runs stale.
 * esbuild runs as a command that exits when done: its JavaScript API would keep a service
 * process alive as a child of the test process.
 */
export function bundleRunnerSource(sourcePath: string): string {
  const packageRoot = findPackageRoot(sourcePath);
  let esbuildBin: string;
  try {
    esbuildBin = path.join(path.dirname(createRequire(path.join(packageRoot, 'package.json')).resolve('esbuild/package.json')), 'bin', 'esbuild');
  } catch {
    throw new Error(`The fake ffmpeg program runs from source only with esbuild installed (from ${packageRoot}); run \`npm run build\` instead.`);
  }
  const code = execFileSync(
    esbuildBin,
    [sourcePath, '--bundle', '--platform=node', '--format=esm', '--target=node20', '--log-level=error'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (code.length === 0) throw new Error(`Bundling ${sourcePath} produced no output.`);
  const cacheDir = path.join(packageRoot, 'node_modules', '.cache', 'ffmpeg-supervisor');
  const target = path.join(cacheDir, `fake-ffmpeg-process-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(target)) {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, target);
  }
  return target;
}

/** The nearest directory above `from` that holds a `node_modules`. */
function findPackageRoot(from: string): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No node_modules above ${from}.`);
  }
}
