// `randla nystrom FILE --rank K --columns L`: Nyström eigendecomposition of a symmetric matrix
// from L sampled columns (docs/algorithms/nystrom.md).
import { Option, type Command } from 'commander';

import { nystrom, type NystromOptions } from '../../nystrom.js';
import { spectrumSpec } from '../../plot/index.js';
import { integer, seed } from '../args.js';
import { rowMatrix } from '../context.js';
import { readMatrixFile } from '../input.js';
import { action, list, table, withCommon } from '../run.js';

export const SAMPLINGS = ['uniform', 'quasi-uniform', 'rpcholesky', 'gaussian'];

export function registerNystrom(program: Command): void {
  withCommon(
    program
      .command('nystrom')
      .description('Nyström eigendecomposition of a symmetric matrix from sampled columns')
      .argument('<file>', 'a symmetric matrix (.npy, .npz, .csv)')
      .requiredOption('--rank <k>', 'eigenpairs wanted', integer(1))
      .requiredOption('--columns <l>', 'columns sampled (rank ≤ l ≤ n)', integer(1))
      .addOption(new Option('--sampling <s>', 'column sampling').choices(SAMPLINGS).default('uniform'))
      .addOption(new Option('--method <m>', 'core').choices(['auto', 'indefinite', 'psd', 'scaled']).default('auto'))
      .option('--seed <n>', 'seed (default: random, reported)', seed)
      .option('--key <name>', '.npz: the array to use'),
  ).action(
    action('nystrom', async (ctx, [file], o) => {
      ctx.inputs.A = file!;
      const input = await ctx.timer.time('read', () => readMatrixFile(file!, { key: o.key as string | undefined, dtype: 'float64' }));
      const options: NystromOptions = {
        rank: o.rank as number,
        columns: o.columns as number,
        sampling: o.sampling as NystromOptions['sampling'],
        method: o.method as NystromOptions['method'],
        ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
        backend: ctx.common.backend,
        signal: ctx.signal,
        onProgress: ctx.progress.stage('columns'),
      };
      const r = await ctx.timer.time('compute', () => nystrom(input.real!, options));
      ctx.output.array('values', rowMatrix(r.values));
      ctx.output.array('vectors', r.vectors);
      if (r.indices) ctx.output.array('indices', rowMatrix(r.indices));
      return {
        summary: {
          file,
          shape: [input.rows, input.cols],
          parameters: { rank: options.rank, columns: options.columns, sampling: options.sampling, method: options.method },
          method: r.method,
          columns: r.columns,
          seed: r.seed,
          backend: r.backend,
          values: r.values,
          ...(r.indices ? { indices: r.indices } : {}),
        },
        lines: table([
          ['file', `${file} (${input.rows} × ${input.cols})`],
          ['eigenvalues', list(r.values)],
          ['method', r.method],
          ['columns', `${r.columns} (${options.sampling})`],
          ['seed', String(r.seed)],
          ['backend', r.backend],
        ]),
        plots: [{ name: 'spectrum', spec: () => spectrumSpec({ singularValues: Array.from(r.values, Math.abs), title: `|eigenvalues| of ${file} (Nyström, ${options.sampling})` }) }],
      };
    }),
  );
}
