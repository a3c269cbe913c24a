// What every `randla` subcommand shares: the common options, exit codes and one-line error
// messages, progress on stderr, and the output directory (arrays as .npy and one summary.json,
// each written atomically so that an error or Ctrl-C leaves no partial file).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { CommanderError } from 'commander';

import type { BackendName } from '../backend/index.js';
import { ErrorCode, RandlaError } from '../errors.js';
import { writeAtomically } from '../io/atomic.js';
import { writeNpy } from '../io/npy.js';
import type { Matrix, Progress } from '../types.js';

/** Exit codes (docs/cli.md): usage errors and bad input files 2, runtime failures 1, Ctrl-C 130. */
export const EXIT = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

/** A usage error found by randla itself (commander finds the others). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** RandlaError codes that mean "the input or an option is wrong": exit 2. The rest are runtime failures. */
const BAD_INPUT: ReadonlySet<string> = new Set([
  ErrorCode.INVALID_ARGUMENT,
  ErrorCode.NOT_FINITE,
  ErrorCode.SHAPE,
  ErrorCode.NOT_SYMMETRIC,
  ErrorCode.NOT_PSD,
  ErrorCode.BACKEND_UNAVAILABLE,
  ErrorCode.DEPENDENCY_MISSING,
]);

export function exitCodeOf(error: unknown): number {
  // Help and --version end with commander's exit code 0; every other commander error is a usage error.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof RandlaError) return error.code === ErrorCode.ABORTED ? EXIT.interrupted : BAD_INPUT.has(error.code) ? EXIT.usage : EXIT.runtime;
  return EXIT.runtime;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * One line for stderr. The library names its arguments (`options.powerIters`, `A.data`); on the
 * command line they are flags (`--power-iters`) and the input file.
 */
export function errorLine(command: string, error: unknown, inputs: Readonly<Record<string, string>> = {}): string {
  let message = error instanceof Error ? error.message : String(error);
  if (error instanceof RandlaError && error.argument) {
    const argument = error.argument;
    // The input an argument belongs to: the longest key that is the argument or a prefix of it
    // ('A' for 'A.data', 'snapshots[3]' for 'snapshots[3][0].kernel').
    const key = Object.keys(inputs)
      .sort((a, b) => b.length - a.length)
      .find((k) => argument === k || argument.startsWith(`${k}.`) || argument.startsWith(`${k}[`));
    if (argument.startsWith('options.')) {
      const flag = `--${kebab(argument.slice('options.'.length).split(/[.[]/)[0]!)}`;
      message = message.split(argument).join(flag);
    } else if (key !== undefined && !message.includes(inputs[key]!)) {
      message = `${inputs[key]}: ${message}`;
    }
  }
  return `randla ${command}: ${message.split('\n')[0]}`;
}

export interface CommonOptions {
  backend: BackendName;
  threads?: number;
  dtype?: 'float32' | 'float64';
  out?: string;
  json: boolean;
  plot: boolean;
  quiet: boolean;
}

/** Progress on stderr: a bar on a TTY, plain lines otherwise, nothing with --quiet. */
export class ProgressReporter {
  private lastLine = '';
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly quiet: boolean,
  ) {}

  /** An onProgress callback for one stage of work. */
  stage(label: string): (p: Progress) => void {
    return (p) => this.update(label, p.pass, p.totalPasses);
  }

  update(label: string, done: number, total: number): void {
    if (this.quiet) return;
    if (this.stream.isTTY) {
      const width = 24;
      const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : 0;
      this.stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      if (done >= total) this.stream.write('\n');
    } else {
      const line = `${label}: ${done}/${total}`;
      if (line !== this.lastLine) this.stream.write(`${line}\n`);
      this.lastLine = line;
    }
  }

  note(text: string): void {
    if (!this.quiet) this.stream.write(`${text}\n`);
  }
}

/** Timings of a run's stages, in ms. */
export class Timer {
  readonly ms: Record<string, number> = {};
  async time<T>(stage: string, f: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      this.ms[stage] = (this.ms[stage] ?? 0) + performance.now() - t0;
    }
  }
}

/** JSON for summary.json: typed arrays as arrays, bigint seeds as strings when beyond 2^53. */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = toJson(v);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** The output directory of a run: nothing is written without --out. */
export class Output {
  private readonly arrays: [string, Matrix][] = [];
  constructor(private readonly dir: string | undefined) {}

  array(name: string, m: Matrix): void {
    this.arrays.push([name, m]);
  }

  /**
   * Writes every file under a temporary name, then renames them into place, summary.json last;
   * an old summary.json is removed first. So summary.json exists only when the whole set is
   * new, and a failure or an abort (checked before the renames) leaves no file of this run.
   */
  async write(summary: unknown, extra: { name: string; write: (path: string) => Promise<void> }[] = [], signal?: AbortSignal): Promise<string[]> {
    if (!this.dir) return [];
    const dir = this.dir;
    await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a writable directory for --out but received ${JSON.stringify(dir)} (${e.code ?? e.message})`, { argument: 'out' });
    });
    await unlink(join(dir, 'summary.json')).catch(() => undefined);
    const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
    const staged: { temporary: string; path: string }[] = [];
    const renamed: string[] = [];
    const stage = async (name: string, write: (path: string) => Promise<void>) => {
      const temporary = join(dir, `.${name}.${tag}.tmp`);
      staged.push({ temporary, path: join(dir, name) });
      await write(temporary);
    };
    try {
      for (const [name, m] of this.arrays) await stage(`${name}.npy`, (path) => writeNpy(path, m));
      for (const { name, write } of extra) await stage(name, write);
      const text = `${JSON.stringify(toJson(summary), null, 2)}\n`;
      await stage('summary.json', (path) => writeAtomically(path, async (file) => void (await file.writeFile(text))));
      if (signal?.aborted) throw signal.reason;
      // A directory in a file's place would fail its rename half-way through the set: check first.
      for (const { path } of staged) {
        if ((await stat(path).catch(() => null))?.isDirectory()) {
          throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a file path for --out's ${basename(path)} but received a directory there (${path})`, { argument: 'out' });
        }
      }
      for (const { temporary, path } of staged) {
        await rename(temporary, path);
        renamed.push(path);
      }
      return staged.map((s) => s.path);
    } catch (error) {
      // Nothing of this run stays: the temporaries, and any file already renamed into place.
      await Promise.all([...staged.map(({ temporary }) => unlink(temporary).catch(() => undefined)), ...renamed.map((p) => unlink(p).catch(() => undefined))]);
      throw error;
    }
  }
}

/** A row-major f64 matrix from a flat array (1 × n for a vector). */
export function rowMatrix(data: ArrayLike<number>, rows = 1, cols = data.length): Matrix<Float64Array> {
  return { data: Float64Array.from(data), rows, cols, layout: 'row-major' };
}
