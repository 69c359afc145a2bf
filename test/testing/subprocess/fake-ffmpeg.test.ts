import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseCapabilities, probeCapabilities } from '../../../src/supervisor/capabilities.js';
import { scenarios } from '../../../src/testing/scenario/builders.js';
import { createFakeFfmpeg, type FakeFfmpeg } from '../../../src/testing/subprocess/fake-ffmpeg.js';
import type { FakeFfmpegScenario } from '../../../src/testing/scenario/format.js';
import { isProcessAlive, killTracked, processGroupOf, trackPid, waitForProcessGone } from '../../helpers/processes.js';

const ARGS = ['-hide_banner', '-nostdin', '-i', 'file:in.ts', '-c', 'copy', '-progress', 'pipe:3', '-f', 'mp4', 'file:/dev/null'];
const BLOCK_KEYS = [
  'frame', 'fps', 'stream_0_0_q', 'bitrate', 'total_size', 'out_time_us', 'out_time_ms', 'out_time',
  'dup_frames', 'drop_frames', 'speed', 'progress',
];

const fakes: FakeFfmpeg[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await killTracked();
  for (const fake of fakes.splice(0)) fake.cleanup();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function makeFake(scenario: FakeFfmpegScenario, options?: { dir?: string }): FakeFfmpeg {
  const fake = createFakeFfmpeg(scenario, options);
  fakes.push(fake);
  return fake;
}

function makeTempDir(prefix = 'fake-ffmpeg-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned fake with everything it writes collected, as a supervisor would spawn it. */
interface FakeRun {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  stderrBytes(): Buffer;
  progress(): string;
  exited: Promise<Exit>;
  closed: Promise<void>;
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  waitForBlocks(count: number, timeoutMs?: number): Promise<string[]>;
}

function runFake(scenario: FakeFfmpegScenario, args = ARGS): FakeRun {
  const child = spawn(makeFake(scenario).path, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  const pid = trackPid(child.pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const prog: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => prog.push(chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stderr = (): string => Buffer.concat(err).toString('utf8');
  const progress = (): string => Buffer.concat(prog).toString('utf8');
  const waitFor = async <T>(read: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr so far: ${stderr().slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return {
    child,
    pid,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr,
    stderrBytes: () => Buffer.concat(err),
    progress,
    exited,
    closed,
    waitForStderr: (pattern, timeoutMs) => waitFor(() => pattern.exec(stderr()) ?? undefined, String(pattern), timeoutMs),
    waitForBlocks: (count, timeoutMs) =>
      waitFor(() => (splitBlocks(progress()).length >= count ? splitBlocks(progress()) : undefined), `${count} blocks`, timeoutMs),
  };
}

/** Complete blocks, each ending with its `progress=` line. */
function splitBlocks(text: string): string[] {
  return text.match(/[^]*?progress=\w+\n/g) ?? [];
}

function parseBlock(block: string): Map<string, string> {
  return new Map(block.trimEnd().split('\n').map((line) => line.split('=', 2) as [string, string]));
}

function probe(fakePath: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(fakePath, args, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })));
    trackPid(child.pid);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('readiness and signals', () => {
  test.each([
    ['SIGTERM', 15],
    ['SIGINT', 2],
  ] as const)('announces its pid once its handlers are in place; %s then ends it like ffmpeg (255, progress=end)', async (signal, number) => {
    const run = runFake(scenarios.progressThenHang({ blocks: 1, everyMs: 0 }));
    const ready = await run.waitForStderr(/^ready pid=(\d+)\n/);
    expect(Number(ready[1])).toBe(run.pid);
    await run.waitForBlocks(1);
    process.kill(run.pid, signal);
    expect(await run.exited).toEqual({ code: 255, signal: null });
    await run.closed;
    expect(run.stderr()).toContain(`Exiting normally, received signal ${number}.\n`);
    const blocks = splitBlocks(run.progress());
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toBe(blocks[0]?.replace('progress=continue', 'progress=end'));
  });

  test('exits with exitCodeOnSignal when set', async () => {
    const run = runFake({ ...scenarios.silentHang(), exitCodeOnSignal: 1 });
    await run.waitForStderr(/ready pid=/);
    process.kill(run.pid, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 1, signal: null });
  });

  test('stays silent on stderr when announceReady is false', async () => {
    const run = runFake({ ...scenarios.completes({ blocks: 1, everyMs: 0 }), announceReady: false });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await run.closed;
    expect(run.stderr()).toBe('');
  });

  test('ignoring SIGTERM really survives SIGTERM and SIGINT; SIGKILL ends it', async () => {
    const run = runFake(scenarios.ignoresSigterm(scenarios.silentHang()));
    await run.waitForStderr(/ready pid=/);
    process.kill(run.pid, 'SIGTERM');
    process.kill(run.pid, 'SIGINT');
    await run.waitForStderr(/received signal 15, ignoring it/);
    await run.waitForStderr(/received signal 2, ignoring it/); // signals may arrive in either order
    await sleep(200);
    expect(isProcessAlive(run.pid)).toBe(true);
    process.kill(run.pid, 'SIGKILL');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await waitForProcessGone(run.pid, 2_000)).toBe(true);
  });
});

describe('capability probe answers', () => {
  test.each([
    [undefined, { version: 'fake-5.1', hasFpsMode: true, encoders: [] }],
    [{ version: '5.1.9-0+deb12u1' }, { version: '5.1.9-0+deb12u1', hasFpsMode: true, encoders: [] }],
    [{ version: 'N-47683-g0e8eb07980-static', statsPeriod: false, fpsMode: false }, { version: 'N-47683-g0e8eb07980-static', hasFpsMode: false, encoders: [] }],
    [{ version: '4.4.2', fpsMode: false }, { version: '4.4.2', hasFpsMode: false, encoders: [] }],
  ])('capabilities %j read as %j', async (capabilities, expected) => {
    const fake = makeFake({ steps: [{ exit: 9 }], capabilities });
    const version = await probe(fake.path, ['-hide_banner', '-version']);
    const help = await probe(fake.path, ['-hide_banner', '-h', 'long']);
    expect(version.stdout).toMatch(/^ffmpeg version \S+ Copyright/);
    expect(version.stderr).toBe('');
    expect(help.stdout).toMatch(/^-progress url /m);
    expect(help.stdout).toMatch(/^-vsync /m);
    expect(parseCapabilities(version.stdout, help.stdout)).toEqual(expected);
  });

  test.each([
    [undefined, { version: 'fake-5.1', hasFpsMode: true, encoders: ['libx264', 'aac'] }],
    [{ version: '5.1.9-0+deb12u1', encoders: ['libx264', 'h264_vaapi', 'aac'] }, { version: '5.1.9-0+deb12u1', hasFpsMode: true, encoders: ['libx264', 'h264_vaapi', 'aac'] }],
  ])('probeCapabilities() reads the version and the encoder list from the fake (capabilities %j)', async (capabilities, expected) => {
    const fake = makeFake({ steps: [{ exit: 9 }], capabilities });
    expect(await probeCapabilities(fake.path)).toEqual(expected);
  });

  test.each(['stats_period', 'fps_mode'])('rejects -%s like an old build when it lacks it', async (option) => {
    const run = runFake({ steps: [], capabilities: { statsPeriod: false, fpsMode: false } }, [`-${option}`, '1', ...ARGS]);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    await run.closed;
    expect(run.stderr()).toBe(`Unrecognized option '${option}'.\nError splitting the argument list: Option not found\n`);
  });
});

describe('progress blocks', () => {
  test('writes a block byte for byte as ffmpeg 5.1 does, on fd 3', async () => {
    const run = runFake({
      steps: [{ progress: { frame: 500, outTimeUs: 29_034_667, totalSize: 6_696_383, bitrateKbps: 1845.1, speed: 52.8, end: true } }],
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await run.closed;
    expect(run.progress()).toBe(
      'frame=500\nfps=0.00\nstream_0_0_q=-1.0\nbitrate=1845.1kbits/s\ntotal_size=6696383\nout_time_us=29034667\n' +
        'out_time_ms=29034667\nout_time=00:00:29.034667\ndup_frames=0\ndrop_frames=0\nspeed=52.8x\nprogress=end\n',
    );
    expect(run.stdout()).toBe('');
  });

  test('writes N/A, negative times, padding and extra keys like ffmpeg', async () => {
    const run = runFake({
      steps: [
        { progress: { outTimeUs: -23_220, totalSize: 'N/A', bitrateKbps: 3.1, speed: 0, extra: { stream_1_0_q: '-1.0' } } },
        { progress: { outTimeUs: 'N/A', bitrateKbps: 'N/A', speed: 'N/A' } },
        { progress: { outTimeUs: 4_000_000, totalSize: 500_000, speed: 1234.5 } },
      ],
    });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await run.closed;
    const [first, second, third] = splitBlocks(run.progress()).map(parseBlock);
    expect([...(first?.keys() ?? [])]).toEqual([...BLOCK_KEYS.slice(0, -1), 'stream_1_0_q', 'progress']);
    expect(Object.fromEntries(first ?? [])).toMatchObject({
      bitrate: '   3.1kbits/s',
      total_size: 'N/A',
      out_time_us: '-23220',
      out_time_ms: '-23220',
      out_time: '-00:00:00.023220',
      speed: '   0x',
    });
    expect(Object.fromEntries(second ?? [])).toMatchObject({ out_time_us: 'N/A', out_time: 'N/A', bitrate: 'N/A', speed: 'N/A' });
    // The bitrate follows size and time unless given; speed is C's %4.3g.
    expect(Object.fromEntries(third ?? [])).toMatchObject({ bitrate: '1000.0kbits/s', speed: '1.23e+03x' });
  });

  test('advance moves every number forward, with the exact key set', async () => {
    const run = runFake(scenarios.completes({ blocks: 3, everyMs: 10, outTimeStepUs: 500_000, frameStep: 12, bytesStep: 1000 }));
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await run.closed;
    const blocks = splitBlocks(run.progress()).map(parseBlock);
    expect(blocks).toHaveLength(4);
    for (const block of blocks) expect([...block.keys()]).toEqual(BLOCK_KEYS);
    expect(blocks.map((block) => block.get('out_time_us'))).toEqual(['500000', '1000000', '1500000', '1500000']);
    expect(blocks.map((block) => block.get('out_time_ms'))).toEqual(blocks.map((block) => block.get('out_time_us')));
    expect(blocks.map((block) => block.get('frame'))).toEqual(['12', '24', '36', '36']);
    expect(blocks.map((block) => block.get('total_size'))).toEqual(['1000', '2000', '3000', '3000']);
    expect(blocks.map((block) => block.get('progress'))).toEqual(['continue', 'continue', 'continue', 'end']);
    expect(blocks[2]?.get('out_time')).toBe('00:00:01.500000');
    expect(blocks[2]?.get('speed')).toBe('  50x');
  });

  test('frozen progress repeats the last block with identical numbers', async () => {
    const run = runFake(scenarios.frozenProgress({ advancing: 2, frozenBlocks: 3, everyMs: 5 }));
    const blocks = await run.waitForBlocks(5);
    expect(blocks[0]).not.toBe(blocks[1]);
    expect(new Set(blocks.slice(1))).toEqual(new Set([blocks[1]]));
    await sleep(50);
    expect(splitBlocks(run.progress())).toHaveLength(5); // then silence
    expect(isProcessAlive(run.pid)).toBe(true);
  });

  test('-progress pipe:1 writes to stdout; no -progress writes nothing', async () => {
    const scenario = scenarios.completes({ blocks: 2, everyMs: 0 });
    const toStdout = runFake(scenario, ['-progress', 'pipe:1', 'file:/dev/null']);
    const none = runFake(scenario, ['file:/dev/null']);
    await Promise.all([toStdout.closed, none.closed]);
    expect(splitBlocks(toStdout.stdout())).toHaveLength(3);
    expect(toStdout.progress()).toBe('');
    expect(none.progress() + none.stdout()).toBe('');
  });
});

describe('exits and crashes', () => {
  test('failsWith writes real ffmpeg lines and exits with the code', async () => {
    const run = runFake(scenarios.failsWith());
    expect(await run.exited).toEqual({ code: 1, signal: null });
    await run.closed;
    expect(run.stderr()).toMatch(/Unrecognized option 'foo'\.\nError splitting the argument list: Option not found\n$/);
  });

  test.each(['SIGKILL', 'SIGTERM', 'SIGABRT'] as const)('crashes(%s) dies by that signal', async (signal) => {
    const run = runFake(scenarios.crashes(signal, { blocks: 1, everyMs: 0 }));
    expect(await run.exited).toEqual({ code: null, signal });
    await run.closed;
    expect(splitBlocks(run.progress())).toHaveLength(1);
  });
});

describe('grandchild holding the pipes', () => {
  test("keeps fd 3 open past the fake's exit, from inside its process group", async () => {
    const run = runFake(scenarios.withGrandchild(scenarios.completes({ blocks: 1, everyMs: 0 }), 1_500));
    let closedAt = 0;
    void run.closed.then(() => (closedAt = Date.now()));
    const grandchildPid = trackPid(Number((await run.waitForStderr(/grandchild pid=(\d+)\n/))[1]));
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const exitedAt = Date.now();
    expect(processGroupOf(grandchildPid)).toBe(run.pid);
    await sleep(300);
    expect(closedAt).toBe(0); // 'close' waits for the grandchild
    expect(isProcessAlive(grandchildPid)).toBe(true);
    await run.closed;
    expect(closedAt - exitedAt).toBeGreaterThan(500);
  });

  test('a group SIGKILL removes the fake and its grandchild', async () => {
    const run = runFake(scenarios.withGrandchild(scenarios.silentHang(), 60_000));
    const grandchildPid = trackPid(Number((await run.waitForStderr(/grandchild pid=(\d+)\n/))[1]));
    expect(processGroupOf(grandchildPid)).toBe(run.pid);
    process.kill(-run.pid, 'SIGKILL');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await waitForProcessGone(run.pid, 2_000)).toBe(true);
    expect(await waitForProcessGone(grandchildPid, 2_000)).toBe(true);
    await run.closed;
  });
});

describe('output files', () => {
  test('writeOutput copies to the last argument without its file: prefix', async () => {
    const dir = makeTempDir();
    const source = path.join(dir, 'source.bin');
    writeFileSync(source, Buffer.from([0, 1, 2, 250, 251, 252]));
    const output = path.join(dir, 'out.mp4');
    const run = runFake(scenarios.completes({ blocks: 1, everyMs: 0, outputFrom: source }), ['-f', 'mp4', `file:${output}`]);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(output)).toEqual(readFileSync(source));
  });

  test('writeOutputText writes the text; a missing directory fails like ffmpeg', async () => {
    const dir = makeTempDir();
    const output = path.join(dir, 'out.mp4');
    const ok = runFake({ steps: [{ writeOutputText: 'fake mp4 ✓' }] }, [output]);
    const missing = path.join(dir, 'nope', 'out.mp4');
    const failing = runFake({ steps: [{ writeOutputText: 'x' }, { exit: 0 }] }, [`file:${missing}`]);
    const okExit = await ok.exited;
    await ok.closed;
    expect(okExit, `stderr: ${ok.stderr()}`).toEqual({ code: 0, signal: null });
    expect(readFileSync(output, 'utf8')).toBe('fake mp4 ✓');
    expect(await failing.exited).toEqual({ code: 1, signal: null });
    await failing.closed;
    expect(failing.stderr()).toContain(`file:${missing}: No such file or directory\n`);
  });
});

describe('stderr flood', () => {
  test('writes exactly the bytes asked for through a paused reader, as valid UTF-8 with \\r redraws', async () => {
    // The wait lets the reader pause before the flood starts, even on a loaded machine.
    const run = runFake({ steps: [{ wait: 300 }, ...scenarios.stderrFlood(400_000).steps] });
    const readyLine = (await run.waitForStderr(/^ready pid=\d+\n/))[0];
    run.child.stderr?.pause(); // the pipe fills up; the fake must wait, not drop or die
    await sleep(200);
    expect(isProcessAlive(run.pid)).toBe(true);
    run.child.stderr?.resume();
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await run.closed;
    const flood = run.stderrBytes().subarray(Buffer.byteLength(readyLine));
    expect(flood.length).toBe(400_000);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(flood);
    expect(text).toContain('\r');
    expect(text).toContain('\n');
    expect(text).toContain('é');
    expect(text).toContain('🎬');
  });

  test('with newlines: false it writes no line end at all', async () => {
    const run = runFake(scenarios.stderrFlood(100_000, { newlines: false }));
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await run.closed;
    const flood = run.stderr().replace(/^ready pid=\d+\n/, '');
    expect(Buffer.byteLength(flood)).toBe(100_000);
    expect(flood).not.toMatch(/[\r\n]/);
  });
});

describe('createFakeFfmpeg', () => {
  test('writes an executable launcher that survives quotes and spaces in its path', async () => {
    const parent = makeTempDir("it's a \"dir\" $HOME ");
    const fake = makeFake(scenarios.silentHang(), { dir: parent });
    expect(path.dirname(fake.dir)).toBe(parent);
    expect(statSync(fake.path).mode & 0o777).toBe(0o755);
    expect(readFileSync(fake.path, 'utf8')).toMatch(/^#!\/bin\/sh\nexec '/);
    expect(JSON.parse(readFileSync(fake.scenarioPath, 'utf8'))).toEqual(scenarios.silentHang());
    expect((await probe(fake.path, ['-version'])).stdout).toMatch(/^ffmpeg version fake-5\.1 /);
  });

  test('cleanup removes the directory and is idempotent', () => {
    const fake = createFakeFfmpeg(scenarios.silentHang());
    fake.cleanup();
    expect(() => statSync(fake.dir)).toThrow();
    expect(() => fake.cleanup()).not.toThrow();
  });

  test.each([
    [{}, /`scenario` must be an object with a `steps` array/],
    [{ steps: [{ sleep: 5 }] }, /`scenario.steps\[0\]` must have exactly one of wait, progress/],
    [{ steps: [{ exit: 0 }, { exit: 1, hang: true }] }, /`scenario.steps\[1\]`.*got \{"exit":1,"hang":true\}/],
  ])('rejects a malformed scenario %j with a TypeError', (scenario, message) => {
    expect(() => createFakeFfmpeg(scenario as unknown as FakeFfmpegScenario)).toThrow(message);
    expect(() => createFakeFfmpeg(scenario as unknown as FakeFfmpegScenario)).toThrow(TypeError);
  });
});

describe('running from source', () => {
  test('issue 14: createFakeFfmpeg() needs no build: from src/ it runs the bundled source, not dist/', () => {
    const fake = makeFake(scenarios.completes({ blocks: 1, everyMs: 1, writesOutput: false }));
    const launcher = readFileSync(fake.path, 'utf8');
    expect(launcher).toMatch(/node_modules\/\.cache\/ffmpeg-supervisor\/fake-ffmpeg-process-[0-9a-f]{16}\.mjs/);
    expect(launcher).not.toContain('/dist/');
  });
});
