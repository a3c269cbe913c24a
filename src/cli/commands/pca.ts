// `randla pca FILE --components K`: PCA by the randomized SVD of the implicitly centred matrix
// (scikit-learn's PCA(svd_solver='randomized')).
import type { Command } from 'commander';

import { pca } from '../../pca.js';
import { spectrumSpec } from '../../plot/index.js';
import { integer, seed } from '../args.js';
import { rowMatrix } from '../context.js';
import { readMatrixFile } from '../input.js';
import { action, list, table, withCommon } from '../run.js';

export function registerPca(program: Command): void {
  withCommon(
    program
      .command('pca')
      .description('principal components of the rows of a matrix (samples × features)')
      .argument('<file>', 'the data matrix (.npy, .npz, .csv)')
      .requiredOption('--components <k>', 'number of components', integer(1))
      .option('--oversamples <p>', 'oversampling p (default 10)', integer(0))
      .option('--power-iters <q>', 'power iterations q (default 2)', integer(0, 100))
      .option('--seed <n>', 'seed (default: random, reported)', seed)
      .option('--key <name>', '.npz: the array to use'),
  ).action(
    action('pca', async (ctx, [file], o) => {
      ctx.inputs.X = file!;
      const input = await ctx.timer.time('read', () => readMatrixFile(file!, { key: o.key as string | undefined, dtype: ctx.common.dtype }));
      const r = await ctx.timer.time('compute', () =>
        pca(input.real!, {
          components: o.components as number,
          ...(o.oversamples !== undefined ? { oversamples: o.oversamples as number } : {}),
          ...(o.powerIters !== undefined ? { powerIters: o.powerIters as number } : {}),
          ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
          backend: ctx.common.backend,
          signal: ctx.signal,
          onProgress: ctx.progress.stage('passes over X'),
        }),
      );
      ctx.output.array('components', r.components);
      ctx.output.array('mean', rowMatrix(r.mean));
      return {
        summary: {
          file,
          shape: [input.rows, input.cols],
          parameters: { components: o.components, oversamples: o.oversamples, powerIters: o.powerIters },
          seed: r.seed,
          backend: r.backend,
          singularValues: r.singularValues,
          explainedVariance: r.explainedVariance,
          explainedVarianceRatio: r.explainedVarianceRatio,
          totalVariance: r.totalVariance,
        },
        lines: table([
          ['file', `${file} (${input.rows} samples × ${input.cols} features)`],
          ['explained variance ratio', list(r.explainedVarianceRatio, 10, 4)],
          ['total of those', r.explainedVarianceRatio.reduce((a, b) => a + b, 0).toFixed(4)],
          ['singular values', list(r.singularValues)],
          ['seed', String(r.seed)],
          ['backend', r.backend],
        ]),
        plots: [{ name: 'spectrum', spec: () => spectrumSpec({ singularValues: r.singularValues, title: `Singular values of the centred ${file}` }) }],
      };
    }),
  );
}
