// What every `randla` subcommand shares: the common options, exit codes and one-line error
// messages, progress on stderr, and the output directory (arrays as .npy and one summary.json,
// each written atomically so that an error or Ctrl-C leaves no partial file).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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
  if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
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
    const root = argument.split(/[.[]/)[0]!;
    if (argument.startsWith('options.')) {
      const flag = `--${kebab(argument.slice('options.'.length).split(/[.[]/)[0]!)}`;
      message = message.split(argument).join(flag);
    } else if (inputs[root] !== undefined && !message.includes(inputs[root]!)) {
      message = `${inputs[root]}: ${message}`;
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

  /** Writes the arrays, then summary.json last (its presence means the run finished); returns the paths. */
  async write(summary: unknown, extra: { name: string; write: (path: string) => Promise<void> }[] = []): Promise<string[]> {
    if (!this.dir) return [];
    await mkdir(this.dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a writable directory for --out but received ${JSON.stringify(this.dir)} (${e.code ?? e.message})`, { argument: 'out' });
    });
    const written: string[] = [];
    for (const [name, m] of this.arrays) {
      const path = join(this.dir, `${name}.npy`);
      await writeNpy(path, m);
      written.push(path);
    }
    for (const { name, write } of extra) {
      const path = join(this.dir, name);
      await write(path);
      written.push(path);
    }
    const path = join(this.dir, 'summary.json');
    const text = `${JSON.stringify(toJson(summary), null, 2)}\n`;
    await writeAtomically(path, async (file) => {
      await file.write(text);
    });
    written.push(path);
    return written;
  }
}

/** A row-major f64 matrix from a flat array (1 × n for a vector). */
export function rowMatrix(data: ArrayLike<number>, rows = 1, cols = data.length): Matrix<Float64Array> {
  return { data: Float64Array.from(data), rows, cols, layout: 'row-major' };
}
