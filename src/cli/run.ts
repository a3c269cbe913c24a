// Runs one subcommand: sets the backend and threads, wires Ctrl-C (and SIGTERM) to an
// AbortSignal, times the stages, writes the outputs and prints the result: a short table, or the
// summary as JSON with --json. Errors become one line on stderr and the exit code of context.ts.
import { performance } from 'node:perf_hooks';

import { Option, type Command } from 'commander';

import { setThreads } from '../backend/index.js';
import { writeAtomically } from '../io/atomic.js';
import { toPng, toSvg, type VegaLiteSpec } from '../plot/index.js';
import { integer } from './args.js';
import { Output, ProgressReporter, Timer, UsageError, exitCodeOf, errorLine, toJson, type CommonOptions } from './context.js';

export interface RunContext {
  common: CommonOptions;
  signal: AbortSignal;
  progress: ProgressReporter;
  timer: Timer;
  output: Output;
  /** Library argument names (A, X, field) → the file they came from, for error messages. */
  inputs: Record<string, string>;
}

export interface CommandResult {
  /** Parameters, seed, backend and results (timings are added). */
  summary: Record<string, unknown>;
  /** What a person reads on stdout. */
  lines: string[];
  /** Extra files for --out besides the .npy arrays (weights). */
  files?: { name: string; write: (path: string) => Promise<void> }[];
  /** Figures for --plot: each is written as name.svg and name.png. */
  plots?: { name: string; spec: () => VegaLiteSpec }[];
}

export type Handler = (ctx: RunContext, args: string[], options: Record<string, unknown>) => Promise<CommandResult>;

/** The exit code of the last command run by `action` (main reads it). */
export const state = { exitCode: 0 };

/** A commander action that runs `handler` with the common options resolved. */
export function action(name: string, handler: Handler): (...a: unknown[]) => Promise<void> {
  return async (...a: unknown[]) => {
    const command = a[a.length - 1] as Command;
    const options = command.optsWithGlobals() as Record<string, unknown>;
    const args = command.args.filter((x) => typeof x === 'string');
    const common: CommonOptions = {
      backend: (options.backend as CommonOptions['backend']) ?? 'auto',
      threads: options.threads as number | undefined,
      dtype: options.dtype as CommonOptions['dtype'],
      out: options.out as string | undefined,
      json: Boolean(options.json),
      plot: Boolean(options.plot),
      quiet: Boolean(options.quiet),
    };
    if (common.quiet) process.env.RANDLA_QUIET = '1';
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      // The next signal gets the default action (the process ends at once, exit 130/143) even
      // while JavaScript is busy: a listener only runs between event-loop turns, and a pass of
      // the reference backend, or a CSV parse, runs on the main thread.
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (!common.quiet) process.stderr.write(`\nrandla ${name}: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}; stopping after the current pass (again to stop at once)\n`);
      controller.abort(new Error(signal));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const ctx: RunContext = {
      common,
      signal: controller.signal,
      progress: new ProgressReporter(process.stderr, common.quiet),
      timer: new Timer(),
      output: new Output(common.out),
      inputs: {},
    };
    const t0 = performance.now();
    try {
      if (common.plot && !common.out) throw new UsageError('--plot writes figures into the --out directory: give --out DIR');
      if (common.threads !== undefined) setThreads(common.threads);
      const result = await handler(ctx, args, options);
      const summary = { command: name, ...result.summary, timings_ms: { ...ctx.timer.ms, total: performance.now() - t0 } };
      if (controller.signal.aborted) throw controller.signal.reason;
      const figures = common.plot ? await ctx.timer.time('plot', () => renderPlots(result.plots ?? [])) : [];
      if (controller.signal.aborted) throw controller.signal.reason;
      const written = await ctx.output.write(summary, [...(result.files ?? []), ...figures], controller.signal);
      if (common.json) process.stdout.write(`${JSON.stringify(toJson(summary), null, 2)}\n`);
      else {
        for (const line of result.lines) process.stdout.write(`${line}\n`);
        if (written.length) process.stdout.write(`wrote ${written.join(', ')}\n`);
      }
      state.exitCode = 0;
    } catch (error) {
      state.exitCode = controller.signal.aborted ? 130 : exitCodeOf(error);
      const line = controller.signal.aborted ? `randla ${name}: aborted; no output written` : errorLine(name, error, ctx.inputs);
      process.stderr.write(`${line}\n`);
      if (process.env.RANDLA_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}

/** Renders each figure (SVG, then PNG at 2× for sharp text) before anything is written. */
async function renderPlots(plots: NonNullable<CommandResult['plots']>): Promise<{ name: string; write: (path: string) => Promise<void> }[]> {
  const files: { name: string; write: (path: string) => Promise<void> }[] = [];
  for (const { name, spec } of plots) {
    const svg = await toSvg(spec());
    const png = await toPng(svg, { scale: 2 });
    for (const [file, bytes] of [[`${name}.svg`, svg], [`${name}.png`, png]] as const) {
      files.push({ name: file, write: (path) => writeAtomically(path, async (f) => void (await f.writeFile(bytes))) });
    }
  }
  return files;
}

/** Right-aligned `label  value` lines. */
export function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}

export const fmt = (x: number, digits = 6): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x));
export const list = (a: ArrayLike<number>, n = 10, digits = 6): string =>
  `${Array.from(a).slice(0, n).map((x) => fmt(x, digits)).join(' ')}${a.length > n ? ` … (${a.length})` : ''}`;

/** The options every computing subcommand takes (docs/cli.md, "Common options"). */
export function withCommon(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'auto, native or reference').choices(['auto', 'native', 'reference']).default('auto'))
    .addOption(new Option('--threads <n>', 'BLAS and kernel threads').argParser(integer(1, 1024)))
    .addOption(new Option('--dtype <dtype>', 'compute in this dtype (default: float32 input stays float32, else float64)').choices(['float32', 'float64']))
    .option('--out <dir>', 'write the arrays (.npy), plots and summary.json here')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--plot', 'with --out: also write the figures (SVG and PNG)')
    .option('--quiet', 'no progress on stderr');
}
