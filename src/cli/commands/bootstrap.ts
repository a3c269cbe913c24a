// `randla bootstrap FILE --rank K --sketch-rows T`: the sketched SVD and the bootstrap estimate
// of its error (Lopes, Erichson & Mahoney 2020; docs/algorithms/bootstrap.md); with --tolerance,
// the sketch size the extrapolated estimate says meets it.
import { Option, type Command } from 'commander';

import { bootstrapSvdError, type BootstrapSvdOptions, type ErrorMetric } from '../../bootstrap.js';
import { errorCurveFromBootstrap, errorCurveSpec, spectrumSpec } from '../../plot/index.js';
import { integer, number, seed } from '../args.js';
import { rowMatrix } from '../context.js';
import { readMatrixFile } from '../input.js';
import { action, fmt, list, table, withCommon } from '../run.js';

export function registerBootstrap(program: Command): void {
  withCommon(
    program
      .command('bootstrap')
      .description('sketched SVD with bootstrap estimates of its error')
      .argument('<file>', 'the matrix (.npy, .npz, .csv)')
      .requiredOption('--rank <k>', 'singular triplets', integer(1))
      .requiredOption('--sketch-rows <t>', 'rows of the sketch', integer(1))
      .option('--replicates <b>', 'bootstrap replicates (default 50)', integer(2))
      .option('--alpha <a>', 'estimates are (1 − alpha) quantiles (default 0.1)', number(0, 1))
      .option('--tolerance <tol>', 'also report the sketch size whose extrapolated estimate meets this', number(0))
      .addOption(new Option('--metric <m>', 'the estimate --tolerance applies to').choices(['value', 'vector', 'left']).default('value'))
      .addOption(new Option('--sketch <s>', 'row sketch').choices(['uniform', 'energy', 'gaussian']))
      .option('--seed <n>', 'seed (default: random, reported)', seed)
      .option('--key <name>', '.npz: the array to use'),
  ).action(
    action('bootstrap', async (ctx, [file], o) => {
      ctx.inputs.A = file!;
      const input = await ctx.timer.time('read', () => readMatrixFile(file!, { key: o.key as string | undefined, dtype: ctx.common.dtype }));
      const options: BootstrapSvdOptions = {
        rank: o.rank as number,
        sketchRows: o.sketchRows as number,
        ...(o.replicates !== undefined ? { replicates: o.replicates as number } : {}),
        ...(o.alpha !== undefined ? { alpha: o.alpha as number } : {}),
        ...(o.sketch !== undefined ? { sketch: o.sketch as BootstrapSvdOptions['sketch'] } : {}),
        ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
        backend: ctx.common.backend,
        signal: ctx.signal,
        onProgress: ctx.progress.stage('bootstrap replicates'),
      };
      const r = await ctx.timer.time('compute', () => bootstrapSvdError(input.real!, options));
      const metric = o.metric as ErrorMetric;
      const rowsFor = o.tolerance !== undefined ? r.rowsFor(o.tolerance as number, metric) : undefined;
      ctx.output.array('S', rowMatrix(r.S));
      ctx.output.array('Vt', r.Vt);
      return {
        summary: {
          file,
          shape: [input.rows, input.cols],
          parameters: { rank: options.rank, sketchRows: options.sketchRows, replicates: options.replicates ?? 50, alpha: options.alpha ?? 0.1, sketch: options.sketch ?? 'uniform' },
          seed: r.seed,
          backend: r.backend,
          S: r.S,
          valueError: r.valueError,
          vectorError: r.vectorError,
          subspaceError: r.subspaceError,
          leftVectorError: r.leftVectorError,
          perComponent: r.perComponent,
          ...(rowsFor !== undefined ? { tolerance: o.tolerance, metric, rowsFor } : {}),
        },
        lines: table([
          ['file', `${file} (${input.rows} × ${input.cols})`],
          ['singular values (sketch)', list(r.S)],
          ['value error (quantile)', fmt(r.valueError, 4)],
          ['vector error (sin)', fmt(r.vectorError, 4)],
          ['left vector error (sin)', fmt(r.leftVectorError, 4)],
          ['subspace error', fmt(r.subspaceError, 4)],
          ...(rowsFor !== undefined ? ([[`sketch rows for ${metric} ≤ ${o.tolerance}`, String(rowsFor)]] as [string, string][]) : []),
          ['seed', String(r.seed)],
          ['backend', r.backend],
        ]),
        plots: [
          { name: 'spectrum', spec: () => spectrumSpec({ singularValues: r.S, errors: r, title: `Sketched singular values of ${file} with bootstrap error bars` }) },
          { name: 'error-curve', spec: () => errorCurveSpec({ ...errorCurveFromBootstrap(r, { metric, ...(o.tolerance !== undefined ? { tolerance: o.tolerance as number } : {}) }), title: 'Error estimate vs sketch size' }) },
        ],
      };
    }),
  );
}
